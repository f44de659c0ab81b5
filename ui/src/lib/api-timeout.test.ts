// A call that gets no answer gives up with `timed_out` (issue 15): the form does not hang,
// keeps what was typed, and the guard reads why in zh-CN or English.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

import * as api from './api';
import type { AppError } from './bindings';
import { errorMessage } from './shared/errors';
import { emptyPermit, toNewExitPermit, type PermitForm } from './goods/goods-form';
import { en } from './i18n/en';
import { zhCN } from './i18n/zh-CN';

const never = () => new Promise<never>(() => {});

function filledPermit(): PermitForm {
  return {
    ...emptyPermit('2026-11-28'),
    permitNumber: 'CM-0012',
    department: '总务处',
    issuedBy: '赵主任',
    lines: [{ description: '投影仪', quantity: '2', unit: '台', matched: true, note: '' }],
  };
}

describe('call time-out', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    invoke.mockReset();
  });
  afterEach(() => vi.useRealTimers());

  it('gives up after 30 s with timed_out and leaves the form as typed', async () => {
    invoke.mockImplementation(never);
    const form = filledPermit();
    const typed = structuredClone(form);
    const pending = api.checkExitPermit(toNewExitPermit(form).permit);
    const failed = expect(pending).rejects.toMatchObject({ kind: 'internal', code: 'timed_out', params: { seconds: '30' } });
    await vi.advanceTimersByTimeAsync(29_999);
    let settled = false;
    void pending.catch(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await failed;
    expect(form).toEqual(typed);
  });

  it('waits longer for imports, exports, backups and restores', async () => {
    invoke.mockImplementation(never);
    for (const start of [
      () => api.importPasses('passes.xlsx', [1, 2, 3]),
      () => api.backupNow(),
      () => api.restoreBackup('/media/usb/backup.db'),
      () => api.exportVisits({ from: '2026-11-01', to: '2026-11-28' } as never, 'csv' as never, 'masked' as never),
    ]) {
      let settled = false;
      const pending = (start() as Promise<unknown>).catch((e: AppError) => {
        settled = true;
        return e;
      });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(api.LONG_CALL_TIMEOUT_MS);
      expect(((await pending) as AppError).code).toBe('timed_out');
    }
  });

  it('answers in time as before, and a panic in the core arrives as an internal error', async () => {
    invoke.mockResolvedValueOnce({ id: 1 });
    await expect(api.listGoodsOut()).resolves.toEqual({ id: 1 });
    invoke.mockRejectedValueOnce({
      kind: 'internal',
      code: 'internal',
      field: null,
      params: { command: 'check_exit_permit' },
      message: 'x',
    });
    await expect(api.checkExitPermit(toNewExitPermit(filledPermit()).permit)).rejects.toMatchObject({ code: 'internal' });
  });

  it('says why in zh-CN and English', () => {
    const err: AppError = { kind: 'internal', code: 'timed_out', field: null, params: { seconds: '30' }, message: '' };
    expect(errorMessage(err, zhCN)).toBe(
      '30 秒内没有响应，表单中填写的内容仍保留。请先查看是否已保存再重试；如再次出现，请重启门卫系统并告知管理员',
    );
    expect(errorMessage(err, en)).toMatch(/^No answer after 30 seconds\. The form keeps what you typed/);
  });
});
