/**
 * The tile layer sets our own pages ask for, one MapLibre source each (web/src/map/style.ts,
 * web/src/wall/map.ts). The server renders them for the district when it starts (warmup.ts), so
 * the first page after a restart gets them from memory. Shared so the two cannot drift apart.
 */

/** The map's village, grid and micro-grid boundaries (drill-down and lines). */
export const MAP_AREA_TILES = 'villages,grids,microgrids'
/** The map's warnings (and hot spots), hazards and tasks: one tile holds all three. */
export const MAP_OVERLAY_TILES = 'warnings,hazards,tasks'
/** The wall screen's towns. */
export const WALL_TOWN_TILES = 'towns'

/** Every set, in the order the warm-up renders them. */
export const PAGE_TILE_SETS: readonly string[] = [MAP_AREA_TILES, MAP_OVERLAY_TILES, WALL_TOWN_TILES]
