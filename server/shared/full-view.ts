/**
 * The answer of `GET /api/addresses/{id}/full-view` (server/addresses/full-view.ts), shared with
 * the map's inspector (web/src/ui/full-view.ts): one schema for the route, its OpenAPI entry and
 * the page.
 */
import { z } from 'zod'

export const FullViewParamsSchema = z.object({ id: z.string().trim().min(1).max(200) })

const Resident = z.object({
  id: z.number().int(),
  /** Masked always (`王**`). */
  name: z.string().nullable(),
  residence: z.enum(['registered', 'migrant']),
  /** A migrant's residence registration in force today. */
  registered: z.boolean(),
  movedIn: z.string().nullable(),
  keyPerson: z.boolean(),
  /** 重点人员 categories: only for callers with `pii` (others get an empty list and `keyPerson`). */
  keyCategories: z.array(z.string()),
})

export const FullViewSchema = z.object({
  address: z.object({
    id: z.string(),
    address: z.string(),
    lng: z.number(),
    lat: z.number(),
    townCode: z.string().nullable(),
    villageCode: z.string().nullable(),
    gridCode: z.string().nullable(),
    townName: z.string().nullable(),
    villageName: z.string().nullable(),
    gridName: z.string().nullable(),
  }),
  counts: z.object({
    houses: z.number().int(),
    residents: z.number().int(),
    migrants: z.number().int(),
    organisations: z.number().int(),
    incidents: z.number().int(),
    hazards: z.number().int(),
    openHazards: z.number().int(),
    disputes: z.number().int(),
    devices: z.number().int(),
    alertingDevices: z.number().int(),
    tasks: z.number().int(),
    openTasks: z.number().int(),
  }),
  houses: z.array(
    z.object({
      id: z.number().int(),
      houseId: z.string(),
      room: z.string().nullable(),
      use: z.string(),
      groupRental: z.boolean(),
      rooms: z.number().int().nullable(),
      floorAreaM2: z.number().nullable(),
      /** Masked always. */
      owner: z.string().nullable(),
      ownerPhone: z.string().nullable(),
      residents: z.number().int(),
      migrants: z.number().int(),
      people: z.array(Resident),
    }),
  ),
  organisations: z.array(
    z.object({
      id: z.number().int(),
      orgId: z.string(),
      name: z.string(),
      type: z.string(),
      riskCategories: z.array(z.string()),
      status: z.string(),
      /** Masked always. */
      responsible: z.string().nullable(),
      responsiblePhone: z.string().nullable(),
      selfCheckEveryDays: z.number().int().nullable(),
      lastSelfCheckAt: z.string().nullable(),
      /** Days the next self-check is overdue (0 on time; null without a duty), as the tiles count it. */
      overdueDays: z.number().int().nullable(),
    }),
  ),
  incidents: z.object({
    total: z.number().int(),
    recent: z.array(
      z.object({
        id: z.number().int(),
        incidentId: z.string(),
        reportedAt: z.string(),
        category: z.string(),
        categoryName: z.string().nullable(),
        status: z.string(),
        description: z.string().nullable(),
      }),
    ),
  }),
  hazards: z.array(
    z.object({
      id: z.number().int(),
      hazardId: z.string(),
      category: z.string(),
      severity: z.string(),
      status: z.string(),
      overdue: z.boolean(),
      dueDate: z.string().nullable(),
      reportedAt: z.string(),
      description: z.string(),
    }),
  ),
  disputes: z.array(
    z.object({
      id: z.number().int(),
      caseId: z.string(),
      type: z.string(),
      level: z.string(),
      status: z.string(),
      reportedAt: z.string(),
      outcomeAt: z.string().nullable(),
      summary: z.string().nullable(),
      /** How many parties (never who). */
      parties: z.number().int(),
    }),
  ),
  devices: z.array(
    z.object({
      id: z.number().int(),
      deviceId: z.string(),
      kind: z.string(),
      status: z.string(),
      alerting: z.boolean(),
      lastEventAt: z.string().nullable(),
      lastEventKind: z.string().nullable(),
    }),
  ),
  tasks: z.array(
    z.object({
      id: z.number().int(),
      title: z.string(),
      status: z.string(),
      source: z.string(),
      dueDate: z.string(),
      overdue: z.boolean(),
    }),
  ),
})
export type FullView = z.infer<typeof FullViewSchema>
