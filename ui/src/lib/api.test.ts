// The api module: argument shapes, error normalisation and the lock/login events.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const api = await import('./api');
const { onApiEvent } = await import('./events');

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
    await api.checkInVisitor({ name: '张三', idNumber: '11010519491231002X', host: '李老师', purpose: '家长会' });
    expect(invoke).toHaveBeenLastCalledWith('check_in_visitor', {
      visitor: { name: '张三', idNumber: '11010519491231002X', host: '李老师', purpose: '家长会' },
    });
    await api.checkOutVisitor(7);
    expect(invoke).toHaveBeenLastCalledWith('check_out_visitor', { checkOut: { visitId: 7 } });
    await api.setGuardActive(2, false);
    expect(invoke).toHaveBeenLastCalledWith('set_guard_active', { guardId: 2, active: false });
    await api.getAppState();
    expect(invoke).toHaveBeenLastCalledWith('get_app_state', undefined);
  });

  it('rejects with a normalised AppError', async () => {
    invoke.mockRejectedValue(JSON.stringify(appError));
    await expect(api.checkInVisitor({ name: 'a', idNumber: 'b', host: 'c', purpose: 'd' })).rejects.toEqual(appError);
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
    await api.checkOutVisitor(1);
    await api.listOnSite();
    expect(events).toEqual(['write']);
  });
});
