// ActiveList: the enable/disable behaviour the supervisor's settings lists share.
import { describe, expect, it, vi } from 'vitest';
import { ActiveList } from './activeList.svelte';

type Row = { id: number; active: boolean; name: string };

describe('ActiveList', () => {
  it('loads, flips one row in place and reports it', async () => {
    const fetchRows = vi.fn().mockResolvedValue([
      { id: 1, active: true, name: 'a' },
      { id: 2, active: true, name: 'b' },
    ]);
    const setActive = vi.fn(async (id: number, active: boolean) => ({ id, active, name: 'b' }));
    const list = new ActiveList<Row>(fetchRows, setActive, (row) => `updated ${row.name}`);
    expect(list.loaded).toBe(false);
    await list.load();
    expect(list.loaded).toBe(true);
    expect(list.rows.map((r) => r.id)).toEqual([1, 2]);
    await list.toggle(list.rows[1]);
    expect(setActive).toHaveBeenCalledWith(2, false);
    expect(list.rows[1].active).toBe(false);
    expect(list.busyId).toBeNull();
    expect(fetchRows).toHaveBeenCalledTimes(1);
  });

  it('ignores a second click while a row is busy, and reloads after a failure', async () => {
    let release: (row: Row) => void = () => {};
    const setActive = vi.fn(() => new Promise<Row>((resolve) => (release = resolve)));
    const fetchRows = vi.fn().mockResolvedValue([{ id: 1, active: true, name: 'a' }]);
    const list = new ActiveList<Row>(fetchRows, setActive, () => '');
    await list.load();
    const first = list.toggle(list.rows[0]);
    await list.toggle(list.rows[0]);
    expect(setActive).toHaveBeenCalledTimes(1);
    release({ id: 1, active: false, name: 'a' });
    await first;

    const failing = new ActiveList<Row>(
      fetchRows,
      () => Promise.reject({ kind: 'forbidden', code: 'forbidden' }),
      () => '',
    );
    await failing.toggle({ id: 1, active: true, name: 'a' });
    expect(fetchRows).toHaveBeenCalledTimes(2);
  });

  it('keeps the load error to show above the list', async () => {
    const list = new ActiveList<Row>(
      () => Promise.reject(new Error('boom')),
      vi.fn(),
      () => '',
    );
    await list.load();
    expect(list.error?.kind).toBe('internal');
    expect(list.loaded).toBe(true);
  });

  it('runs another one-row action the same way: row replaced, its message toasted', async () => {
    const fetchRows = vi.fn().mockResolvedValue([
      { id: 1, active: true, name: 'a' },
      { id: 2, active: true, name: 'b' },
    ]);
    const list = new ActiveList<Row>(fetchRows, vi.fn(), () => '');
    await list.load();
    const done = vi.fn((row: Row) => `renamed ${row.name}`);
    await list.act(list.rows[0], async () => ({ id: 1, active: true, name: 'z' }), done);
    expect(list.rows.map((r) => r.name)).toEqual(['z', 'b']);
    expect(done).toHaveReturnedWith('renamed z');
    expect(list.busyId).toBeNull();
  });
});
