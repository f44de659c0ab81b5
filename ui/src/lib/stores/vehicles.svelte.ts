// Vehicles on site, shared by 车辆 and 今日 so both always agree. Reloaded after every
// successful write (a check-in, a check-out, a visitor leaving…) once someone has shown it.
import * as api from '../api';
import type { AppError, VehicleRow } from '../bindings';
import { onApiEvent } from '../events';

class VehiclesOnSite {
  // Raw, not deep, like the on-site list: only ever replaced whole.
  rows = $state.raw<VehicleRow[]>([]);
  loaded = $state(false);
  error = $state<AppError | null>(null);
}

export const vehiclesOnSite = new VehiclesOnSite();

let wanted = false;

export async function loadVehiclesOnSite(): Promise<void> {
  wanted = true;
  try {
    vehiclesOnSite.rows = await api.listVehiclesOnSite();
    vehiclesOnSite.error = null;
  } catch (e) {
    vehiclesOnSite.error = api.toAppError(e);
  } finally {
    vehiclesOnSite.loaded = true;
  }
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
