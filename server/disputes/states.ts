/**
 * The mediation workflow of a dispute (矛盾纠纷): open (受理) → mediating (调解中) → resolved
 * (调解成功) | failed (调解失败), and withdrawn (撤回) from either open state. A step names an
 * action; the action decides the move: `mediation` starts (or continues) mediation, `agreement`
 * resolves, `failed` fails, `withdrawn` withdraws, `escalated` moves the case to another level
 * (村 → 镇 → 区, or online), `judicial_confirmation` marks a resolved case's agreement as
 * confirmed by a court, `note` only records. An illegal step is a Conflict (HTTP 409).
 */
import { z } from 'zod'

import { Conflict } from '../shared/errors.ts'
import { assertMove, type TransitionTable } from '../shared/workflow.ts'

export const DisputeStatusSchema = z.enum(['open', 'mediating', 'resolved', 'failed', 'withdrawn'])
export type DisputeStatus = z.infer<typeof DisputeStatusSchema>
export const DISPUTE_STATUS_NAMES: Readonly<Record<DisputeStatus, string>> = {
  open: '受理',
  mediating: '调解中',
  resolved: '调解成功',
  failed: '调解失败',
  withdrawn: '撤回',
}

export const DisputeLevelSchema = z.enum(['village', 'town', 'district', 'odr'])
export type DisputeLevel = z.infer<typeof DisputeLevelSchema>
export const DISPUTE_LEVEL_NAMES: Readonly<Record<DisputeLevel, string>> = { village: '村', town: '镇', district: '区', odr: 'ODR' }

export const DisputeActionSchema = z.enum([
  'registered',
  'mediation',
  'escalated',
  'agreement',
  'failed',
  'judicial_confirmation',
  'withdrawn',
  'note',
])
export type DisputeAction = z.infer<typeof DisputeActionSchema>
export const DISPUTE_ACTION_NAMES: Readonly<Record<DisputeAction, string>> = {
  registered: '受理登记',
  mediation: '调解',
  escalated: '上交',
  agreement: '达成协议',
  failed: '调解失败',
  judicial_confirmation: '司法确认',
  withdrawn: '撤回',
  note: '备注',
}

export const DISPUTE_TRANSITIONS: TransitionTable<DisputeStatus> = {
  open: ['mediating', 'withdrawn'],
  mediating: ['resolved', 'failed', 'withdrawn'],
  resolved: [],
  failed: [],
  withdrawn: [],
}

/** The final states: a case there has an outcome time. */
export const FINAL_DISPUTE_STATUSES: readonly DisputeStatus[] = ['resolved', 'failed', 'withdrawn']

/** Where a case is: its status, level and confirmation. */
export interface DisputeState {
  status: DisputeStatus
  level: DisputeLevel
  judicialConfirmation: boolean
}

/** A step as given: when, at which level, what. */
export interface DisputeStepInput {
  level: DisputeLevel
  action: DisputeAction
}

const MOVES: Partial<Record<DisputeAction, DisputeStatus>> = {
  mediation: 'mediating',
  agreement: 'resolved',
  failed: 'failed',
  withdrawn: 'withdrawn',
}

/**
 * The state after a step, or Conflict (409) naming the case, the states and the way out.
 * @example nextDisputeState('D-1', { status: 'open', level: 'village', judicialConfirmation: false }, { level: 'village', action: 'mediation' }).status // 'mediating'
 * @example nextDisputeState('D-1', { status: 'resolved', level: 'town', judicialConfirmation: false }, { level: 'town', action: 'failed' }) // throws "dispute D-1: cannot go from resolved to failed (resolved is final)"
 */
export function nextDisputeState(what: string, s: DisputeState, step: DisputeStepInput): DisputeState {
  const label = `dispute ${what}`
  const final = FINAL_DISPUTE_STATUSES.includes(s.status)
  switch (step.action) {
    case 'registered':
      throw new Conflict(`${label}: a case is registered once, when it is received`, { action: step.action })
    case 'note':
      return s
    case 'escalated':
      if (final) throw new Conflict(`${label}: cannot be escalated, it is ${s.status}`, { from: s.status, action: step.action })
      if (step.level === s.level)
        throw new Conflict(`${label}: is at the ${s.level} level already`, { level: s.level, action: step.action })
      return { ...s, level: step.level }
    case 'judicial_confirmation':
      if (s.status !== 'resolved')
        throw new Conflict(`${label}: only a resolved case's agreement can be confirmed (it is ${s.status})`, { from: s.status })
      if (s.judicialConfirmation) throw new Conflict(`${label}: its agreement is confirmed already`, { from: s.status })
      return { ...s, judicialConfirmation: true }
    default: {
      const to = MOVES[step.action]!
      // Another mediation session of a case in mediation moves nothing.
      if (!(to === 'mediating' && s.status === 'mediating')) assertMove(DISPUTE_TRANSITIONS, label, s.status, to)
      return { ...s, status: to }
    }
  }
}
