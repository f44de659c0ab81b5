// The "who is on site" list, shared by Today and Visitors so both always agree.
import * as api from '../api';
import type { AppError, VisitRow } from '../bindings';

export const onSite = $state<{ rows: VisitRow[]; loaded: boolean; error: AppError | null }>({
  rows: [],
  loaded: false,
  error: null,
});

export async function loadOnSite(): Promise<void> {
  try {
    onSite.rows = await api.listOnSite();
    onSite.error = null;
  } catch (e) {
    onSite.error = api.toAppError(e);
  } finally {
    onSite.loaded = true;
  }
}
