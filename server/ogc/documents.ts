/**
 * The JSON documents of OGC API – Features: landing page, conformance, collection metadata,
 * queryables and the OpenAPI 3.0 definition, all generated from the collection registry.
 */
import type { CollectionDef, JsonSchema, PropertyDef } from './collections.ts'
import type { Extent } from './features.ts'
import { DEFAULT_LIMIT, MAX_LIMIT, SUPPORTED_CRS } from './params.ts'

export const MEDIA = {
  json: 'application/json',
  geojson: 'application/geo+json',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
  schema: 'application/schema+json',
} as const

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'

/** Conformance classes declared at /ogc/conformance (each honoured and tested). */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
] as const

export interface Link {
  href: string
  rel: string
  type?: string
  title?: string
}

/**
 * The landing page at `base` (the absolute URL of /ogc).
 * @example landingPage('http://127.0.0.1:8080/ogc').links.map((l) => l.rel) // ['self', 'service-desc', 'conformance', …]
 */
export function landingPage(base: string) {
  return {
    title: "Ping'an OneMap (平安一张图) – OGC API – Features",
    description: 'Administrative areas and incidents of the district, as GeoJSON (WGS84 lon/lat).',
    links: [
      { href: base, rel: 'self', type: MEDIA.json, title: 'This document' },
      { href: `${base}/api`, rel: 'service-desc', type: MEDIA.openapi, title: 'The API definition (OpenAPI 3.0)' },
      { href: `${base}/conformance`, rel: 'conformance', type: MEDIA.json, title: 'Conformance classes' },
      {
        href: `${base}/conformance`,
        rel: 'http://www.opengis.net/def/rel/ogc/1.0/conformance',
        type: MEDIA.json,
        title: 'Conformance classes',
      },
      { href: `${base}/collections`, rel: 'data', type: MEDIA.json, title: 'Collections' },
      { href: `${base}/collections`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/data', type: MEDIA.json, title: 'Collections' },
    ] satisfies Link[],
  }
}

/**
 * One collection's metadata (as listed in /collections and at /collections/{id}).
 * @example collectionDoc(base, towns, extent).links[1].rel // 'items'
 */
export function collectionDoc(base: string, def: CollectionDef, extent: Extent) {
  const self = `${base}/collections/${def.id}`
  return {
    id: def.id,
    title: def.title,
    description: def.description,
    itemType: 'feature',
    crs: [...SUPPORTED_CRS],
    storageCrs: CRS84,
    extent: {
      spatial: { bbox: [extent.bbox], crs: CRS84 },
      ...(extent.interval ? { temporal: { interval: [extent.interval], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } } : {}),
    },
    links: [
      { href: self, rel: 'self', type: MEDIA.json, title: 'This collection' },
      { href: `${self}/items`, rel: 'items', type: MEDIA.geojson, title: `${def.title} as GeoJSON` },
      { href: `${self}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: MEDIA.schema, title: 'Queryables' },
      { href: `${self}/schema`, rel: 'describedby', type: MEDIA.schema, title: 'JSON Schema of the features' },
      // The same link as GDAL 3.6 looks for it (it compares the rel with this spelling).
      { href: `${self}/schema`, rel: 'describedBy', type: MEDIA.schema, title: 'JSON Schema of the features' },
    ] satisfies Link[],
  }
}

/**
 * A property's JSON Schema: one type name (GDAL 3.6 reads no type arrays; any property may be null).
 * @example propertySchema({ name: 'geocodeScore', type: 'number', description: 'Geocoding score' } as PropertyDef) // { type: 'number', … }
 */
function propertySchema(p: PropertyDef): JsonSchema {
  const base = p.type === 'date-time' ? { type: 'string', format: 'date-time' } : { type: p.type }
  return { title: p.name, description: `${p.description} (may be null)`, ...base }
}

/**
 * The JSON Schema of a collection's features, as a GeoJSON Feature whose `properties` are typed
 * (linked with rel=describedby), so clients type every field up front instead of guessing from
 * the first page (a numeric field null there would become text). A property that repeats the
 * feature id (`id`) is left to the id: GDAL makes a field of the id itself.
 * @example featureSchema(base, incidents).properties.properties.properties.geocodeScore // { type: 'number', … }
 */
export function featureSchema(base: string, def: CollectionDef) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${base}/collections/${def.id}/schema`,
    title: def.title,
    description: def.description,
    type: 'object',
    required: ['type', 'geometry', 'properties'],
    properties: {
      type: { type: 'string', enum: ['Feature'] },
      id: def.key.type === 'bigint' ? { type: 'integer' } : { type: 'string' },
      geometry: { description: `GeoJSON ${def.geometryType === 'Geometry' ? 'geometry' : def.geometryType}, or null` },
      properties: {
        type: 'object',
        properties: Object.fromEntries(def.properties.filter((p) => p.name !== 'id').map((p) => [p.name, propertySchema(p)])),
      },
    },
  }
}

/**
 * The queryables of a collection (Part 3): its extra filters, usable as query parameters.
 * @example queryables(base, incidents).properties // { category: …, area: … }
 */
export function queryables(base: string, def: CollectionDef) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${base}/collections/${def.id}/queryables`,
    type: 'object',
    title: def.title,
    properties: Object.fromEntries(def.filters.map((f) => [f.name, { description: f.description, ...f.schema }])),
    additionalProperties: false,
  }
}

const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` })
const jsonResponse = (description: string, type: string, schema: JsonSchema) => ({ description, content: { [type]: { schema } } })
const ERRORS = {
  '400': { $ref: '#/components/responses/InvalidParameter' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '404': { $ref: '#/components/responses/NotFound' },
}

/**
 * The per-collection paths (GDAL reads a collection's query parameters from its items path).
 * @example Object.keys(collectionPaths(incidents)) // ['/collections/incidents', '/collections/incidents/items', …]
 */
function collectionPaths(def: CollectionDef): Record<string, unknown> {
  const base = `/collections/${def.id}`
  const filterParams = def.filters.map((f) => ({
    name: f.name,
    in: 'query',
    required: false,
    description: f.description,
    schema: f.schema,
  }))
  const properties = {
    name: 'properties',
    in: 'query',
    required: false,
    description: 'Only these properties in each feature (comma-separated); empty = none.',
    style: 'form',
    explode: false,
    schema: { type: 'array', items: { type: 'string', enum: def.properties.map((p) => p.name) } },
  }
  const featureSchema = { $ref: '#/components/schemas/featureGeoJSON' }
  return {
    [base]: {
      get: {
        summary: `Metadata of ${def.id}`,
        operationId: `describe_${def.id}`,
        tags: [def.id],
        parameters: [ref('f')],
        responses: { '200': jsonResponse('The collection', MEDIA.json, { $ref: '#/components/schemas/collection' }), ...ERRORS },
      },
    },
    [`${base}/items`]: {
      get: {
        summary: `Features of ${def.id}`,
        description: def.time ? `\`datetime\` applies to \`${def.time.property}\`.` : 'Not temporal: `datetime` is refused.',
        operationId: `items_${def.id}`,
        tags: [def.id],
        parameters: [
          ref('limit'),
          ref('bbox'),
          ref('bbox-crs'),
          ...(def.time ? [ref('datetime')] : []),
          properties,
          ...filterParams,
          ref('crs'),
          ref('cursor'),
          ref('f'),
        ],
        responses: {
          '200': jsonResponse('A page of features; `next` link while more follow', MEDIA.geojson, {
            $ref: '#/components/schemas/featureCollectionGeoJSON',
          }),
          ...ERRORS,
        },
      },
    },
    [`${base}/items/{featureId}`]: {
      get: {
        summary: `One feature of ${def.id}`,
        operationId: `item_${def.id}`,
        tags: [def.id],
        parameters: [ref('featureId'), properties, ref('crs'), ref('f')],
        responses: { '200': jsonResponse('The feature', MEDIA.geojson, featureSchema), ...ERRORS },
      },
    },
    [`${base}/queryables`]: {
      get: {
        summary: `Queryables of ${def.id}`,
        operationId: `queryables_${def.id}`,
        tags: [def.id],
        parameters: [ref('f')],
        responses: { '200': jsonResponse('JSON Schema of the query parameters', MEDIA.schema, { type: 'object' }), ...ERRORS },
      },
    },
  }
}

/**
 * The OpenAPI 3.0 definition of /ogc, served at /ogc/api. Paths are relative to `servers[0]`.
 * @example openApi('http://127.0.0.1:8080/ogc', COLLECTIONS).paths['/collections/incidents/items']
 */
export function openApi(base: string, collections: readonly CollectionDef[]) {
  const json = (description: string) => jsonResponse(description, MEDIA.json, { type: 'object' })
  return {
    openapi: '3.0.3',
    info: {
      title: "Ping'an OneMap – OGC API – Features",
      version: '1.0.0',
      description:
        'OGC API – Features Part 1 (core, GeoJSON, OpenAPI 3.0) with Part 3 queryables as query parameters. ' +
        'Paging is by key: follow the `next` link (its `cursor`) — rows added meanwhile never repeat or shift a page.',
    },
    servers: [{ url: base }],
    paths: {
      '/': {
        get: {
          summary: 'Landing page',
          operationId: 'landing',
          parameters: [ref('f')],
          responses: { '200': json('Links to the API, conformance and collections'), ...ERRORS },
        },
      },
      '/api': {
        get: {
          summary: 'This definition',
          operationId: 'api',
          responses: { '200': jsonResponse('OpenAPI 3.0', MEDIA.openapi, { type: 'object' }) },
        },
      },
      '/conformance': {
        get: {
          summary: 'Conformance classes',
          operationId: 'conformance',
          parameters: [ref('f')],
          responses: { '200': json('conformsTo'), ...ERRORS },
        },
      },
      '/collections': {
        get: {
          summary: 'Collections',
          operationId: 'collections',
          parameters: [ref('f')],
          responses: { '200': json('The collections'), ...ERRORS },
        },
      },
      ...Object.assign({}, ...collections.map(collectionPaths)),
    },
    components: {
      parameters: {
        f: {
          name: 'f',
          in: 'query',
          required: false,
          description: 'Representation: JSON (GeoJSON for features). HTML is not offered.',
          schema: { type: 'string', enum: ['json', 'geojson'] },
        },
        limit: {
          name: 'limit',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description: `Features per page (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}: a larger value is read as ${MAX_LIMIT}; below 1 is a 400). A \`next\` link asks for at least ${DEFAULT_LIMIT}, so a small first page does not make walking the collection slow.`,
          schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
        },
        bbox: {
          name: 'bbox',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description:
            'minLon,minLat,maxLon,maxLat in CRS84 (6 numbers with heights are accepted; heights are ignored). Features whose geometry intersects it.',
          schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
        },
        datetime: {
          name: 'datetime',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description:
            'An instant (RFC 3339 date-time with offset, or a date = that whole Asia/Shanghai day) or a closed interval `start/end`; `..` (or nothing) leaves an end open.',
          schema: { type: 'string' },
        },
        crs: {
          name: 'crs',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description: `The CRS of the coordinates in the answer (Part 2; the Content-Crs header names it): ${SUPPORTED_CRS.join(' or ')}. EPSG:4490 (CGCS2000) has the same numbers as CRS84 here but latitude first, as EPSG defines its axes.`,
          schema: { type: 'string', format: 'uri', enum: [...SUPPORTED_CRS], default: CRS84 },
        },
        'bbox-crs': {
          name: 'bbox-crs',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description: 'The CRS of `bbox` (default CRS84, longitude first); with EPSG:4490 the numbers are minLat,minLon,maxLat,maxLon.',
          schema: { type: 'string', format: 'uri', enum: [...SUPPORTED_CRS], default: CRS84 },
        },
        cursor: {
          name: 'cursor',
          in: 'query',
          required: false,
          description: 'Where the next page starts: take it from the `next` link, do not build it.',
          schema: { type: 'string' },
        },
        featureId: {
          name: 'featureId',
          in: 'path',
          required: true,
          description: 'The feature id (numeric for incidents, the area code for areas).',
          schema: { type: 'string' },
        },
      },
      schemas: {
        link: {
          type: 'object',
          required: ['href', 'rel'],
          properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } },
        },
        collection: {
          type: 'object',
          required: ['id', 'links'],
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            description: { type: 'string' },
            links: { type: 'array', items: { $ref: '#/components/schemas/link' } },
            extent: { type: 'object' },
            itemType: { type: 'string' },
            crs: { type: 'array', items: { type: 'string' } },
          },
        },
        featureGeoJSON: {
          type: 'object',
          required: ['type', 'geometry', 'properties'],
          properties: {
            type: { type: 'string', enum: ['Feature'] },
            id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
            geometry: { type: 'object', nullable: true },
            properties: { type: 'object', nullable: true },
          },
        },
        featureCollectionGeoJSON: {
          type: 'object',
          required: ['type', 'features'],
          properties: {
            type: { type: 'string', enum: ['FeatureCollection'] },
            features: { type: 'array', items: { $ref: '#/components/schemas/featureGeoJSON' } },
            links: { type: 'array', items: { $ref: '#/components/schemas/link' } },
            timeStamp: { type: 'string', format: 'date-time' },
            numberMatched: { type: 'integer', minimum: 0 },
            numberReturned: { type: 'integer', minimum: 0 },
          },
        },
        exception: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'string' }, details: { type: 'array', items: { type: 'object' } } },
        },
      },
      responses: {
        InvalidParameter: jsonResponse('A query parameter is unknown or invalid', MEDIA.json, { $ref: '#/components/schemas/exception' }),
        NotFound: jsonResponse('No such collection or feature', MEDIA.json, { $ref: '#/components/schemas/exception' }),
        Unauthorized: {
          ...jsonResponse(
            'No valid credentials (when the server requires login); the answer carries `WWW-Authenticate: Basic realm="OneMap"`',
            MEDIA.json,
            { $ref: '#/components/schemas/exception' },
          ),
          headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Basic realm="OneMap"' } },
        },
      },
      // What QGIS, GDAL and scripts authenticate with (docs/analysts.md). Read-only: /ogc has GET only.
      securitySchemes: {
        basicApiKey: {
          type: 'http',
          scheme: 'basic',
          description:
            'HTTP Basic with an API key as the password (any user name, or the key owner’s). What QGIS authentication configurations and GDAL_HTTP_USERPWD send.',
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key or a session token as a Bearer token.' },
      },
    },
    // Either scheme; a deployment that allows anonymous reads (AUTH_ANONYMOUS_ROLE) needs none.
    security: [{ basicApiKey: [] }, { bearer: [] }, {}],
  }
}
