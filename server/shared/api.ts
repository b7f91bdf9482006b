/**
 * What the web app takes from the server: the request and response schemas (zod, the single truth
 * shared by server and web), the status vocabularies and the tile sources of its pages. Each stays
 * owned by its domain; this module only re-exports them, so web/ reaches server code through
 * server/shared/ alone (a lint rule holds it) and the server's own modules stay out of the bundle.
 * Values here are zod schemas and constants of modules free of Express, pino and the database.
 */
export { EMERGING_KINDS } from '../analytics/emerging.ts'
export type { AreaDetail } from '../areas/queries.ts'
export { AreaLevelSchema, type AreaProperties, WebConfigSchema } from '../areas/schema.ts'
export { type AuditAction, AuditActionSchema, type AuditRecord } from '../audit/log.ts'
export { type MeResponse, MeResponseSchema, type Role, RoleSchema, SCOPED_ROLES, type UserView } from '../auth/schema.ts'
export { BoundaryCrsSchema } from '../boundaries/schema.ts'
export { type CategoriesResponse, CategoriesResponseSchema, type Category } from '../categories/schema.ts'
export {
  type DeviceEvent,
  type DeviceEventKind,
  DeviceEventKindSchema,
  type DeviceEventPage,
  type DeviceFeature,
  type DeviceKind,
  DeviceKindSchema,
  type DevicePage,
  type DeviceStatus,
} from '../devices/schema.ts'
export {
  DISPUTE_TYPE_NAMES,
  type DisputeDetail,
  type DisputeFeature,
  type DisputePage,
  type DisputeStep,
  type DisputeType,
  DisputeTypeSchema,
} from '../disputes/schema.ts'
export {
  DISPUTE_TRANSITIONS,
  type DisputeAction,
  DisputeActionSchema,
  type DisputeLevel,
  DisputeLevelSchema,
  type DisputeState,
  type DisputeStatus,
  DisputeStatusSchema,
  nextDisputeState,
} from '../disputes/states.ts'
export type { ReverseResult } from '../geocode/reverse.ts'
export { type GeocodeResponse, MatchLevelSchema } from '../geocode/schema.ts'
export { type ChecklistItem, checklistOf, SELF_CHECK_LISTS, selfCheckHazardId } from '../hazards/checklists.ts'
export {
  HAZARD_CATEGORY_NAMES,
  HAZARD_SEVERITY_NAMES,
  type HazardCategory,
  HazardCategorySchema,
  HazardCreateSchema,
  type HazardDetail,
  type HazardFeature,
  type HazardPage,
  type HazardSeverity,
  HazardSeveritySchema,
  type HazardSource,
  HazardSourceSchema,
  type HazardStatus,
  HazardStatusSchema,
} from '../hazards/schema.ts'
export { HAZARD_TRANSITIONS } from '../hazards/states.ts'
export type { ImportJob } from '../imports/jobs.ts'
export type { JobKind } from '../imports/kinds.ts'
export type { ImportCounts, ImportRun } from '../imports/runs.ts'
export { type IncidentFeature, type IncidentPage, IncidentPageSchema } from '../incidents/query-schema.ts'
export { IncidentStatusSchema } from '../incidents/schema.ts'
export {
  type AssessmentsResponse,
  type Colour,
  type IndicatorDefinition,
  type IndicatorsResponse,
  type RankedArea,
  type RankingResponse,
  RankingResponseSchema,
} from '../indicators/schema.ts'
export { LevelSchema, type ModelDefinition, ModelDefinitionSchema } from '../models/definition.ts'
export {
  type OrganisationDetail,
  type OrganisationPage,
  type OrganisationProperties,
  type SelfCheckAnswer,
  SelfCheckBodySchema,
} from '../organisations/schema.ts'
export {
  HOUSE_USE_NAMES,
  type HouseDetail,
  type HouseFeature,
  type HousePage,
  type HouseUse,
  HouseUseSchema,
  KEY_CATEGORY_NAMES,
  type KeyCategory,
  KeyCategorySchema,
  type Registration,
  RegistrationSchema,
  type Residence,
  RESIDENCE_NAMES,
  ResidenceSchema,
  type Resident,
  type ResidentPage,
} from '../people/schema.ts'
export { FAR_ACCEPT_M, type Pair, type ReviewPage } from '../reconcile/schema.ts'
export {
  type AreaStatsResponse,
  AreaStatsResponseSchema,
  type ComparedCount,
  type SummaryResponse,
  SummaryResponseSchema,
  type TimeseriesResponse,
} from '../stats/schema.ts'
export type { IncidentChange } from '../stream/changes.ts'
export { type Task, type TaskAssigned, type TaskDetail, type TaskPage, type TaskStatus, TaskStatusSchema } from '../tasks/schema.ts'
export { OPEN_TASK_STATUSES, TASK_COMMENT_REQUIRED, TASK_TRANSITIONS } from '../tasks/states.ts'
export { MAP_AREA_TILES, MAP_OVERLAY_TILES, WALL_TOWN_TILES } from '../tiles/page-sources.ts'
export { type WarningDetail, type WarningFeature, type WarningPage, type WarningStatus, WarningStatusSchema } from '../warnings/schema.ts'
export { OPEN_STATUSES as OPEN_WARNING_STATUSES } from '../warnings/states.ts'
