import { describe, expect, it } from 'vitest';
import type { VisitRow } from './bindings';
import { matchesOnSite, ONSITE_PAGE, onSiteWindow } from './onsite-window';

function row(id: number, over: Partial<VisitRow> = {}): VisitRow {
  return {
    id, uid: `u${id}`, slipCode: String(10000000000 + id), name: `访客${id}`, purged: false, docType: 'resident_id',
    idNumberMasked: `110101********${String(id).padStart(4, '0')}`, phoneMasked: '138****5678', organisation: '某公司',
    host: '陈老师', hostDepartment: '教务处', purpose: '家长会', companions: 0, itemsIn: '', plate: '', expectedMinutes: null,
    notes: '', hasPhoto: false, hostConfirmedBy: '', hostConfirmedAtMs: null, checkedInAtMs: 1_000 + id, checkedInBy: '王',
    checkedOutAtMs: null, checkedOutBy: '', itemsOut: '', overstay: false, ...over,
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
