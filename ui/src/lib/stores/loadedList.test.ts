// LoadedList: the load / error / loaded behaviour the read-only lists share.
import { describe, expect, it, vi } from 'vitest';
import { LoadedList } from './loadedList.svelte';

describe('LoadedList', () => {
  it('is empty and not loaded until the first load ends', async () => {
    let resolve: (rows: number[]) => void = () => {};
    const list = new LoadedList<number>(() => new Promise((r) => (resolve = r)));
    const pending = list.load();
    expect(list.loaded).toBe(false);
    expect(list.rows).toEqual([]);
    resolve([1, 2]);
    await pending;
    expect(list.loaded).toBe(true);
    expect(list.rows).toEqual([1, 2]);
    expect(list.error).toBeNull();
  });

  it('keeps the last rows and reports the error when a reload fails, then clears it', async () => {
    const fetchRows = vi
      .fn<() => Promise<number[]>>()
      .mockResolvedValueOnce([7])
      .mockRejectedValueOnce(JSON.stringify({ kind: 'storage', code: 'storage_busy', field: null, params: {}, message: 'busy' }))
      .mockResolvedValueOnce([8, 9]);
    const list = new LoadedList<number>(fetchRows);
    await list.load();
    await list.load();
    expect(list.rows).toEqual([7]);
    expect(list.error?.code).toBe('storage_busy');
    expect(list.loaded).toBe(true);
    await list.load();
    expect(list.rows).toEqual([8, 9]);
    expect(list.error).toBeNull();
  });

  it('marks the list loaded after a first load that fails', async () => {
    const list = new LoadedList<number>(() => Promise.reject(new Error('no core')));
    await list.load();
    expect(list.loaded).toBe(true);
    expect(list.error).not.toBeNull();
    expect(list.rows).toEqual([]);
  });
});
