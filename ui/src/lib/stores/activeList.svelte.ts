// A supervisor's list of things that are enabled or disabled, never deleted (staff,
// watchlist entries, registered vehicles, checklist items): loading it, and flipping one
// row's `active` with the row's button busy meanwhile. One copy of the behaviour the
// settings pages share (loading and its error: LoadedList); each page keeps its own table
// and add form.
import * as api from '../api';
import { errorText } from '../i18n/index.svelte';
import { LoadedList } from './loadedList.svelte';
import { showToast } from './toast.svelte';

export class ActiveList<T extends { id: number; active: boolean }> extends LoadedList<T> {
  /** The row whose enable/disable is in flight. */
  busyId = $state<number | null>(null);

  constructor(
    fetchRows: () => Promise<T[]>,
    private readonly setActive: (id: number, active: boolean) => Promise<T>,
    /** The toast after a row was flipped. */
    private readonly updated: (row: T) => string,
  ) {
    super(fetchRows);
  }

  toggle = async (item: T): Promise<void> => {
    if (this.busyId !== null) return;
    this.busyId = item.id;
    try {
      const row = await this.setActive(item.id, !item.active);
      this.rows = this.rows.map((r) => (r.id === row.id ? row : r));
      showToast(this.updated(row));
    } catch (e) {
      showToast(errorText(api.toAppError(e)), 'error');
      void this.load();
    } finally {
      this.busyId = null;
    }
  };
}
