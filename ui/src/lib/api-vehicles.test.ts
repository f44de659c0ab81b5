// The issue-4 commands (vehicles and goods): names and argument shapes from the contract,
// and which of them count as writes (the status bar refreshes after a write).
import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const api = await import('./api');
const { onApiEvent } = await import('./events');

const approval = { supervisorId: 1, pin: '246810', reason: '已核实' };

describe('vehicle and goods commands', () => {
  beforeEach(() => {
    invoke.mockReset();
    invoke.mockResolvedValue(null);
  });

  it('send the contract argument names', async () => {
    const cases: [() => Promise<unknown>, string, Record<string, unknown> | undefined][] = [
      [() => api.checkPlate('京A12345', false), 'check_plate', { plate: '京A12345', confirmSpecial: false }],
      [() => api.checkOutVehicle(7), 'check_out_vehicle', { vehicleVisitId: 7 }],
      [() => api.checkOutVehicleByPlate('京A12345'), 'check_out_vehicle_by_plate', { plate: '京A12345' }],
      [() => api.listVehiclesOnSite(), 'list_vehicles_on_site', undefined],
      [() => api.setRegisteredVehicleActive(3, false), 'set_registered_vehicle_active', { registeredId: 3, active: false }],
      [() => api.listChecklist('vehicle', false), 'list_checklist', { list: 'vehicle', all: false }],
      [() => api.addChecklistItem('vehicle', '封条完好'), 'add_checklist_item', { list: 'vehicle', label: '封条完好' }],
      [() => api.setChecklistItemActive(2, true), 'set_checklist_item_active', { itemId: 2, active: true }],
      [() => api.releaseHeldPermit(5, approval), 'release_held_permit', { permitId: 5, approval }],
      [() => api.markGoodsReturned(5), 'mark_goods_returned', { permitId: 5 }],
      [() => api.listGoodsOut(), 'list_goods_out', undefined],
      [() => api.listExitPermitsToday(), 'list_exit_permits_today', undefined],
      [() => api.listDeliveriesToday(), 'list_deliveries_today', undefined],
    ];
    for (const [run, cmd, args] of cases) {
      await run();
      expect(invoke).toHaveBeenLastCalledWith(cmd, args);
    }
    const pass = { plate: '京A12345', acknowledgedWatchlist: [4], watchlistOverride: null };
    await api.passRegisteredVehicle(pass);
    expect(invoke).toHaveBeenLastCalledWith('pass_registered_vehicle', { pass });
    const delivery = { vehicleVisitId: null, description: '纸', quantity: '20', unit: '箱', recipient: '总务处' };
    await api.recordDelivery(delivery);
    expect(invoke).toHaveBeenLastCalledWith('record_delivery', { delivery });
  });

  it('announce a write after check-in, check-out, permits and returns, not after look-ups', async () => {
    const events: string[] = [];
    const off = onApiEvent((e) => events.push(e));
    await api.checkPlate('京A12345', false);
    await api.listGoodsOut();
    expect(events).toEqual([]);
    await api.checkOutVehicle(1);
    await api.markGoodsReturned(1);
    expect(events).toEqual(['write', 'write']);
    off();
  });
});
