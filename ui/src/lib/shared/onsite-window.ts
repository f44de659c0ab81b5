// The window of a long list of people: a long list renders the first rows and a "show more"
// button for the rest, with a filter that searches every row (shown or not). Keeps the
// DOM (and WebKit's memory for it) bounded by what a guard can see, not by how many people
// are on site: 1,000 rows in the DOM cost the web process about 100 MB. Used by the
// on-site board (OnSiteList), today's visits (VisitsToday) and the vehicle desk's linked
// visitors (VehicleDesk). Pure functions; the filter box and the button are ListFilter /
// ShowMore.
import type { VisitRow } from '../bindings';

/** Rows rendered at first, and added by each "show more". */
export const ONSITE_PAGE = 50;

const has = (values: readonly string[], query: string): boolean => {
  const q = query.trim().toLowerCase();
  return q === '' || values.some((v) => v.toLowerCase().includes(q));
};

/** True when `row` matches the guard's filter text (empty matches every row): name,
 *  organisation, host, host department, purpose, plate or the masked ID's visible
 *  characters, case-insensitive. Not the slip code: its digits would match any ID
 *  fragment (a slip is found by scanning it into slip-scan). */
export function matchesOnSite(row: VisitRow, query: string): boolean {
  return has([row.name, row.organisation, row.host, row.hostDepartment, row.purpose, row.plate, row.idNumberMasked], query);
}

/** Today's visits filter: name, host, organisation, purpose, plate or the slip code (a
 *  visit that has left is looked up by the number on its slip), case-insensitive. */
export function matchesToday(row: VisitRow, query: string): boolean {
  return has([row.name, row.host, row.organisation, row.purpose, row.plate, row.slipCode], query);
}

export interface ListWindow<T> {
  /** The rows to render, in list order. */
  shown: T[];
  /** Rows matching the filter (shown or not). */
  matched: number;
  /** Matching rows not rendered yet ("show more" adds them). */
  hidden: number;
}

/** The first `limit` rows matching `query` by `matches`. */
export function windowRows<T>(
  rows: readonly T[],
  query: string,
  limit: number,
  matches: (row: T, query: string) => boolean,
): ListWindow<T> {
  const matching = query.trim() === '' ? rows : rows.filter((r) => matches(r, query));
  const shown = matching.slice(0, Math.max(0, limit));
  return { shown, matched: matching.length, hidden: matching.length - shown.length };
}

export type OnSiteWindow = ListWindow<VisitRow>;

/** The on-site board's window: the first `limit` rows matching `query`. */
export function onSiteWindow(rows: readonly VisitRow[], query: string, limit: number): OnSiteWindow {
  return windowRows(rows, query, limit, matchesOnSite);
}

/** The vehicle desk's linked visitors: the people already ticked (`checked` ids) first,
 *  all of them and whatever the filter, so a tick is never hidden; then the window of the
 *  others matching `query`. `matched` and `hidden` count the others only. */
export function linkedWindow(rows: readonly VisitRow[], query: string, limit: number, checked: readonly number[]): OnSiteWindow {
  const ticked = new Set(checked);
  const rest = onSiteWindow(
    rows.filter((r) => !ticked.has(r.id)),
    query,
    limit,
  );
  return { ...rest, shown: [...rows.filter((r) => ticked.has(r.id)), ...rest.shown] };
}
