// Which screen is showing (setup, login, lock, the app) and the session behind it.
// All screen changes go through here so the lock/login rules live in one place.
import { tick } from 'svelte';
import * as api from '../api';
import type { AppError, AppState, Language, SessionInfo } from '../bindings';
import { onApiEvent } from '../events';
import { applySiteLanguage, chooseLanguage, isLanguage } from '../i18n/index.svelte';

export type Phase = 'loading' | 'failed' | 'setup' | 'login' | 'locked' | 'app';

export const SECTIONS = ['dashboard', 'visitors', 'vehicles', 'duty', 'handover', 'passes', 'search', 'reports', 'settings'] as const;
export type Section = (typeof SECTIONS)[number];

export const app = $state<{
  phase: Phase;
  session: SessionInfo | null;
  section: Section;
  startError: AppError | null;
  /** One-off message on the login screen, e.g. "setup complete". */
  loginNotice: string;
}>({ phase: 'loading', session: null, section: 'dashboard', startError: null, loginNotice: '' });

function route(state: AppState): void {
  if (isLanguage(state.language)) applySiteLanguage(state.language);
  app.session = state.session;
  if (!state.setupDone) app.phase = 'setup';
  else if (!state.session) app.phase = 'login';
  else app.phase = state.locked ? 'locked' : 'app';
}

/** Startup: ask the core where we are. */
export async function start(): Promise<void> {
  app.phase = 'loading';
  app.startError = null;
  try {
    route(await api.getAppState());
  } catch (e) {
    app.startError = api.toAppError(e);
    app.phase = 'failed';
  }
}

export function setupFinished(notice: string): void {
  app.loginNotice = notice;
  app.phase = 'login';
}

export function loggedIn(session: SessionInfo): void {
  app.session = session;
  app.section = 'dashboard';
  app.loginNotice = '';
  app.phase = 'app';
}

/** Where the guard was typing when the screen locked, to put them back there. */
let focusBeforeLock: HTMLElement | null = null;

function rememberFocus(): void {
  if (typeof document === 'undefined') return; // unit tests run without a DOM
  const el = document.activeElement;
  focusBeforeLock = el instanceof HTMLElement && el !== document.body ? el : null;
}

export async function unlocked(session: SessionInfo): Promise<void> {
  app.session = session;
  app.phase = 'app';
  const el = focusBeforeLock;
  focusBeforeLock = null;
  await tick();
  if (el?.isConnected) el.focus();
}

/** The core says the session is locked: cover the app (its state stays underneath). */
function showLock(): void {
  if (app.phase !== 'app') return;
  rememberFocus();
  app.phase = app.session ? 'locked' : 'login';
}

function showLogin(): void {
  if (app.phase === 'setup') return;
  app.session = null;
  app.section = 'dashboard';
  app.phase = 'login';
}

/** Lock button or idle timeout: show the lock screen at once, then tell the core. */
export async function lockNow(): Promise<void> {
  if (app.phase !== 'app') return;
  rememberFocus();
  app.phase = 'locked';
  try {
    await api.lockSession();
  } catch {
    // The screen is already locked; a not_logged_in here reroutes to login via the event.
  }
}

export async function logOut(): Promise<void> {
  try {
    await api.logOut();
  } catch {
    // Logging out locally is what matters; the core drops a stale session on next login.
  }
  showLogin();
}

/** The language switch (login screen, header, settings): a local preference of this PC. */
export function changeLanguage(lang: Language): void {
  chooseLanguage(lang);
}

export function isSupervisor(): boolean {
  return app.session?.role === 'supervisor';
}

onApiEvent((event) => {
  if (event === 'session_locked') showLock();
  else if (event === 'not_logged_in') showLogin();
});
