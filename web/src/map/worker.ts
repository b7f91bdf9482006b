import { prewarm, setWorkerUrl } from 'maplibre-gl'
// MapLibre 6 finds its worker next to its own module at run time, which a bundler cannot see:
// emit the (self-contained) worker as an asset and point MapLibre at it before any map is made.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'

setWorkerUrl(new URL(workerUrl, import.meta.url).href)
// Start the workers now: they load and parse their 0.5 MB script on their own threads while the
// page creates the map (WebGL set-up holds the main thread for a second or more), rather than after.
prewarm()
