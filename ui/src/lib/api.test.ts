// The api module: argument shapes, error normalisation and the lock/login events.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const api = await import('./api');
const { onApiEvent } = await import('./events');

const visit = {
  name: '张三',
  docType: 'resident_id' as const,
  idNumber: '11010519491231002X',
  phone: '13800138000',
  organisation: null,
  hostStaffId: 4,
  host: '李老师',
  purpose: '家长会',
  companions: 0,
  companionNames: null,
  itemsIn: null,
  plate: null,
  expectedMinutes: 60,
  notes: null,
  hostConfirmedBy: null,
  photo: null,
  acknowledgedWatchlist: [],
  watchlistOverride: null,
  expiredCardConfirmed: false,
};

const appError = {
  kind: 'invalid',
  code: 'id_number_check_digit',
  field: 'id_number',
  params: {},
  message: 'id number check digit does not match',
};

describe('toAppError', () => {
  it('keeps a well-formed AppError', () => {
    expect(api.toAppError(appError)).toEqual(appError);
  });

  it('parses an AppError sent as JSON text', () => {
    expect(api.toAppError(JSON.stringify(appError))).toEqual(appError);
  });

  it('turns plain strings and Errors into internal errors keeping the text for logs', () => {
    expect(api.toAppError('command check_in_visitor not found')).toEqual({
      kind: 'internal',
      code: 'internal',
      field: null,
      params: {},
      message: 'command check_in_visitor not found',
    });
    expect(api.toAppError(new Error('boom'))).toMatchObject({ kind: 'internal', code: 'internal', message: 'boom' });
    expect(api.toAppError('{not json')).toMatchObject({ code: 'internal', message: '{not json' });
  });

  it('handles null, undefined and objects without a code', () => {
    expect(api.toAppError(null)).toMatchObject({ kind: 'internal', code: 'internal' });
    expect(api.toAppError(undefined)).toMatchObject({ kind: 'internal', code: 'internal' });
    expect(api.toAppError({ foo: 1 })).toMatchObject({ kind: 'internal', code: 'internal', message: '{"foo":1}' });
  });

  it('stringifies params, drops null ones, and fixes odd kinds and fields', () => {
    const e = api.toAppError({
      kind: 'weird',
      code: 'wrong_pin',
      field: '',
      params: { remaining: 2, untilMs: null },
    });
    expect(e).toEqual({ kind: 'internal', code: 'wrong_pin', field: null, params: { remaining: '2' }, message: '' });
  });
});

describe('commands', () => {
  let events: string[];
  let off: () => void;
  beforeEach(() => {
    invoke.mockReset();
    events = [];
    off = onApiEvent((e) => events.push(e));
  });
  afterEach(() => off());

  it('sends camelCase arguments under the names in the contract', async () => {
    invoke.mockResolvedValue(null);
    await api.logIn(3, '123456');
    expect(invoke).toHaveBeenLastCalledWith('log_in', { guardId: 3, pin: '123456' });
    await api.checkInVisitor(visit);
    expect(invoke).toHaveBeenLastCalledWith('check_in_visitor', { visitor: visit });
    const checkOut = {
      visitId: 7,
      itemsOut: '笔记本电脑',
      slipReturned: false,
      exitOverride: { supervisorId: 1, pin: '246810', reason: '回执丢失' },
    };
    await api.checkOutVisitor(checkOut);
    expect(invoke).toHaveBeenLastCalledWith('check_out_visitor', { checkOut });
    await api.setGuardActive(2, false);
    expect(invoke).toHaveBeenLastCalledWith('set_guard_active', { guardId: 2, active: false });
    await api.getAppState();
    expect(invoke).toHaveBeenLastCalledWith('get_app_state', undefined);
  });

  it('sends a key import with the fingerprint the supervisor confirmed and their approval (issue 15)', async () => {
    invoke.mockResolvedValue(null);
    await api.previewPassKeyImport('{"format":"gatehouse-pass-key/1"}');
    expect(invoke).toHaveBeenLastCalledWith('preview_pass_key_import', { json: '{"format":"gatehouse-pass-key/1"}' });
    const confirmation = {
      fingerprint: '1234 5678 9012 3456 7890 1234',
      approval: { supervisorId: 1, pin: '246810', reason: '与东门打印件核对一致' },
    };
    await api.importPassKey('{}', confirmation);
    expect(invoke).toHaveBeenLastCalledWith('import_pass_key', { json: '{}', confirmation });
  });

  it('sends the issue-3 commands with the contract argument names', async () => {
    invoke.mockResolvedValue(null);
    const calls: [() => Promise<unknown>, string, unknown][] = [
      [() => api.listVisitsToday(), 'list_visits_today', undefined],
      [() => api.findVisitBySlip('12345678901'), 'find_visit_by_slip', { code: '12345678901' }],
      [() => api.findReturningVisitor('passport', 'E12345678'), 'find_returning_visitor', { docType: 'passport', query: 'E12345678' }],
      [() => api.revealIdNumber(3), 'reveal_id_number', { visitId: 3 }],
      [() => api.getVisitPhoto(3), 'get_visit_photo', { visitId: 3 }],
      [() => api.getVisitSlip(3), 'get_visit_slip', { visitId: 3 }],
      [() => api.getRoster(), 'get_roster', undefined],
      [() => api.savePagePdf('roster'), 'save_page_pdf', { name: 'roster', paper: 'a4' }],
      [() => api.savePagePdf('slip', 'a5'), 'save_page_pdf', { name: 'slip', paper: 'a5' }],
      [() => api.searchStaff('李'), 'search_staff', { query: '李' }],
      [() => api.listStaff(), 'list_staff', undefined],
      [
        () => api.addStaff({ name: '李老师', department: '教务处', extension: '8021' }),
        'add_staff',
        { staff: { name: '李老师', department: '教务处', extension: '8021' } },
      ],
      [() => api.setStaffActive(5, false), 'set_staff_active', { staffId: 5, active: false }],
      [() => api.importStaffCsv('姓名,部门,分机\n'), 'import_staff_csv', { csv: '姓名,部门,分机\n' }],
      [
        () => api.screenWatchlist({ name: '张伟', idNumber: null, plate: null }),
        'screen_watchlist',
        { query: { name: '张伟', idNumber: null, plate: null } },
      ],
      [() => api.listWatchlist(), 'list_watchlist', undefined],
      [
        () => api.addWatchlistEntry({ name: '张伟', idNumber: null, plate: null, reason: '曾闹事', action: 'deny' }),
        'add_watchlist_entry',
        { entry: { name: '张伟', idNumber: null, plate: null, reason: '曾闹事', action: 'deny' } },
      ],
      [() => api.setWatchlistEntryActive(2, true), 'set_watchlist_entry_active', { entryId: 2, active: true }],
      [() => api.listPickupsToday(''), 'list_pickups_today', { query: '' }],
      [() => api.findChildPickers('小明'), 'find_child_pickers', { query: '小明' }],
      [() => api.listPickerClasses(), 'list_picker_classes', undefined],
      [() => api.getPickerImportTemplate(), 'get_picker_import_template', undefined],
      [() => api.removePickerClass('小一班'), 'remove_picker_class', { className: '小一班' }],
    ];
    for (const [run, cmd, args] of calls) {
      await run();
      expect(invoke).toHaveBeenLastCalledWith(cmd, args);
    }
    const pickup = {
      childName: '小明',
      className: '大一班',
      pickerName: '王芳',
      relation: '母亲',
      pickerIdNumber: '11010519491231002X',
      pickerPhone: '13800138000',
      teacher: '刘老师',
      authorisedPickerId: null,
      teacherConfirmation: 'phone' as const,
      acknowledgedWatchlist: [],
      watchlistOverride: null,
      expiredCardConfirmed: false,
    };
    await api.recordPickup(pickup);
    expect(invoke).toHaveBeenLastCalledWith('record_pickup', { pickup });
  });

  it('rejects with a normalised AppError', async () => {
    invoke.mockRejectedValue(JSON.stringify(appError));
    await expect(api.checkInVisitor(visit)).rejects.toEqual(appError);
    expect(events).toEqual([]);
  });

  it('announces session_locked so the lock screen shows', async () => {
    invoke.mockRejectedValue({ kind: 'locked', code: 'session_locked', field: null, params: {}, message: 'locked' });
    await expect(api.listOnSite()).rejects.toMatchObject({ code: 'session_locked' });
    expect(events).toEqual(['session_locked']);
  });

  it('does not treat a locked account (wrong PIN too often) as a locked session', async () => {
    invoke.mockRejectedValue({ kind: 'locked', code: 'account_locked', field: 'pin', params: { untilMs: '1' }, message: '' });
    await expect(api.logIn(1, '000000')).rejects.toMatchObject({ code: 'account_locked' });
    expect(events).toEqual([]);
  });

  it('announces not_logged_in so the login screen shows', async () => {
    invoke.mockRejectedValue({ kind: 'forbidden', code: 'not_logged_in', field: null, params: {}, message: '' });
    await expect(api.getStatus()).rejects.toMatchObject({ code: 'not_logged_in' });
    expect(events).toEqual(['not_logged_in']);
  });

  it('announces successful writes only', async () => {
    invoke.mockResolvedValue({ id: 1 });
    await api.checkOutVisitor({ visitId: 1, itemsOut: null, slipReturned: null, exitOverride: null });
    await api.listOnSite();
    expect(events).toEqual(['write']);
  });
});
