// The "who is on site" list, shared by Today and Visitors so both always agree.
import * as api from '../api';
import type { VisitRow } from '../bindings';
import { LoadedList } from '../shared/loadedList.svelte';

export const onSite = new LoadedList<VisitRow>(() => api.listOnSite());

export const loadOnSite = (): Promise<void> => onSite.load();
