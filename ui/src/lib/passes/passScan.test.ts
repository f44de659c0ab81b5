// The scan screen's flow: scan → answer on screen → cleared after a few seconds or on the
// next scan, focus back on the input every time; the override keeps the answer up.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScanResult } from '../bindings';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const flow = await import('./passScan.svelte');
const { ACCEPTED_SHOW_MS, REFUSED_SHOW_MS } = await import('./passes');

const result = (over: Partial<ScanResult> = {}): ScanResult => ({
  scanId: 1,
  outcome: 'valid',
  accepted: true,
  direction: 'in',
  holderName: '陈老师',
  department: '数学组',
  kind: 'staff',
  photoDataUrl: '',
  serial: 7,
  validToMs: 0,
  revokeReason: '',
  scannedAtMs: 0,
  ...over,
});

describe('pass scan flow', () => {
  const refocus = vi.fn();
  let undo: () => void;

  beforeEach(() => {
    vi.useFakeTimers();
    invoke.mockReset();
    refocus.mockReset();
    undo = flow.setRefocus(refocus);
    flow.dismissResult();
    flow.setDirection('in');
    refocus.mockReset();
  });
  afterEach(() => {
    undo();
    vi.useRealTimers();
  });

  it('sends the cleaned code with the direction and shows the answer', async () => {
    invoke.mockResolvedValue(result());
    flow.flipDirection();
    await flow.scan(' １２３４５６ ');
    expect(invoke).toHaveBeenCalledWith('scan_pass', { code: '123456', direction: 'out' });
    expect(flow.passScan.result?.outcome).toBe('valid');
    expect(flow.passScan.busy).toBe(false);
  });

  it('a valid answer clears after a few seconds and focus returns', async () => {
    invoke.mockResolvedValue(result());
    await flow.scan('123456');
    vi.advanceTimersByTime(ACCEPTED_SHOW_MS - 1);
    expect(flow.passScan.result).not.toBeNull();
    expect(refocus).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(flow.passScan.result).toBeNull();
    expect(refocus).toHaveBeenCalledTimes(1);
  });

  it('a refusal stays longer', async () => {
    invoke.mockResolvedValue(result({ outcome: 'expired', accepted: false }));
    await flow.scan('123456');
    vi.advanceTimersByTime(ACCEPTED_SHOW_MS + 1);
    expect(flow.passScan.result?.outcome).toBe('expired');
    vi.advanceTimersByTime(REFUSED_SHOW_MS - ACCEPTED_SHOW_MS);
    expect(flow.passScan.result).toBeNull();
    expect(refocus).toHaveBeenCalledTimes(1);
  });

  it('the next scan replaces the answer at once and restarts the time', async () => {
    invoke.mockResolvedValueOnce(result({ scanId: 1 }));
    await flow.scan('111111');
    vi.advanceTimersByTime(ACCEPTED_SHOW_MS - 500);
    invoke.mockResolvedValueOnce(result({ scanId: 2, outcome: 'revoked', accepted: false }));
    const seq = flow.passScan.seq;
    await flow.scan('222222');
    expect(flow.passScan.result?.scanId).toBe(2);
    expect(flow.passScan.seq).toBe(seq + 1);
    vi.advanceTimersByTime(1000);
    expect(flow.passScan.result?.scanId).toBe(2);
  });

  it('Esc / a click dismisses now and refocuses', async () => {
    invoke.mockResolvedValue(result());
    await flow.scan('123456');
    flow.dismissResult();
    expect(flow.passScan.result).toBeNull();
    expect(refocus).toHaveBeenCalledTimes(1);
  });

  it('a stray Enter sends nothing but keeps the focus', async () => {
    expect(await flow.scan('   ')).toBeNull();
    expect(invoke).not.toHaveBeenCalled();
    expect(refocus).toHaveBeenCalled();
  });

  it('a failed command is an error, not an answer', async () => {
    invoke.mockRejectedValue({ kind: 'forbidden', code: 'forbidden', field: null, params: {}, message: 'no' });
    expect(await flow.scan('123456')).toBeNull();
    expect(flow.passScan.result).toBeNull();
    expect(flow.passScan.error?.code).toBe('forbidden');
    expect(refocus).toHaveBeenCalled();
  });

  it('the override keeps a refusal up, then shows the let-in', async () => {
    invoke.mockResolvedValueOnce(result({ scanId: 9, outcome: 'expired', accepted: false }));
    await flow.scan('123456');
    flow.startOverride();
    expect(flow.passScan.overriding).toBe(true);
    vi.advanceTimersByTime(REFUSED_SHOW_MS * 3);
    expect(flow.passScan.result?.scanId).toBe(9);

    invoke.mockResolvedValueOnce(result({ scanId: 10, outcome: 'expired', accepted: true }));
    const approval = { supervisorId: 1, pin: '246810', reason: '校长批准' };
    expect(await flow.confirmOverride(approval)).toBe(true);
    expect(invoke).toHaveBeenLastCalledWith('override_pass_refusal', { scanId: 9, approval });
    expect(flow.passScan.overriding).toBe(false);
    expect(flow.passScan.overridden).toBe(true);
    expect(flow.passScan.result).toMatchObject({ scanId: 10, accepted: true });
    vi.advanceTimersByTime(ACCEPTED_SHOW_MS);
    expect(flow.passScan.result).toBeNull();
  });

  it('a wrong PIN keeps the dialog open with the error', async () => {
    invoke.mockResolvedValueOnce(result({ outcome: 'revoked', accepted: false }));
    await flow.scan('123456');
    flow.startOverride();
    invoke.mockRejectedValueOnce({ kind: 'forbidden', code: 'wrong_pin', field: 'pin', params: { remaining: '4' }, message: '' });
    expect(await flow.confirmOverride({ supervisorId: 1, pin: '000000', reason: 'x' })).toBe(false);
    expect(flow.passScan.overriding).toBe(true);
    expect(flow.passScan.overrideError?.code).toBe('wrong_pin');
  });

  it('cancelling the override restarts the clear timer', async () => {
    invoke.mockResolvedValueOnce(result({ outcome: 'wrong_gate', accepted: false }));
    await flow.scan('123456');
    flow.startOverride();
    flow.cancelOverride();
    expect(flow.passScan.overriding).toBe(false);
    vi.advanceTimersByTime(REFUSED_SHOW_MS);
    expect(flow.passScan.result).toBeNull();
  });

  it('no override for an accepted scan', async () => {
    invoke.mockResolvedValueOnce(result());
    await flow.scan('123456');
    flow.startOverride();
    expect(flow.passScan.overriding).toBe(false);
  });
});
