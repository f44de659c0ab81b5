// A list a page loads from the core (the on-site board, vehicles on site, today's visits,
// the goods lists, settings lists, passes, scan log): its rows, why the last load failed
// (shown above the list, the old rows kept), and whether any load has returned yet (no
// "empty" message before that). Owns nothing else: what to fetch is the page's function,
// which may read the page's filters.
import * as api from '../api';
import type { AppError } from '../bindings';

export class LoadedList<T extends { id: number }> {
  // Raw, not deep: rows are only ever replaced (never changed in place), and a deep proxy
  // gives every field of every row its own signal, which the web view pays for with
  // hundreds of people on site.
  rows = $state.raw<T[]>([]);
  /** Why the list could not be loaded (shown above it). */
  error = $state<AppError | null>(null);
  /** False until the first load returned. */
  loaded = $state(false);

  constructor(private readonly fetchRows: () => Promise<T[]>) {}

  load = async (): Promise<void> => {
    try {
      this.rows = await this.fetchRows();
      this.error = null;
    } catch (e) {
      this.error = api.toAppError(e);
    } finally {
      this.loaded = true;
    }
  };

  /** Puts a changed row in place of the one with its id. */
  replace = (row: T): void => {
    this.rows = this.rows.map((r) => (r.id === row.id ? row : r));
  };
}
