// The "who is on site" list, shared by Today and Visitors so both always agree.
import * as api from '../api';
import type { AppError, VisitRow } from '../bindings';

class OnSiteList {
  // Raw, not deep: the list is only ever replaced whole, and a deep proxy gives every field of
  // every row its own signal, which with 1,000 people on site costs megabytes in the web view.
  rows = $state.raw<VisitRow[]>([]);
  loaded = $state(false);
  error = $state<AppError | null>(null);
}

export const onSite = new OnSiteList();

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
