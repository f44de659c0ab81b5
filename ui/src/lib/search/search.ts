// Search page logic, kept out of the component so it can be tested: the same text rule as
// the core (full-width → ASCII, lower case, letters and digits only, at least 2), the date
// filter as typed ("2026/11/1" like the reports' range) to local-day instants, and the flat
// order of results for arrow-key movement.
import type { AppError, SearchHit, SearchKind, SearchQuery, SearchResults } from '../bindings';
import { normaliseDate } from '../duty/duty-form';
import { typedRange } from '../reports/reports';
import { uiError } from '../shared/errors';

export const SEARCH_KINDS: readonly SearchKind[] = ['visit', 'pickup', 'vehicle', 'pass', 'duty'];

/** The text as the core matches it (see `search::normalise` in the core). */
export function normaliseQuery(text: string): string {
  let out = '';
  for (const raw of text) {
    const code = raw.codePointAt(0) ?? 0;
    const c = code >= 0xff01 && code <= 0xff5e ? String.fromCodePoint(code - 0xfee0) : raw;
    if (/[\p{L}\p{N}]/u.test(c)) out += c.toLowerCase();
  }
  return out;
}

/** The error the core would give for this text (shown at once, without a round trip). */
export function queryError(text: string): AppError | null {
  const chars = [...normaliseQuery(text)].length;
  if (chars < 2) {
    const err = uiError('query_too_short', 'query');
    err.params = { min: '2' };
    return err;
  }
  return null;
}

/** Local midnight of a `YYYY-MM-DD` date input, or null when empty or not a date. */
export function dayStartMs(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.getFullYear() !== Number(m[1]) || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3])) return null;
  return d.getTime();
}

/** Local midnight after a `YYYY-MM-DD` date (the "to" date includes its whole day). */
export function dayEndMs(date: string): number | null {
  const start = dayStartMs(date);
  if (start === null) return null;
  const d = new Date(start);
  d.setDate(d.getDate() + 1);
  return d.getTime();
}

export interface Filters {
  kind: SearchKind | '';
  from: string;
  to: string;
  gate: string;
  guardId: string;
}

export const NO_FILTERS: Filters = { kind: '', from: '', to: '', gate: '', guardId: '' };

/** The first bad date filter, naming its field (`from`/`to`); both ends are optional. */
export function filterDateError(f: Filters): AppError | null {
  const range = typedRange(f.from, f.to, false);
  return 'code' in range ? range : null;
}

/** The core's query for what the guard typed and picked (dates checked by `filterDateError`). */
export function buildQuery(text: string, f: Filters): SearchQuery {
  const gate = Number.parseInt(f.gate, 10);
  const guard = Number.parseInt(f.guardId, 10);
  return {
    text,
    kinds: f.kind ? [f.kind] : [],
    fromMs: dayStartMs(normaliseDate(f.from)),
    toMs: dayEndMs(normaliseDate(f.to)),
    gate: Number.isFinite(gate) ? gate : null,
    guardId: Number.isFinite(guard) ? guard : null,
  };
}

/** Every hit in the order the page lists them: by kind (groups), newest first in each. */
export function listedHits(results: SearchResults | null): SearchHit[] {
  if (!results) return [];
  return results.groups.flatMap((g) => g.hits);
}

/** The index to move to from `current` with ArrowDown (+1) / ArrowUp (-1); -1 is the box. */
export function moveIndex(current: number, step: 1 | -1, count: number): number {
  if (count === 0) return -1;
  const next = current + step;
  if (next < -1) return -1;
  if (next >= count) return count - 1;
  return next;
}

/** Fields whose value is a core enum, and the dictionary group that names its values. */
const ENUM_GROUPS: Readonly<Record<string, string>> = {
  entry_kind: 'duty.kinds',
  severity: 'duty.severities',
  vehicle_type: 'vehicleTypes',
  pass_kind: 'passes.kinds',
};

/** The dictionary key that translates a record field's value, or null to show it as is. */
export function valueKey(field: string, value: string): string | null {
  const group = ENUM_GROUPS[field];
  return group ? `${group}.${value}` : null;
}
