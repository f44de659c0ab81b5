import { afterEach, describe, expect, it, vi } from 'vitest';
import { passPrint } from '../passes/passPrint.svelte';
import { printJob } from '../visitors/print.svelte';
import { printRecoverySheet, recoveryPrint, type RecoverySheet } from './recoveryPrint.svelte';

const SHEET: RecoverySheet = {
  siteName: '测试大学',
  gateName: '东门',
  recoveryKey: '0A1B-2C3D',
  qrDataUrl: 'data:image/svg+xml;base64,',
  printedAtMs: 0,
};

describe('printRecoverySheet', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('prints through the system dialog with only the sheet set, then clears it', async () => {
    printJob.kind = 'slip';
    passPrint.kind = 'pass-card';
    let seen: RecoverySheet | null = null;
    let otherJobs: unknown[] = [];
    const print = vi.fn(() => {
      seen = recoveryPrint.sheet;
      otherJobs = [printJob.kind, passPrint.kind];
    });
    vi.stubGlobal('window', { print });
    await printRecoverySheet(SHEET);
    expect(print).toHaveBeenCalledOnce();
    expect(seen).toEqual(SHEET);
    expect(otherJobs).toEqual([null, null]);
    // Nothing of the key stays in the page once the dialog closed.
    expect(recoveryPrint.sheet).toBeNull();
  });

  it('clears the sheet even when printing fails', async () => {
    vi.stubGlobal('window', {
      print: () => {
        throw new Error('no printer');
      },
    });
    await expect(printRecoverySheet(SHEET)).rejects.toThrow('no printer');
    expect(recoveryPrint.sheet).toBeNull();
  });
});
