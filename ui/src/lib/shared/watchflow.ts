// The watchlist (关注名单) step of a registration, as a small state machine. Pure, so the
// steps are unit-tested:
//   screen  → the name / ID number / plate changed since the last screening (or never screened)
//   acknowledge → hits are on screen and the guard has not acknowledged them
//   override → the screening needs a supervisor, and none has approved yet
//   save    → nothing stands in the way
// What a screening needs (nothing, an acknowledgement, an override) is the core's answer
// (`Screening.needs`, the rule its save enforces), never worked out here from the hits.
// When they race (an entry added meanwhile), `afterSaveError` sends the flow back to screening.
import type { AppError, ScreenQuery, Screening, SupervisorOverride, WatchHit, WatchNeeds } from '../bindings';

export type WatchStep = 'screen' | 'acknowledge' | 'override' | 'save';

export interface WatchFlow {
  /** What was screened (see screenKey); null: not screened yet. */
  key: string | null;
  hits: WatchHit[];
  /** What the core said the hits need before the save. */
  needs: WatchNeeds;
  acknowledged: boolean;
  override: SupervisorOverride | null;
}

export function initialFlow(): WatchFlow {
  return { key: null, hits: [], needs: 'nothing', acknowledged: false, override: null };
}

/** Identity of a screening query: a change to any of its parts needs a new screening. */
export function screenKey(q: ScreenQuery): string {
  return JSON.stringify([q.name ?? '', q.idNumber ?? '', q.plate ?? '']);
}

export function afterScreen(key: string, screening: Screening): WatchFlow {
  return { key, hits: screening.hits, needs: screening.needs, acknowledged: screening.needs === 'nothing', override: null };
}

export function nextStep(flow: WatchFlow, key: string): WatchStep {
  if (flow.key === null || flow.key !== key) return 'screen';
  if (!flow.acknowledged) return 'acknowledge';
  if (flow.needs === 'override' && flow.override === null) return 'override';
  return 'save';
}

export function acknowledge(flow: WatchFlow): WatchFlow {
  return { ...flow, acknowledged: true };
}

export function withOverride(flow: WatchFlow, override: SupervisorOverride | null): WatchFlow {
  return { ...flow, override };
}

/** Entry ids to send as `acknowledgedWatchlist` (only once acknowledged). */
export function acknowledgedIds(flow: WatchFlow): number[] {
  return flow.acknowledged ? flow.hits.map((h) => h.entryId) : [];
}

/** The banner's colour: red when a supervisor must override, amber when acknowledging is enough. */
export function bannerLevel(flow: WatchFlow): 'deny' | 'alert' | null {
  if (flow.needs === 'nothing') return null;
  return flow.needs === 'override' ? 'deny' : 'alert';
}

/**
 * After the core refused the save: watchlist errors mean the screening raced a change,
 * so screen again (the guard then sees the new banner). Other errors leave the flow.
 */
export function afterSaveError(flow: WatchFlow, err: AppError): WatchFlow {
  if (err.code === 'watchlist_unacknowledged' || err.code === 'watchlist_denied') return initialFlow();
  return flow;
}

/** Errors that belong in the supervisor override dialog rather than the form. */
export function isOverrideError(err: AppError): boolean {
  return (
    err.code === 'wrong_pin' ||
    err.code === 'account_locked' ||
    err.code === 'account_disabled' ||
    err.code === 'guard_not_found' ||
    err.code === 'forbidden' ||
    err.field === 'pin' ||
    err.field === 'override_reason' ||
    err.field === 'reason' ||
    err.field === 'supervisor_id'
  );
}
