// A list a page loads from the core and shows in a ListTable (settings lists, passes, scan
// log): its rows, why the last load failed (shown above the table, the old rows kept),
// and whether any load has returned yet (no "empty" message before that). Owns nothing
// else: what to fetch is the page's function, which may read the page's filters.
import * as api from '../api';
import type { AppError } from '../bindings';

export class LoadedList<T extends { id: number }> {
  rows = $state<T[]>([]);
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
