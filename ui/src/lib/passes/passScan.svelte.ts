// The pass scan screen's state (扫码通行): the direction, the answer on screen and its
// clear timer, the override of a refusal. Focus handling is the page's (it registers
// `refocus`); the rules of when the answer goes away and focus comes back live here, so
// they are unit-tested with fake timers (passScan.test.ts).
import * as api from '../api';
import type { AppError, Direction, ScanResult, SupervisorOverride } from '../bindings';
import { cleanPassCode, ResultTimer, showMsFor } from './passes';

export const passScan = $state<{
  direction: Direction;
  /** The answer on screen (null: the scan input only). */
  result: ScanResult | null;
  /** The answer came from a supervisor's let-in. */
  overridden: boolean;
  busy: boolean;
  /** A command failed (not a refusal: refusals are results). */
  error: AppError | null;
  /** The override dialog is open for `result`. */
  overriding: boolean;
  overrideBusy: boolean;
  overrideError: AppError | null;
  /** Bumped on every scan and override, so the log below reloads. */
  seq: number;
}>({
  direction: 'in',
  result: null,
  overridden: false,
  busy: false,
  error: null,
  overriding: false,
  overrideBusy: false,
  overrideError: null,
  seq: 0,
});

let refocus: () => void = () => {};

/** The page tells where focus goes back to (the scan input). */
export function setRefocus(fn: () => void): () => void {
  refocus = fn;
  return () => {
    if (refocus === fn) refocus = () => {};
  };
}

const timer = new ResultTimer(() => {
  passScan.result = null;
  passScan.overridden = false;
  passScan.overriding = false;
  passScan.overrideError = null;
  refocus();
});

export function flipDirection(): void {
  passScan.direction = passScan.direction === 'in' ? 'out' : 'in';
}

export function setDirection(direction: Direction): void {
  passScan.direction = direction;
}

/** Takes the answer off the screen now (Esc, a click, the next scan) and refocuses. */
export function dismissResult(): void {
  if (timer.showing) timer.clear();
  else refocus();
}

function show(result: ScanResult, overridden: boolean): void {
  passScan.result = result;
  passScan.overridden = overridden;
  passScan.seq += 1;
  timer.show(showMsFor(result.accepted));
}

/**
 * One scan (what the scanner typed + Enter). The previous answer goes at once; the new
 * one shows for a few seconds. Resolves to the result, or null when nothing was sent
 * (empty input, a scan already in flight) or the command failed (`passScan.error`).
 */
export async function scan(text: string): Promise<ScanResult | null> {
  const code = cleanPassCode(text);
  if (passScan.busy) return null;
  timer.clear();
  passScan.error = null;
  // A stray Enter (nothing scanned) is not worth a message.
  if (code === '') {
    refocus();
    return null;
  }
  passScan.busy = true;
  try {
    const result = await api.scanPass(code, passScan.direction);
    show(result, false);
    return result;
  } catch (e) {
    passScan.error = api.toAppError(e);
    refocus();
    return null;
  } finally {
    passScan.busy = false;
  }
}

/** "主管放行" on a refused answer: the answer stays up (no timer) while the dialog is open. */
export function startOverride(): void {
  if (!passScan.result || passScan.result.accepted) return;
  timer.hold();
  passScan.overrideError = null;
  passScan.overriding = true;
}

export function cancelOverride(): void {
  passScan.overriding = false;
  passScan.overrideError = null;
  if (passScan.result) timer.show(showMsFor(passScan.result.accepted));
  refocus();
}

/** Sends the supervisor's approval; on success the answer turns to the let-in. */
export async function confirmOverride(approval: SupervisorOverride): Promise<boolean> {
  const refused = passScan.result;
  if (!refused || passScan.overrideBusy) return false;
  passScan.overrideBusy = true;
  passScan.overrideError = null;
  try {
    const result = await api.overridePassRefusal(refused.scanId, approval);
    passScan.overriding = false;
    show(result, true);
    refocus();
    return true;
  } catch (e) {
    passScan.overrideError = api.toAppError(e);
    return false;
  } finally {
    passScan.overrideBusy = false;
  }
}
