import { beforeEach, describe, expect, it } from 'vitest';
import type { Overview } from '../bindings';
import { setCurrentLanguage } from '../i18n/index.svelte';
import { scansTable, supervisionTables, vehicleTables, visitorTables } from './report-tables';

function overview(): Overview {
  return {
    siteName: '示例学校',
    gateName: '东门',
    from: '2026-11-27',
    to: '2026-11-28',
    generatedAtMs: 0,
    visitors: {
      total: 3,
      companions: 1,
      checkedOut: 2,
      stillInside: 1,
      perDay: [
        { day: '2026-11-27', count: 1 },
        { day: '2026-11-28', count: 2 },
      ],
      perHour: Array(24).fill(0),
      perHost: [{ name: '李老师', count: 2 }],
      perPurpose: [],
    },
    vehicles: {
      totalIn: 1,
      totalOut: 0,
      registered: 0,
      visiting: 1,
      overnight: 1,
      perDay: [{ day: '2026-11-28', vehiclesIn: 1, vehiclesOut: 0, overnight: 1 }],
      perType: [{ name: 'truck', count: 1 }],
    },
    refusedScans: {
      total: 1,
      rows: [
        {
          id: 9,
          scannedAtMs: 0,
          serial: null,
          keyId: null,
          outcome: 'expired',
          direction: 'in',
          gateNumber: 1,
          guard: '王主管',
          overrideBy: '',
          overrideReason: '',
          holderHint: '',
        },
      ],
      perOutcome: [],
    },
    supervision: {
      spotChecks: { total: 4, verified: 2, unverified: 1, earlier: 1 },
      seriousIncidents: 1,
      followUpsOpened: 3,
      followUpsClosed: 1,
      reopenings: 2,
      awaitingReview: 1,
      repeats: [{ id: 7, title: '消防通道堆物', owner: '后勤处', reopened: 2, closed: false }],
    },
  };
}

describe('report tables, the same on screen and on paper', () => {
  beforeEach(() => setCurrentLanguage('en'));

  it('visitors per day keep each day with its count, right-aligned, with test ids and captions', () => {
    const [perDay, perHost, perPurpose] = visitorTables(overview());
    expect(perDay.testid).toBe('reports-per-day');
    expect(perDay.caption).toBe('Per day');
    expect(perDay.columns).toEqual([{ label: 'Duty day' }, { label: 'Visitors', numeric: true }]);
    expect(perDay.rows.map((r) => [r.day, ...r.cells])).toEqual([
      ['2026-11-27', '2026-11-27', 1],
      ['2026-11-28', '2026-11-28', 2],
    ]);
    expect(perDay.empty).toBeUndefined();
    expect(perHost.rows[0].cells).toEqual(['李老师', 2]);
    expect(perPurpose.rows).toEqual([]);
    expect(perPurpose.empty).toBe('None');
  });

  it('vehicle types are named in the UI language and the per-day table has no caption', () => {
    const [perDay, perType] = vehicleTables(overview());
    expect(perDay.caption).toBeUndefined();
    expect(perDay.rows[0].cells).toEqual(['2026-11-28', 1, 0, 1]);
    expect(perDay.columns.filter((c) => c.numeric)).toHaveLength(3);
    expect(perType.rows[0].cells[0]).toBe('Truck');
    setCurrentLanguage('zh-CN');
    expect(vehicleTables(overview())[1].rows[0].cells[0]).not.toBe('Truck');
  });

  it('a refused scan without a serial shows a dash and says the direction', () => {
    const table = scansTable(overview());
    expect(table.columns.map((c) => c.label)).toEqual(['Time', 'Serial', 'Outcome', 'Direction', 'Guard', 'Let in by']);
    const cells = table.rows[0].cells;
    expect(cells[1]).toBe('—');
    expect(cells[3]).toBe('In');
    expect(cells[4]).toBe('王主管');
  });

  it('spot checks are counted by kind and repeat problems are listed with their reopenings', () => {
    const [figures, repeats] = supervisionTables(overview());
    expect(figures.rows.map((r) => r.cells)).toEqual([
      ['Spot checks in all', 4],
      ["At the desk (supervisor's PIN)", 2],
      ['By phone (unverified)', 1],
      ['Earlier records (counted as written)', 1],
      ['Serious incidents (fire, fight, forced entry, injury, theft)', 1],
      ['Follow-up items opened', 3],
      ['Closed after re-check', 1],
      ['Reopened by a re-check', 2],
      ['Awaiting re-check now', 1],
    ]);
    expect(repeats.caption).toBe('Repeat problems (reopened 2 times or more)');
    expect(repeats.rows[0].cells).toEqual(['#7 消防通道堆物', '后勤处', 2, 'Open']);
  });
});
