// A supervisor's list of things that are enabled or disabled, never deleted (staff,
// watchlist entries, registered vehicles, checklist items, guard accounts): loading it, and
// flipping one row's `active` (or another one-row action, e.g. unlocking a guard) with the
// row's button busy meanwhile. One copy of the behaviour the settings pages share; each
// page keeps its own table (ListTable) and add form (AddForm + FieldForm). Loading is
// LoadedList's.
import * as api from '../api';
import { errorText } from '../i18n/index.svelte';
import { LoadedList } from '../shared/loadedList.svelte';
import { showToast } from '../shared/toast.svelte';

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

  toggle = (item: T): Promise<void> => this.act(item, () => this.setActive(item.id, !item.active), this.updated);

  /** Any one-row action (enable/disable, unlock...): the row busy meanwhile, one at a time;
   * the new row replaces the old and `done` is toasted; a failure is toasted and the list reloaded. */
  act = async (item: T, action: () => Promise<T>, done: (row: T) => string): Promise<void> => {
    if (this.busyId !== null) return;
    this.busyId = item.id;
    try {
      const row = await action();
      this.replace(row);
      showToast(done(row));
    } catch (e) {
      showToast(errorText(api.toAppError(e)), 'error');
      void this.load();
    } finally {
      this.busyId = null;
    }
  };
}
