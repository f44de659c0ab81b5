// The watchlist gate in front of a save: its state around watchflow's rules.
import { describe, expect, it, vi } from 'vitest';
import type { AppError, Screening, SupervisorOverride, WatchHit } from '../bindings';
import { WatchGate } from './watch-gate.svelte';
import { screenKey } from './watchflow';

const alert: WatchHit = { entryId: 4, matchedBy: 'name_sound', name: '章伟', reason: '多次推销', action: 'alert' };
const deny: WatchHit = { entryId: 9, matchedBy: 'id_number', name: '张伟', reason: '曾闹事', action: 'deny' };
// Screenings as the core answers them.
const none: Screening = { hits: [], needs: 'nothing' };
const alerted: Screening = { hits: [alert], needs: 'acknowledge' };
const denied: Screening = { hits: [deny], needs: 'override' };
const key = screenKey({ name: '张伟', idNumber: null, plate: null });
const err = (code: string): AppError => ({ kind: 'conflict', code, field: null, params: {}, message: '' }) as AppError;
const approval = { guardName: '王主管', pin: '246810', reason: '已核实' } as unknown as SupervisorOverride;

describe('watch gate', () => {
  it('screens once and lets a clean name through with nothing to send', async () => {
    const gate = new WatchGate();
    const screen = vi.fn(async () => none);
    expect(await gate.cleared(key, screen)).toBe(true);
    expect(await gate.cleared(key, screen)).toBe(true);
    expect(screen).toHaveBeenCalledTimes(1);
    expect(gate.banner).toBeNull();
    expect(gate.approvals).toEqual({ acknowledgedWatchlist: [], watchlistOverride: null });
  });

  it('stops at an alert with the focus on the banner button, then saves with the acknowledged id', async () => {
    const gate = new WatchGate();
    const button = { focus: vi.fn() };
    gate.ackButton = button as unknown as HTMLButtonElement;
    expect(await gate.cleared(key, async () => alerted)).toBe(false);
    expect(gate.banner).toBe('alert');
    expect(button.focus).toHaveBeenCalled();
    gate.acknowledge();
    expect(await gate.cleared(key, null)).toBe(true);
    expect(gate.approvals.acknowledgedWatchlist).toEqual([4]);
  });

  it('a deny needs the supervisor: the dialog opens, and the approval goes with the save', async () => {
    const gate = new WatchGate();
    await gate.cleared(key, async () => denied);
    gate.acknowledge();
    expect(await gate.cleared(key, null)).toBe(false);
    expect(gate.overrideOpen).toBe(true);
    gate.approve(approval);
    expect(await gate.cleared(key, null)).toBe(true);
    expect(gate.approvals).toEqual({ acknowledgedWatchlist: [9], watchlistOverride: approval });
  });

  it('without a way to screen, an unscreened key is not cleared', async () => {
    expect(await new WatchGate().cleared(key, null)).toBe(false);
  });

  it('a wrong PIN stays in the open dialog and drops the approval', async () => {
    const gate = new WatchGate();
    await gate.cleared(key, async () => denied);
    gate.acknowledge();
    await gate.cleared(key, null);
    gate.approve(approval);
    expect(gate.failed(err('wrong_pin'), false)).toBe('dialog');
    expect(gate.overrideOpen).toBe(true);
    expect(gate.overrideError?.code).toBe('wrong_pin');
    expect(gate.flow.override).toBeNull();
  });

  it('a watchlist race re-screens once, then is shown; other errors are shown and close the dialog', async () => {
    const gate = new WatchGate();
    await gate.cleared(key, async () => none);
    expect(gate.failed(err('watchlist_unacknowledged'), false)).toBe('rescreen');
    expect(gate.flow.key).toBeNull();
    expect(gate.failed(err('watchlist_denied'), true)).toBe('show');
    gate.openOverride();
    expect(gate.failed(err('storage_busy'), false)).toBe('show');
    expect(gate.overrideOpen).toBe(false);
  });

  it('reset forgets the screening and closes the dialog', async () => {
    const gate = new WatchGate();
    await gate.cleared(key, async () => alerted);
    gate.openOverride();
    gate.overrideError = err('wrong_pin');
    gate.reset();
    expect(gate.flow.key).toBeNull();
    expect(gate.overrideOpen).toBe(false);
    expect(gate.overrideError).toBeNull();
  });
});
