// Every call to the Rust core, one typed function per command in docs/ui-contract.md.
// Components never call `invoke` themselves. This module also normalises every rejection
// into an AppError and announces `session_locked` / `not_logged_in` so the app can show
// the lock or login screen whichever command hit it.
import { invoke } from '@tauri-apps/api/core';
import type {
  AppError,
  AppState,
  CheckOut,
  DocType,
  ErrorKind,
  GuardRow,
  ImportReport,
  Language,
  LoginGuard,
  NewGuard,
  NewPickup,
  NewStaff,
  NewVisit,
  NewWatchEntry,
  PickupRow,
  ReturningVisitor,
  Roster,
  ScreenQuery,
  SessionInfo,
  Settings,
  SiteSetup,
  StaffMember,
  StatusBar,
  VisitRow,
  VisitSlip,
  WatchEntry,
  WatchHit,
} from './bindings';
import { emitApiEvent } from './events';

const KINDS: readonly ErrorKind[] = [
  'invalid',
  'not_found',
  'conflict',
  'forbidden',
  'locked',
  'tampered',
  'storage',
  'internal',
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function internal(message: string): AppError {
  return { kind: 'internal', code: 'internal', field: null, params: {}, message };
}

/**
 * Whatever a command rejected with (an AppError object, its JSON text, a plain string
 * from Tauri itself such as "command not found", an Error) becomes a well-formed AppError.
 */
export function toAppError(raw: unknown): AppError {
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('{')) {
      try {
        return toAppError(JSON.parse(text));
      } catch {
        // Not JSON after all: fall through and keep the text for the log.
      }
    }
    return internal(raw);
  }
  if (raw instanceof Error) return internal(raw.message);
  if (!isRecord(raw) || typeof raw.code !== 'string' || raw.code === '') {
    let text: string;
    try {
      text = JSON.stringify(raw) ?? String(raw);
    } catch {
      text = String(raw);
    }
    return internal(text);
  }
  const kind = KINDS.includes(raw.kind as ErrorKind) ? (raw.kind as ErrorKind) : 'internal';
  const params: Record<string, string> = {};
  if (isRecord(raw.params)) {
    for (const [k, v] of Object.entries(raw.params)) {
      if (v !== null && v !== undefined) params[k] = String(v);
    }
  }
  return {
    kind,
    code: raw.code as AppError['code'],
    field: typeof raw.field === 'string' && raw.field !== '' ? raw.field : null,
    params,
    message: typeof raw.message === 'string' ? raw.message : '',
  };
}

export function isAppError(v: unknown): v is AppError {
  return isRecord(v) && typeof v.kind === 'string' && typeof v.code === 'string' && 'params' in v;
}

interface CallOptions {
  /** A successful write refreshes the status bar (people on site etc.). */
  write?: boolean;
}

async function call<T>(cmd: string, args?: Record<string, unknown>, opts: CallOptions = {}): Promise<T> {
  let result: T;
  try {
    result = await invoke<T>(cmd, args);
  } catch (raw) {
    const err = toAppError(raw);
    if (err.kind === 'locked' && err.code === 'session_locked') emitApiEvent('session_locked');
    else if (err.code === 'not_logged_in') emitApiEvent('not_logged_in');
    throw err;
  }
  if (opts.write) emitApiEvent('write');
  return result;
}

// --- app, setup, language ---
export const getAppState = () => call<AppState>('get_app_state');
export const setLanguage = (language: Language) => call<null>('set_language', { language });
export const setupSite = (setup: SiteSetup) => call<null>('setup_site', { setup });

// --- session ---
export const listLoginGuards = () => call<LoginGuard[]>('list_login_guards');
export const logIn = (guardId: number, pin: string) => call<SessionInfo>('log_in', { guardId, pin });
export const logOut = () => call<null>('log_out');
export const lockSession = () => call<null>('lock_session');
export const unlockSession = (pin: string) => call<SessionInfo>('unlock_session', { pin });
export const touchSession = () => call<null>('touch_session');

// --- status ---
export const getStatus = () => call<StatusBar>('get_status');

// --- visitors ---
export const checkInVisitor = (visitor: NewVisit) => call<VisitRow>('check_in_visitor', { visitor }, { write: true });
export const listOnSite = () => call<VisitRow[]>('list_on_site');
export const listVisitsToday = () => call<VisitRow[]>('list_visits_today');
export const checkOutVisitor = (checkOut: CheckOut) =>
  call<VisitRow>('check_out_visitor', { checkOut }, { write: true });
export const findVisitBySlip = (code: string) => call<VisitRow>('find_visit_by_slip', { code });
export const findReturningVisitor = (docType: DocType, query: string) =>
  call<ReturningVisitor | null>('find_returning_visitor', { docType, query });
export const revealIdNumber = (visitId: number) => call<string>('reveal_id_number', { visitId });
export const getVisitPhoto = (visitId: number) => call<number[] | null>('get_visit_photo', { visitId });
export const getVisitSlip = (visitId: number) => call<VisitSlip>('get_visit_slip', { visitId });
export const getRoster = () => call<Roster>('get_roster');

// --- printing ---
/** Prints the page (its print layout) to exports/<name>-….pdf; resolves to the file's path. */
export const savePagePdf = (name: 'slip' | 'roster') => call<string>('save_page_pdf', { name });

// --- staff directory ---
export const searchStaff = (query: string) => call<StaffMember[]>('search_staff', { query });
export const listStaff = () => call<StaffMember[]>('list_staff');
export const addStaff = (staff: NewStaff) => call<StaffMember>('add_staff', { staff }, { write: true });
export const setStaffActive = (staffId: number, active: boolean) =>
  call<StaffMember>('set_staff_active', { staffId, active }, { write: true });
export const importStaffCsv = (csv: string) => call<ImportReport>('import_staff_csv', { csv }, { write: true });

// --- watchlist ---
export const screenWatchlist = (query: ScreenQuery) => call<WatchHit[]>('screen_watchlist', { query });
export const listWatchlist = () => call<WatchEntry[]>('list_watchlist');
export const addWatchlistEntry = (entry: NewWatchEntry) =>
  call<WatchEntry>('add_watchlist_entry', { entry }, { write: true });
export const setWatchlistEntryActive = (entryId: number, active: boolean) =>
  call<WatchEntry>('set_watchlist_entry_active', { entryId, active }, { write: true });

// --- pick-ups (中途离园) ---
export const recordPickup = (pickup: NewPickup) => call<PickupRow>('record_pickup', { pickup }, { write: true });
export const listPickupsToday = (query: string) => call<PickupRow[]>('list_pickups_today', { query });

// --- guards (supervisor) ---
export const listGuards = () => call<GuardRow[]>('list_guards');
export const addGuard = (guard: NewGuard) => call<GuardRow>('add_guard', { guard }, { write: true });
export const setGuardActive = (guardId: number, active: boolean) =>
  call<GuardRow>('set_guard_active', { guardId, active }, { write: true });
export const resetGuardPin = (guardId: number, pin: string) =>
  call<GuardRow>('reset_guard_pin', { guardId, pin }, { write: true });
export const unlockGuard = (guardId: number) => call<GuardRow>('unlock_guard', { guardId }, { write: true });

// --- settings ---
export const getSettings = () => call<Settings>('get_settings');
export const updateSettings = (settings: Settings) =>
  call<Settings>('update_settings', { settings }, { write: true });

// --- holiday passes (issue 6) ---
// Types imported here, in this block, so the other sections' imports above stay untouched.
import type {
  Direction as PassDirection,
  NewPass,
  PassCard,
  PassImportReport,
  PassKey,
  PassRow,
  PublicKeyExport,
  RevocationImport,
  RevocationList,
  ScanLogRow,
  ScanResult,
  SupervisorOverride as PassOverride,
} from './bindings';

export const issuePass = (pass: NewPass) => call<PassCard>('issue_pass', { pass }, { write: true });
/** `bytes` as a plain number array (Tauri sends it as JSON). */
export const importPasses = (fileName: string, bytes: number[]) =>
  call<PassImportReport>('import_passes', { fileName, bytes }, { write: true });
export const getPassImportTemplate = () => call<string>('get_pass_import_template');
export const listPasses = (query: string) => call<PassRow[]>('list_passes', { query });
export const getPassCard = (passId: number) => call<PassCard>('get_pass_card', { passId });
export const revokePass = (passId: number, reason: string) =>
  call<PassRow>('revoke_pass', { passId, reason }, { write: true });
/** Refusals are results (outcome + accepted=false), not errors. */
export const scanPass = (code: string, direction: PassDirection) =>
  call<ScanResult>('scan_pass', { code, direction }, { write: true });
export const overridePassRefusal = (scanId: number, approval: PassOverride) =>
  call<ScanResult>('override_pass_refusal', { scanId, approval }, { write: true });
export const listPassScans = (refusedOnly: boolean) => call<ScanLogRow[]>('list_pass_scans', { refusedOnly });
export const listPassKeys = () => call<PassKey[]>('list_pass_keys');
export const rotatePassKey = () => call<PassKey>('rotate_pass_key', undefined, { write: true });
export const exportPassKey = () => call<PublicKeyExport>('export_pass_key');
export const importPassKey = (json: string) => call<PassKey>('import_pass_key', { json }, { write: true });
export const exportRevocations = () => call<RevocationList>('export_revocations');
export const importRevocations = (json: string) =>
  call<RevocationImport>('import_revocations', { json }, { write: true });
/** save_page_pdf for the pass layouts (a card, an A6 label, an A4 sheet of cards). */
export const savePassPdf = (name: 'pass' | 'pass-label' | 'pass-sheet') => call<string>('save_page_pdf', { name });
