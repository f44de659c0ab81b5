// The on-site board's window: a long list renders the newest rows first and a "show more"
// button for the rest, with a filter that searches every row (shown or not). Keeps the
// board's DOM (and WebKit's memory for it) bounded by what a guard can see, not by how many
// people are on site: 1,000 rows in the DOM cost the web process about 100 MB.
import type { VisitRow } from './bindings';

/** Rows rendered at first, and added by each "show more". */
export const ONSITE_PAGE = 50;

/** True when `row` matches the guard's filter text (empty matches every row): name,
 *  organisation, host, host department, purpose, plate or the masked ID's visible
 *  characters, case-insensitive. Not the slip code: its digits would match any ID
 *  fragment (a slip is found by scanning it into slip-scan). */
export function matchesOnSite(row: VisitRow, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return [row.name, row.organisation, row.host, row.hostDepartment, row.purpose, row.plate, row.idNumberMasked]
    .some((v) => v.toLowerCase().includes(q));
}

export interface OnSiteWindow {
  /** The rows to render, in list order. */
  shown: VisitRow[];
  /** Rows matching the filter (shown or not). */
  matched: number;
  /** Matching rows not rendered yet ("show more" adds them). */
  hidden: number;
}

/** The first `limit` rows matching `query`. */
export function onSiteWindow(rows: readonly VisitRow[], query: string, limit: number): OnSiteWindow {
  const matching = query.trim() === '' ? rows : rows.filter((r) => matchesOnSite(r, query));
  const shown = matching.slice(0, Math.max(0, limit));
  return { shown, matched: matching.length, hidden: matching.length - shown.length };
}
