// Slip scans: clean-up and what the check-out dialog is opened with.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const { checkout, cleanSlipCode, closeCheckout, onCheckoutClosed, scanSlip } = await import('./checkout.svelte');

const row = { id: 5, name: '张伟', checkedOutAtMs: null, slipCode: '20250307001' };

describe('slip scan', () => {
  beforeEach(() => {
    invoke.mockReset();
    checkout.row = null;
  });

  it('cleans what the scanner typed', () => {
    expect(cleanSlipCode(' 2025 0307 001 ')).toBe('20250307001');
    expect(cleanSlipCode('２０２５０３０７００１')).toBe('20250307001');
  });

  it('opens the check-out of the scanned visit, marked as from a slip', async () => {
    invoke.mockResolvedValue(row);
    expect(await scanSlip('２０２５０３０７００１')).toBeNull();
    expect(invoke).toHaveBeenCalledWith('find_visit_by_slip', { code: '20250307001' });
    expect(checkout.row).toEqual(row);
    expect(checkout.fromSlip).toBe(true);
  });

  it('a bad code is an error at the slip field, and nothing opens', async () => {
    invoke.mockRejectedValue({ kind: 'invalid', code: 'slip_code_invalid', field: 'slip_code', params: {}, message: '' });
    expect(await scanSlip('123')).toMatchObject({ code: 'slip_code_invalid', field: 'slip_code' });
    invoke.mockRejectedValue({ kind: 'not_found', code: 'visit_not_found', field: null, params: {}, message: '' });
    expect(await scanSlip('99999999999')).toMatchObject({ code: 'visit_not_found', field: 'slip_code' });
    expect(checkout.row).toBeNull();
  });

  it('an empty scan is "required", without asking the core', async () => {
    expect(await scanSlip('  ')).toMatchObject({ code: 'required', field: 'slip_code' });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('a visit already out is an error, not a second check-out', async () => {
    invoke.mockResolvedValue({ ...row, checkedOutAtMs: 1 });
    expect(await scanSlip('20250307001')).toMatchObject({ code: 'already_checked_out' });
    expect(checkout.row).toBeNull();
  });

  it('tells listeners when the dialog closes', async () => {
    const seen: boolean[] = [];
    const off = onCheckoutClosed((done) => seen.push(done));
    invoke.mockResolvedValue(row);
    await scanSlip('20250307001');
    closeCheckout(true);
    off();
    closeCheckout(false);
    expect(seen).toEqual([true]);
    expect(checkout.row).toBeNull();
  });
});
