// Screen routing: startup state, lock/login on api events, lock button, language.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const { app, start, lockNow, logOut, changeLanguage, loggedIn } = await import('./app.svelte');
const api = await import('../api');
const { currentLanguage } = await import('../i18n/index.svelte');

const session = { guardId: 1, guardName: '王建国', role: 'supervisor' as const, idleLockMinutes: 5, onDuty: null, handoverRequired: false };
const baseState = { setupDone: true, language: 'zh-CN', session: null, locked: false, siteName: 'S', gateName: 'G' };

function answer(result: unknown) {
  invoke.mockImplementation(async () => result);
}

describe('app routing', () => {
  beforeEach(() => {
    invoke.mockReset();
    app.phase = 'loading';
    app.session = null;
  });

  it('shows setup before the site is set up', async () => {
    answer({ ...baseState, setupDone: false });
    await start();
    expect(app.phase).toBe('setup');
  });

  it('shows login without a session, and applies the saved language', async () => {
    answer({ ...baseState, language: 'en' });
    await start();
    expect(app.phase).toBe('login');
    expect(currentLanguage()).toBe('en');
    answer({ ...baseState, language: 'zh-CN' });
    await start();
    expect(currentLanguage()).toBe('zh-CN');
  });

  it('resumes a session, locked or not', async () => {
    answer({ ...baseState, session });
    await start();
    expect(app.phase).toBe('app');
    answer({ ...baseState, session, locked: true });
    await start();
    expect(app.phase).toBe('locked');
    expect(app.session?.guardName).toBe('王建国');
  });

  it('shows the failure screen when the core cannot answer', async () => {
    invoke.mockRejectedValue({ kind: 'storage', code: 'database_read_only', field: null, params: {}, message: '' });
    await start();
    expect(app.phase).toBe('failed');
    expect(app.startError?.code).toBe('database_read_only');
  });

  it('a read-only database at start says what to do, in both languages', async () => {
    const { errorText, setCurrentLanguage } = await import('../i18n/index.svelte');
    const error = { kind: 'storage' as const, code: 'database_read_only' as const, field: null, params: {}, message: '' };
    setCurrentLanguage('zh-CN');
    expect(errorText(error)).toContain('写保护');
    expect(errorText(error)).toContain('重试');
    setCurrentLanguage('en');
    expect(errorText(error)).toContain('write-protected');
    expect(errorText(error)).toContain('Try again');
    setCurrentLanguage('zh-CN');
  });

  it('any command rejected with session_locked shows the lock screen', async () => {
    loggedIn(session);
    invoke.mockRejectedValue({ kind: 'locked', code: 'session_locked', field: null, params: {}, message: '' });
    await expect(api.listOnSite()).rejects.toBeTruthy();
    expect(app.phase).toBe('locked');
    expect(app.session).toEqual(session);
  });

  it('not_logged_in from any command shows the login screen', async () => {
    loggedIn(session);
    invoke.mockRejectedValue({ kind: 'forbidden', code: 'not_logged_in', field: null, params: {}, message: '' });
    await expect(api.getStatus()).rejects.toBeTruthy();
    expect(app.phase).toBe('login');
    expect(app.session).toBeNull();
  });

  it('the lock button locks at once and tells the core', async () => {
    loggedIn(session);
    answer(null);
    const done = lockNow();
    expect(app.phase).toBe('locked');
    await done;
    expect(invoke).toHaveBeenCalledWith('lock_session', undefined);
  });

  it('log out returns to login even if the core call fails', async () => {
    loggedIn(session);
    invoke.mockRejectedValue('boom');
    await logOut();
    expect(app.phase).toBe('login');
    expect(app.session).toBeNull();
  });

  it('changing the language switches at once, sends nothing to the core, and outlasts the site language', async () => {
    changeLanguage('en');
    expect(currentLanguage()).toBe('en');
    expect(invoke).not.toHaveBeenCalled();
    answer({ ...baseState, language: 'zh-CN' });
    await start();
    expect(currentLanguage()).toBe('en');
    expect(invoke.mock.calls.map((c) => c[0])).toEqual(['get_app_state']);
    changeLanguage('zh-CN');
  });
});
