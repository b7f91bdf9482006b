/** heic-decode ships no types: the one call server/attachments/process.ts makes. */
declare module 'heic-decode' {
  interface DecodedImage {
    width: number
    height: number
    /** RGBA, 4 bytes a pixel. */
    data: Uint8ClampedArray
  }
  function decode(input: { buffer: Uint8Array | ArrayBuffer }): Promise<DecodedImage>
  export default decode
}
