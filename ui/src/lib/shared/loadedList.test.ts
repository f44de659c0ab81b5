// LoadedList: loading a list for a ListTable, keeping the old rows when a reload fails.
import { describe, expect, it, vi } from 'vitest';
import { LoadedList } from './loadedList.svelte';

type Row = { id: number; name: string };

describe('LoadedList', () => {
  it('is not loaded until the first load returns, then holds the rows', async () => {
    const list = new LoadedList<Row>(async () => [{ id: 1, name: 'a' }]);
    expect(list.loaded).toBe(false);
    await list.load();
    expect(list.loaded).toBe(true);
    expect(list.rows).toEqual([{ id: 1, name: 'a' }]);
    expect(list.error).toBeNull();
  });

  it('keeps the old rows and the error when a reload fails, and clears the error on success', async () => {
    const fetchRows = vi
      .fn<() => Promise<Row[]>>()
      .mockResolvedValueOnce([{ id: 1, name: 'a' }])
      .mockRejectedValueOnce({ kind: 'storage', code: 'storage', field: null, params: {}, message: 'disk' })
      .mockResolvedValueOnce([]);
    const list = new LoadedList<Row>(fetchRows);
    await list.load();
    await list.load();
    expect(list.error?.code).toBe('storage');
    expect(list.rows).toHaveLength(1);
    await list.load();
    expect(list.error).toBeNull();
    expect(list.rows).toEqual([]);
  });

  it('reads what to fetch at each load (a filter changed in between)', async () => {
    let filter = 'a';
    const list = new LoadedList<Row>(async () => [{ id: 1, name: filter }]);
    await list.load();
    filter = 'b';
    await list.load();
    expect(list.rows[0].name).toBe('b');
  });

  it('replaces one row by id and leaves the others', async () => {
    const list = new LoadedList<Row>(async () => [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    await list.load();
    list.replace({ id: 2, name: 'z' });
    expect(list.rows.map((r) => r.name)).toEqual(['a', 'z']);
  });
});
