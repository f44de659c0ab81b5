// The watchlist step of a registration.
import { describe, expect, it } from 'vitest';
import type { AppError, Screening, WatchHit } from '../bindings';
import {
  acknowledge,
  acknowledgedIds,
  afterSaveError,
  afterScreen,
  bannerLevel,
  initialFlow,
  isOverrideError,
  nextStep,
  screenKey,
  withOverride,
} from './watchflow';

const alert: WatchHit = { entryId: 4, matchedBy: 'name_sound', name: '章伟', reason: '多次推销', action: 'alert' };
const deny: WatchHit = { entryId: 9, matchedBy: 'id_number', name: '张伟', reason: '曾闹事', action: 'deny' };
// Screenings as the core answers them (its `needs` is the rule; the flow only follows it).
const none: Screening = { hits: [], needs: 'nothing' };
const alerted: Screening = { hits: [alert], needs: 'acknowledge' };
const denied: Screening = { hits: [alert, deny], needs: 'override' };
const key = screenKey({ name: '张伟', idNumber: '11010519491231002X', plate: null });
const err = (code: string, field: string | null = null): AppError =>
  ({ kind: 'conflict', code, field, params: {}, message: '' }) as AppError;

describe('watch flow', () => {
  it('screens first, and again when the name, ID or plate changes', () => {
    expect(nextStep(initialFlow(), key)).toBe('screen');
    const flow = afterScreen(key, none);
    expect(nextStep(flow, key)).toBe('save');
    expect(nextStep(flow, screenKey({ name: '张伟', idNumber: '11010519491231002X', plate: '京A12345' }))).toBe('screen');
  });

  it('no hits: straight to save, nothing acknowledged, no banner', () => {
    const flow = afterScreen(key, none);
    expect(acknowledgedIds(flow)).toEqual([]);
    expect(bannerLevel(flow)).toBeNull();
  });

  it('an alert must be acknowledged, then saves with its id', () => {
    let flow = afterScreen(key, alerted);
    expect(bannerLevel(flow)).toBe('alert');
    expect(nextStep(flow, key)).toBe('acknowledge');
    expect(acknowledgedIds(flow)).toEqual([]);
    flow = acknowledge(flow);
    expect(nextStep(flow, key)).toBe('save');
    expect(acknowledgedIds(flow)).toEqual([4]);
  });

  it('a deny must be acknowledged and then approved by a supervisor', () => {
    let flow = afterScreen(key, denied);
    expect(bannerLevel(flow)).toBe('deny');
    expect(nextStep(flow, key)).toBe('acknowledge');
    flow = acknowledge(flow);
    expect(nextStep(flow, key)).toBe('override');
    flow = withOverride(flow, { supervisorId: 1, pin: '246810', reason: '校长同意' });
    expect(nextStep(flow, key)).toBe('save');
    expect(acknowledgedIds(flow)).toEqual([4, 9]);
    // A wrong PIN clears the approval: ask again.
    expect(nextStep(withOverride(flow, null), key)).toBe('override');
  });

  it('a new screening forgets the old acknowledgement and approval', () => {
    const flow = withOverride(acknowledge(afterScreen(key, denied)), { supervisorId: 1, pin: '1', reason: 'r' });
    const again = afterScreen(key, denied);
    expect(again.acknowledged).toBe(false);
    expect(again.override).toBeNull();
    expect(flow.override).not.toBeNull();
  });

  it('watchlist errors from the core (a race) send the flow back to screening', () => {
    const flow = acknowledge(afterScreen(key, none));
    expect(nextStep(afterSaveError(flow, err('watchlist_unacknowledged')), key)).toBe('screen');
    expect(nextStep(afterSaveError(flow, err('watchlist_denied')), key)).toBe('screen');
    expect(afterSaveError(flow, err('required', 'host'))).toBe(flow);
  });

  it('puts PIN and reason errors in the override dialog, others in the form', () => {
    expect(isOverrideError(err('wrong_pin', 'pin'))).toBe(true);
    expect(isOverrideError(err('account_locked', 'pin'))).toBe(true);
    expect(isOverrideError(err('required', 'override_reason'))).toBe(true);
    expect(isOverrideError(err('required', 'host'))).toBe(false);
    expect(isOverrideError(err('id_number_check_digit', 'id_number'))).toBe(false);
  });
});
