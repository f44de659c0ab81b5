import { describe, expect, it } from 'vitest';
import type { VisitRow } from '../bindings';
import { linkedWindow, matchesOnSite, matchesToday, ONSITE_PAGE, onSiteWindow, windowRows } from './onsite-window';

function row(id: number, over: Partial<VisitRow> = {}): VisitRow {
  return {
    id,
    uid: `u${id}`,
    slipCode: String(10000000000 + id),
    name: `访客${id}`,
    purged: false,
    docType: 'resident_id',
    idNumberMasked: `110101********${String(id).padStart(4, '0')}`,
    phoneMasked: '138****5678',
    organisation: '某公司',
    host: '陈老师',
    hostDepartment: '教务处',
    purpose: '家长会',
    companions: 0,
    itemsIn: '',
    plate: '',
    expectedMinutes: null,
    notes: '',
    hasPhoto: false,
    hostConfirmedBy: '',
    hostConfirmedAtMs: null,
    checkedInAtMs: 1_000 + id,
    checkedInBy: '王',
    checkedOutAtMs: null,
    checkedOutBy: '',
    itemsOut: '',
    overstay: false,
    ...over,
  };
}

const many = (n: number) => Array.from({ length: n }, (_, i) => row(i + 1));

describe('on-site window', () => {
  it('renders every row of a short list', () => {
    const w = onSiteWindow(many(12), '', ONSITE_PAGE);
    expect(w.shown.map((r) => r.id)).toEqual(many(12).map((r) => r.id));
    expect(w.hidden).toBe(0);
    expect(w.matched).toBe(12);
  });

  it('renders the first page of a long list in list order and counts the rest as hidden', () => {
    const w = onSiteWindow(many(1000), '', ONSITE_PAGE);
    expect(w.shown).toHaveLength(ONSITE_PAGE);
    expect(w.shown[0].id).toBe(1);
    expect(w.shown[ONSITE_PAGE - 1].id).toBe(ONSITE_PAGE);
    expect(w.hidden).toBe(1000 - ONSITE_PAGE);
  });

  it('show more widens the window until nothing is hidden', () => {
    const rows = many(120);
    expect(onSiteWindow(rows, '', 2 * ONSITE_PAGE).hidden).toBe(20);
    expect(onSiteWindow(rows, '', 3 * ONSITE_PAGE).shown).toHaveLength(120);
    expect(onSiteWindow(rows, '', 3 * ONSITE_PAGE).hidden).toBe(0);
  });

  it('the filter searches rows beyond the window', () => {
    const rows = many(1000);
    rows[900] = row(901, { name: '欧阳娜娜' });
    const w = onSiteWindow(rows, '欧阳', ONSITE_PAGE);
    expect(w.shown.map((r) => r.id)).toEqual([901]);
    expect(w.matched).toBe(1);
    expect(w.hidden).toBe(0);
  });

  it('a filter matching many rows is windowed too', () => {
    const w = onSiteWindow(many(1000), '访客1', ONSITE_PAGE);
    // 访客1, 访客10-19, 访客100-199, 访客1000: 112 matches.
    expect(w.matched).toBe(112);
    expect(w.shown).toHaveLength(ONSITE_PAGE);
    expect(w.hidden).toBe(112 - ONSITE_PAGE);
  });

  it('matches host, department, organisation, plate and the visible ID digits, ignoring case and spaces', () => {
    const r = row(7, { host: 'Li Na', hostDepartment: '后勤处', organisation: 'ACME', plate: '京A12345', slipCode: '12345678901' });
    for (const q of ['li na', '后勤', 'acme', '京a123', '0007', '  ACME  ']) {
      expect(matchesOnSite(r, q), q).toBe(true);
    }
    expect(matchesOnSite(r, '张三')).toBe(false);
    expect(matchesOnSite(r, '45678901'), 'slip digits are not an ID fragment').toBe(false);
    expect(matchesOnSite(r, '   ')).toBe(true);
  });
});

describe('linked visitors window (vehicle desk)', () => {
  it('renders the first page of a long list and counts the rest as hidden', () => {
    const w = linkedWindow(many(300), '', ONSITE_PAGE, []);
    expect(w.shown.map((r) => r.id)).toEqual(many(ONSITE_PAGE).map((r) => r.id));
    expect(w.hidden).toBe(300 - ONSITE_PAGE);
  });

  it('puts the ticked people first, in list order, even when they are beyond the window', () => {
    const w = linkedWindow(many(300), '', ONSITE_PAGE, [250, 120]);
    expect(w.shown.slice(0, 2).map((r) => r.id)).toEqual([120, 250]);
    expect(w.shown.slice(2).map((r) => r.id)).toEqual(many(ONSITE_PAGE).map((r) => r.id));
    expect(w.hidden).toBe(298 - ONSITE_PAGE);
  });

  it('keeps the ticked people whatever the filter and shows each person once', () => {
    const rows = many(300);
    rows[199] = row(200, { name: '欧阳娜娜' });
    const w = linkedWindow(rows, '欧阳', ONSITE_PAGE, [3, 200]);
    expect(w.shown.map((r) => r.id)).toEqual([3, 200]);
    expect(w.matched).toBe(0);
    const other = linkedWindow(rows, '欧阳', ONSITE_PAGE, [3]);
    expect(other.shown.map((r) => r.id)).toEqual([3, 200]);
    expect(other.matched).toBe(1);
  });

  it('finds a person beyond the window by the filter', () => {
    const rows = many(300);
    rows[279] = row(280, { host: '王校长' });
    const w = linkedWindow(rows, '王校长', ONSITE_PAGE, []);
    expect(w.shown.map((r) => r.id)).toEqual([280]);
    expect(w.hidden).toBe(0);
  });

  it('ignores ticked ids of people no longer on site', () => {
    const w = linkedWindow(many(5), '', ONSITE_PAGE, [99]);
    expect(w.shown.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("today's visits window", () => {
  it('matches the slip code as well as name, host, organisation, purpose and plate', () => {
    const r = row(8, { slipCode: '12345678901', plate: '沪B7', purpose: '面试' });
    for (const q of ['12345678901', '访客8', '陈老师', '某公司', '面试', '沪b7']) {
      expect(matchesToday(r, q), q).toBe(true);
    }
    expect(matchesToday(r, '教务处'), 'not the department').toBe(false);
    expect(matchesToday(r, '0008'), 'not the ID fragment').toBe(false);
  });

  it('windows a long day by the same page and filters beyond the window', () => {
    const rows = many(130);
    rows[120] = row(121, { slipCode: '99999999999' });
    expect(windowRows(rows, '', ONSITE_PAGE, matchesToday).hidden).toBe(80);
    const w = windowRows(rows, '99999999999', ONSITE_PAGE, matchesToday);
    expect(w.shown.map((r) => r.id)).toEqual([121]);
  });

  it('a limit of zero or less renders nothing', () => {
    expect(windowRows(many(3), '', 0, matchesToday).shown).toEqual([]);
    expect(windowRows(many(3), '', -5, matchesToday).hidden).toBe(3);
  });
});
