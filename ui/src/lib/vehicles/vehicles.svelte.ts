// Vehicles on site, shared by 车辆 and 今日 so both always agree. Reloaded after every
// successful write (a check-in, a check-out, a visitor leaving…) once someone has shown it.
import * as api from '../api';
import type { VehicleRow } from '../bindings';
import { onApiEvent } from '../events';
import { LoadedList } from '../shared/loadedList.svelte';

export const vehiclesOnSite = new LoadedList<VehicleRow>(() => api.listVehiclesOnSite());

let wanted = false;

export async function loadVehiclesOnSite(): Promise<void> {
  wanted = true;
  await vehiclesOnSite.load();
}

onApiEvent((event) => {
  if (event === 'write' && wanted) void loadVehiclesOnSite();
  // A new session (another guard) starts from a fresh list.
  if (event === 'not_logged_in') wanted = false;
});

/** The 车辆 page's tab, kept here so the dashboard can open 外借未还 directly. */
export const VEHICLE_TABS = ['desk', 'goods', 'permits', 'out'] as const;
export type VehicleTab = (typeof VEHICLE_TABS)[number];
export const vehiclesTab = $state<{ tab: VehicleTab }>({ tab: 'desk' });
