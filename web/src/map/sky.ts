import type { Map as MapLibreMap } from 'maplibre-gl'

/**
 * Stops MapLibre drawing its sky. MapLibre 6 draws a sky on every frame even for a style without
 * one: a transparent quad over the whole canvas, which costs a shader program to compile before
 * the first frame and a full-screen pass per frame, both paid in full by software WebGL (wall PCs
 * without a GPU, SwiftShader). Our styles set no sky, so nothing drawn changes: the ground is the
 * container's colour showing through the transparent canvas either way.
 * @example const map = new MapLibreMap({ container, style }); withoutSky(map)
 */
export function withoutSky(map: MapLibreMap): void {
  // A copy: the draw functions object is shared by every map on the page.
  map.painter.drawFunctions = { ...map.painter.drawFunctions, sky: () => {} }
}
