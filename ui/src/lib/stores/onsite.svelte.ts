// The "who is on site" list, shared by Today and Visitors so both always agree. Its rows
// are raw, not deep (LoadedList): a deep proxy gives every field of every row its own
// signal, which with 1,000 people on site costs megabytes in the web view.
import * as api from '../api';
import type { VisitRow } from '../bindings';
import { LoadedList } from './loadedList.svelte';

export const onSite = new LoadedList<VisitRow>(() => api.listOnSite());

export const loadOnSite = (): Promise<void> => onSite.load();
