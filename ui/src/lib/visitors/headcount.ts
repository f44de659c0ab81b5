// People on site, as the board and the dashboard show them. The core counts (headcount.rs);
// the board adds its own visitors (one plus companions each) so its figure moves the moment
// a visitor is checked in, without waiting for the next status poll.
import type { HeadcountTally, VisitRow } from '../bindings';

/** Visitors on the board, each with their companions. */
export function visitorPeople(rows: readonly VisitRow[]): number {
  return rows.reduce((sum, row) => sum + 1 + Math.max(0, row.companions), 0);
}

/** Everyone on site: the board's visitors and the status bar's other groups. */
export function peopleOnSite(rows: readonly VisitRow[], tallies: readonly HeadcountTally[] | undefined): number {
  const others = (tallies ?? []).filter((t) => t.kind !== 'visitors').reduce((sum, t) => sum + t.people, 0);
  return visitorPeople(rows) + others;
}
