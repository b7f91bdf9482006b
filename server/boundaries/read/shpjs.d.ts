/** The two functions of shpjs 6 that the shapefile reader uses (the package ships no types). */
declare module 'shpjs' {
  import type { Geometry } from 'geojson'
  /** The shapes of a .shp, one per record, null for null shapes; reprojected when `prj` is given. */
  export function parseShp(shp: ArrayBuffer | ArrayBufferView | DataView, prj?: string | false): (Geometry | null)[]
  /** The records of a .dbf, decoded with the TextDecoder of `encoding`: C as trimmed text, N/F as numbers, D as Dates, L as booleans. */
  export function parseDbf(
    dbf: ArrayBuffer | ArrayBufferView | DataView,
    encoding?: string,
  ): Record<string, string | number | boolean | Date>[]
}
