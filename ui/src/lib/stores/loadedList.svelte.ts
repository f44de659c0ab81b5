// A list the UI loads whole from one core call and shows with "could not load" above it:
// the on-site board, vehicles on site, today's visits, deliveries, exit permits, goods out.
// `load` replaces the rows (raw, not deep: never edited in place), clears or keeps the
// error, and marks the list loaded either way (so "nothing yet" is not shown while the
// first load is still running). Callers decide when to reload.
import * as api from '../api';
import type { AppError } from '../bindings';

export class LoadedList<T> {
  rows = $state.raw<T[]>([]);
  /** The first load has finished (well or not). */
  loaded = $state(false);
  /** Why the last load failed; null after a good one. */
  error = $state<AppError | null>(null);

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
}
