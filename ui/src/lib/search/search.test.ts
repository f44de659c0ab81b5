import { describe, expect, it } from 'vitest';
import type { SearchResults } from '../bindings';
import {
  valueKey,
  buildQuery,
  dayEndMs,
  dayStartMs,
  filterDateError,
  listedHits,
  moveIndex,
  NO_FILTERS,
  normaliseQuery,
  queryError,
} from './search';

describe('search text', () => {
  it('normalises like the core: full-width, case, punctuation', () => {
    expect(normaliseQuery('  Ｚｈａｎｇ 伟，１２３X ')).toBe('zhang伟123x');
    expect(normaliseQuery('京A·12345')).toBe('京a12345');
    expect(normaliseQuery(`%_'"`)).toBe('');
  });

  it('refuses one character or only punctuation on the query field', () => {
    for (const text of ['', '张', `%_'"`, ' . ', 'Ａ']) {
      const err = queryError(text);
      expect(err?.code).toBe('query_too_short');
      expect(err?.field).toBe('query');
    }
    expect(queryError('张伟')).toBeNull();
    expect(queryError(' 3 4 ')).toBeNull();
  });
});

describe('date filter', () => {
  it('takes whole local days, the "to" day included', () => {
    const start = dayStartMs('2026-11-28');
    expect(start).toBe(new Date(2026, 10, 28).getTime());
    expect(dayEndMs('2026-11-28')).toBe(new Date(2026, 10, 29).getTime());
    expect(dayEndMs('2026-12-31')).toBe(new Date(2027, 0, 1).getTime());
  });

  it('ignores empty or impossible dates', () => {
    expect(dayStartMs('')).toBeNull();
    expect(dayStartMs('2026-02-30')).toBeNull();
    expect(dayEndMs('not a date')).toBeNull();
  });

  it('builds the core query from the filters', () => {
    expect(buildQuery('张伟', NO_FILTERS)).toEqual({ text: '张伟', kinds: [], fromMs: null, toMs: null, gate: null, guardId: null });
    const q = buildQuery('京A', { kind: 'vehicle', from: '2026-11-01', to: '', gate: '2', guardId: '7' });
    expect(q.kinds).toEqual(['vehicle']);
    expect(q.fromMs).toBe(new Date(2026, 10, 1).getTime());
    expect([q.toMs, q.gate, q.guardId]).toEqual([null, 2, 7]);
  });
});

describe('result order', () => {
  const hit = (kind: 'visit' | 'pass', id: number, atMs: number) => ({
    kind,
    id,
    uid: `u${id}`,
    atMs,
    title: '',
    subtitle: '',
    gate: 1,
    guardName: '',
  });
  const results: SearchResults = {
    normalised: '张伟',
    total: 3,
    truncated: false,
    notices: [],
    groups: [
      { kind: 'visit', count: 2, hits: [hit('visit', 2, 20), hit('visit', 1, 10)] },
      { kind: 'pass', count: 1, hits: [hit('pass', 9, 30)] },
    ],
  };

  it('lists groups in order, each newest first', () => {
    expect(listedHits(results).map((h) => h.id)).toEqual([2, 1, 9]);
    expect(listedHits(null)).toEqual([]);
  });

  it('moves between the box (-1) and the results without running off either end', () => {
    expect(moveIndex(-1, 1, 3)).toBe(0);
    expect(moveIndex(2, 1, 3)).toBe(2);
    expect(moveIndex(0, -1, 3)).toBe(-1);
    expect(moveIndex(-1, -1, 3)).toBe(-1);
    expect(moveIndex(-1, 1, 0)).toBe(-1);
  });
});

describe('record fields', () => {
  it('names enum values through the existing dictionaries and leaves text alone', () => {
    expect(valueKey('entry_kind', 'incident')).toBe('duty.kinds.incident');
    expect(valueKey('vehicle_type', 'truck')).toBe('vehicleTypes.truck');
    expect(valueKey('pass_kind', 'staff')).toBe('passes.kinds.staff');
    expect(valueKey('host', '陈老师')).toBeNull();
  });
});

describe('typed date filters', () => {
  const filters = (from: string, to: string) => ({ ...NO_FILTERS, from, to });

  it('reads dates as guards type them, each end optional', () => {
    expect(filterDateError(filters('', ''))).toBeNull();
    expect(filterDateError(filters('2026/11/1', ''))).toBeNull();
    expect(filterDateError(filters('', '２０２６年11月28日'))).toBeNull();
    const q = buildQuery('张伟', filters('2026/11/1', '2026-11-28'));
    expect(q.fromMs).toBe(new Date(2026, 10, 1).getTime());
    expect(q.toMs).toBe(new Date(2026, 10, 29).getTime());
  });

  it('names the bad end: not a date, or an end before the start', () => {
    expect(filterDateError(filters('11/28/2026', ''))).toMatchObject({ field: 'from', code: 'date_format' });
    expect(filterDateError(filters('', '2026-02-30'))).toMatchObject({ field: 'to', code: 'date_format' });
    expect(filterDateError(filters('2026-11-28', '2026-11-01'))).toMatchObject({ field: 'to', code: 'range_reversed' });
  });
});
