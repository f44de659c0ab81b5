// The vehicle desk: plate notices and outcomes, the check-in mapping, the inspection.
import { describe, expect, it } from 'vitest';
import type { AppError, ChecklistItem, PlateCheck, RegisteredVehicle, Screening, VehicleRow, WatchHit } from '../bindings';
import {
  carryOver,
  emptyInspection,
  emptyVehicleForm,
  inspectionErrorItem,
  inspectionResults,
  isPlateError,
  parsePassengers,
  plateNotice,
  plateOutcome,
  plateReadyToCheck,
  toNewVehicleVisit,
} from './vehicle-form';
import { acknowledge, afterScreen, initialFlow, nextStep, screenKey, withOverride } from '../shared/watchflow';

const err = (code: string, field: string | null, params: Record<string, string> = {}): AppError =>
  ({ kind: 'invalid', code, field, params, message: '' }) as AppError;

const check = (over: Partial<PlateCheck> = {}): PlateCheck => ({
  plate: { plate: '京A12345', kind: 'standard', corrected: false },
  registered: null,
  inside: null,
  watchlist: { hits: [], needs: 'nothing' },
  ...over,
});
const reg = (validToday: boolean): RegisteredVehicle => ({
  id: 1,
  plate: '京A12345',
  owner: '王老师',
  department: '教务处',
  validUntil: '2030-01-01',
  active: true,
  validToday,
});
const items: ChecklistItem[] = [
  { id: 1, label: '后备箱已检查', active: true },
  { id: 2, label: '货物与出门证相符', active: true },
  { id: 3, label: '封条完好', active: true },
];

describe('plate notice', () => {
  it('shows the normalised plate and the O/I correction from a good check', () => {
    const n = plateNotice(check({ plate: { plate: '京A01214', kind: 'standard', corrected: true } }), null);
    expect(n).toEqual({ plate: '京A01214', corrected: true, canConfirmSpecial: false });
  });

  it('shows the correction from a plate error too, and offers a special plate', () => {
    // 京I12345 → 京112345, which then fails the letter rule: the guard sees both.
    const n = plateNotice(null, err('plate_letter', 'plate', { plate: '京112345', corrected: '1' }));
    expect(n).toEqual({ plate: '京112345', corrected: true, canConfirmSpecial: true });
  });

  it('offers a special plate for every plate_* code but not for other errors', () => {
    for (const code of ['plate_not_civil', 'plate_too_short', 'plate_too_long', 'plate_letter', 'plate_format']) {
      expect(isPlateError(err(code, 'plate')), code).toBe(true);
      expect(plateNotice(null, err(code, 'plate', { plate: 'ABCDEFG' })).canConfirmSpecial, code).toBe(true);
    }
    expect(plateNotice(null, err('required', 'plate')).canConfirmSpecial).toBe(false);
    expect(plateNotice(null, err('storage_busy', null))).toEqual({ plate: null, corrected: false, canConfirmSpecial: false });
    expect(plateNotice(null, err('plate_format', 'plate', { plate: '京AB12345' })).corrected).toBe(false);
  });

  it('checks after a pause only once the plate is long enough', () => {
    expect(plateReadyToCheck('京A1234')).toBe(false);
    expect(plateReadyToCheck('京a 12345')).toBe(true);
    expect(plateReadyToCheck('粤Ｂ·１２３４５')).toBe(true);
  });
});

describe('plate outcome', () => {
  it('offers check-out first when the vehicle is inside', () => {
    expect(plateOutcome(check({ inside: {} as VehicleRow, registered: reg(true) }))).toBe('inside');
  });
  it('lets a registered vehicle valid today pass with one action', () => {
    expect(plateOutcome(check({ registered: reg(true) }))).toBe('registered');
  });
  it('sends an expired or disabled registration to the check-in form', () => {
    expect(plateOutcome(check({ registered: reg(false) }))).toBe('expired');
    expect(plateOutcome(check())).toBe('outside');
  });
});

describe('toNewVehicleVisit', () => {
  const extras = { photo: null, acknowledgedWatchlist: [7], watchlistOverride: null };

  it('cleans the form and turns blanks into null', () => {
    const form = {
      ...emptyVehicleForm(),
      vehicleType: 'truck' as const,
      colour: ' 白 ',
      driverName: ' 李四 ',
      driverPhone: '１３８ 0013 8000',
      driverIdNumber: ' 11010519491231002x ',
      purpose: ' 送货 ',
      passengers: '２',
      linkedVisitIds: [3, 5],
    };
    const v = toNewVehicleVisit('京a·12345', false, form, [], extras);
    expect(v).toEqual({
      plate: '京A12345',
      confirmSpecial: false,
      vehicleType: 'truck',
      colour: '白',
      driverName: '李四',
      driverPhone: '13800138000',
      driverIdNumber: '11010519491231002X',
      organisation: null,
      purpose: '送货',
      passengers: 2,
      linkedVisitIds: [3, 5],
      inspection: [],
      notes: null,
      photo: null,
      acknowledgedWatchlist: [7],
      watchlistOverride: null,
    });
  });

  it('sends an empty passenger count as 0 and refuses words', () => {
    const ok = toNewVehicleVisit('京A12345', false, emptyVehicleForm(), [], extras);
    expect('code' in ok ? null : ok.passengers).toBe(0);
    const bad = toNewVehicleVisit('京A12345', false, { ...emptyVehicleForm(), passengers: '两个' }, [], extras);
    expect(bad).toMatchObject({ code: 'not_a_number', field: 'passengers' });
    expect(parsePassengers('-1')).toBeUndefined();
  });

  it('keeps the special-plate confirmation', () => {
    const v = toNewVehicleVisit('WJ1234567', true, emptyVehicleForm(), [], extras);
    expect(v).toMatchObject({ plate: 'WJ1234567', confirmSpecial: true });
  });
});

describe('inspection', () => {
  it('starts unanswered and sends only answered items, in checklist order', () => {
    const state = emptyInspection(items);
    expect(inspectionResults(items, state)).toEqual([]);
    state['封条完好'] = { ok: false, note: ' 封条破损 ' };
    state['后备箱已检查'] = { ok: true, note: '' };
    expect(inspectionResults(items, state)).toEqual([
      { item: '后备箱已检查', ok: true, note: null },
      { item: '封条完好', ok: false, note: '封条破损' },
    ]);
  });

  it('keeps answers for items still listed after a reload', () => {
    const before = emptyInspection(items);
    before['封条完好'] = { ok: true, note: '' };
    const after = emptyInspection(items.slice(1), before);
    expect(Object.keys(after)).toEqual(['货物与出门证相符', '封条完好']);
    expect(after['封条完好'].ok).toBe(true);
  });

  it('finds the row a checklist error is about', () => {
    expect(inspectionErrorItem(err('checklist_note_required', 'checklist', { item: '封条完好' }))).toBe('封条完好');
    expect(inspectionErrorItem(err('required', 'driver_name'))).toBeNull();
    expect(inspectionErrorItem(null)).toBeNull();
  });
});

describe('watchlist carry-over', () => {
  const plateHit: WatchHit = { entryId: 4, matchedBy: 'plate', name: null, reason: '套牌嫌疑', action: 'alert' };
  const nameHit: WatchHit = { entryId: 9, matchedBy: 'name', name: '李四', reason: '曾闹事', action: 'deny' };
  const plateKey = screenKey({ name: null, idNumber: null, plate: '京A12345' });
  const fullKey = screenKey({ name: '李四', idNumber: null, plate: '京A12345' });
  const plateOnly: Screening = { hits: [plateHit], needs: 'acknowledge' };
  const nameOnly: Screening = { hits: [nameHit], needs: 'override' };
  const both: Screening = { hits: [plateHit, nameHit], needs: 'override' };

  it('keeps an acknowledged plate hit acknowledged when the driver adds nothing new', () => {
    const prev = acknowledge(afterScreen(plateKey, plateOnly));
    const next = carryOver(prev, fullKey, plateOnly);
    expect(nextStep(next, fullKey)).toBe('save');
  });

  it('asks again when a new hit appears (e.g. the driver is on the list)', () => {
    const prev = acknowledge(afterScreen(plateKey, plateOnly));
    const next = carryOver(prev, fullKey, both);
    expect(nextStep(next, fullKey)).toBe('acknowledge');
  });

  it('keeps a supervisor approval only for the same hits', () => {
    const approval = { supervisorId: 1, pin: '246810', reason: '已核实' };
    const prev = withOverride(acknowledge(afterScreen(plateKey, nameOnly)), approval);
    expect(carryOver(prev, fullKey, nameOnly).override).toEqual(approval);
    expect(nextStep(carryOver(initialFlow(), fullKey, nameOnly), fullKey)).toBe('acknowledge');
  });
});
