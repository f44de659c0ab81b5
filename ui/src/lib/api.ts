// Every call to the Rust core, one typed function per command in docs/ui-contract.md.
// Components never call `invoke` themselves. This module also normalises every rejection
// into an AppError and announces `session_locked` / `not_logged_in` so the app can show
// the lock or login screen whichever command hit it. A call that gets no answer gives up
// after a time-out (30 s; longer for imports, exports, backups, restores and printing) with
// a `timed_out` error, so a form never hangs: forms keep what was typed when a call fails.
import { invoke } from '@tauri-apps/api/core';
import type {
  AppError,
  AppState,
  CheckOut,
  DocType,
  ErrorKind,
  GuardRow,
  ImportReport,
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
  Screening,
} from './bindings';
import type {
  ChecklistItem,
  DutyDay,
  DutyReport,
  EntryRow,
  FollowUpRow,
  HandoverBrief,
  HandoverInput,
  HandoverRow,
  KeyPlace,
  NewEntry,
  ShiftSummary,
} from './bindings';
import type { ChildPickers, ClassList, PickerImportReport } from './bindings';
import type { SetUpDone } from './bindings/SetUpDone';
import type { ExportReport, Format, IdNumbers, Overview, RangeInput, ReportKind } from './bindings';
import { emitApiEvent } from './events';

const KINDS: readonly ErrorKind[] = ['invalid', 'not_found', 'conflict', 'forbidden', 'locked', 'tampered', 'storage', 'internal'];

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

/** How long a call waits for the core before it gives up (ms). */
export const CALL_TIMEOUT_MS = 30_000;
/** The same for imports, exports, backups, restores and printing, which read or write files. */
export const LONG_CALL_TIMEOUT_MS = 10 * 60_000;

interface CallOptions {
  /** A successful write refreshes the status bar (people on site etc.). */
  write?: boolean;
  /** Give up after this many ms (default `CALL_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/** The error of a call that got no answer in time (the core may still finish it). */
function timedOut(cmd: string, ms: number): AppError {
  const seconds = Math.round(ms / 1000);
  return {
    kind: 'internal',
    code: 'timed_out',
    field: null,
    params: { seconds: String(seconds) },
    message: `no answer from ${cmd} after ${seconds} s`,
  };
}

async function call<T>(cmd: string, args?: Record<string, unknown>, opts: CallOptions = {}): Promise<T> {
  let result: T;
  const ms = opts.timeoutMs ?? CALL_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(cmd, ms)), ms);
  });
  try {
    result = await Promise.race([invoke<T>(cmd, args), deadline]);
  } catch (raw) {
    const err = toAppError(raw);
    if (err.kind === 'locked' && err.code === 'session_locked') emitApiEvent('session_locked');
    else if (err.code === 'not_logged_in') emitApiEvent('not_logged_in');
    throw err;
  } finally {
    clearTimeout(timer);
  }
  if (opts.write) emitApiEvent('write');
  return result;
}

// --- app, setup, language ---
export const getAppState = () => call<AppState>('get_app_state');
/** Sets the site up; resolves to the recovery key, shown once (issue 13). */
export const setupSite = (setup: SiteSetup) => call<SetUpDone>('setup_site', { setup });

// --- session ---
export const listLoginGuards = () => call<LoginGuard[]>('list_login_guards');
export const logIn = (guardId: number, pin: string) => call<SessionInfo>('log_in', { guardId, pin });
export const takeOverWithoutHandover = (approval: SupervisorOverride) =>
  call<SessionInfo>('take_over_without_handover', { approval }, { write: true });
export const logOut = () => call<null>('log_out');
export const lockSession = () => call<null>('lock_session');
export const unlockSession = (pin: string) => call<SessionInfo>('unlock_session', { pin });
export const touchSession = () => call<null>('touch_session');

// --- status ---
export const getStatus = () => call<StatusBar>('get_status');
/** A supervisor confirms the PC's date and time (clears the status bar's clock doubt). */
export const confirmClockDate = (approval: SupervisorOverride) => call<null>('confirm_clock_date', { approval }, { write: true });

// --- visitors ---
export const checkInVisitor = (visitor: NewVisit) => call<VisitRow>('check_in_visitor', { visitor }, { write: true });
export const listOnSite = () => call<VisitRow[]>('list_on_site');
export const listVisitsToday = () => call<VisitRow[]>('list_visits_today');
export const checkOutVisitor = (checkOut: CheckOut) => call<VisitRow>('check_out_visitor', { checkOut }, { write: true });
export const findVisitBySlip = (code: string) => call<VisitRow>('find_visit_by_slip', { code });
export const findReturningVisitor = (docType: DocType, query: string) =>
  call<ReturningVisitor | null>('find_returning_visitor', { docType, query });
export const revealIdNumber = (visitId: number) => call<string>('reveal_id_number', { visitId });
export const getVisitPhoto = (visitId: number) => call<number[] | null>('get_visit_photo', { visitId });
export const getVisitSlip = (visitId: number) => call<VisitSlip>('get_visit_slip', { visitId });
export const getRoster = () => call<Roster>('get_roster');

// --- printing ---
/** Paper of a print layout; the PDF page takes this size. */
export type Paper = 'a4' | 'a5' | 'a6' | 'cr80';
/** Prints the page (its print layout) to exports/<name>-….pdf; resolves to the file's path. */
/** Writes a text file into exports/ beside the database; resolves to its path. */
export const saveExportFile = (fileName: string, text: string) =>
  call<string>('save_export_file', { fileName, text }, { timeoutMs: LONG_CALL_TIMEOUT_MS });
export type PrintName = 'slip' | 'roster' | 'handover' | 'duty-report' | 'pass' | 'pass-label' | 'pass-sheet' | 'reports';
export const savePagePdf = (name: PrintName, paper: Paper = 'a4') =>
  call<string>('save_page_pdf', { name, paper }, { timeoutMs: LONG_CALL_TIMEOUT_MS });

// --- staff directory ---
export const searchStaff = (query: string) => call<StaffMember[]>('search_staff', { query });
export const listStaff = () => call<StaffMember[]>('list_staff');
export const addStaff = (staff: NewStaff) => call<StaffMember>('add_staff', { staff }, { write: true });
export const setStaffActive = (staffId: number, active: boolean) =>
  call<StaffMember>('set_staff_active', { staffId, active }, { write: true });
export const importStaffCsv = (csv: string) =>
  call<ImportReport>('import_staff_csv', { csv }, { write: true, timeoutMs: LONG_CALL_TIMEOUT_MS });

// --- watchlist ---
export const screenWatchlist = (query: ScreenQuery) => call<Screening>('screen_watchlist', { query });
export const listWatchlist = () => call<WatchEntry[]>('list_watchlist');
export const addWatchlistEntry = (entry: NewWatchEntry) => call<WatchEntry>('add_watchlist_entry', { entry }, { write: true });
export const setWatchlistEntryActive = (entryId: number, active: boolean) =>
  call<WatchEntry>('set_watchlist_entry_active', { entryId, active }, { write: true });

// --- pick-ups (中途离园) ---
export const recordPickup = (pickup: NewPickup) => call<PickupRow>('record_pickup', { pickup }, { write: true });
export const listPickupsToday = (query: string) => call<PickupRow[]>('list_pickups_today', { query });
/** Children on the authorised pickers lists whose name (or class) contains `query`. */
export const findChildPickers = (query: string) => call<ChildPickers[]>('find_child_pickers', { query });
export const listPickerClasses = () => call<ClassList[]>('list_picker_classes');
export const importPickers = (fileName: string, bytes: number[]) =>
  call<PickerImportReport>('import_pickers', { fileName, bytes }, { write: true, timeoutMs: LONG_CALL_TIMEOUT_MS });
export const getPickerImportTemplate = () => call<string>('get_picker_import_template');
export const removePickerClass = (className: string) => call<number>('remove_picker_class', { className }, { write: true });

// --- guards (supervisor) ---
export const listGuards = () => call<GuardRow[]>('list_guards');
export const addGuard = (guard: NewGuard) => call<GuardRow>('add_guard', { guard }, { write: true });
export const setGuardActive = (guardId: number, active: boolean) =>
  call<GuardRow>('set_guard_active', { guardId, active }, { write: true });
export const resetGuardPin = (guardId: number, pin: string) => call<GuardRow>('reset_guard_pin', { guardId, pin }, { write: true });
export const unlockGuard = (guardId: number) => call<GuardRow>('unlock_guard', { guardId }, { write: true });

// --- settings ---
export const getSettings = () => call<Settings>('get_settings');
export const updateSettings = (settings: Settings) => call<Settings>('update_settings', { settings }, { write: true });

// --- retention and backup (issue 7) ---
import type { BackupFile, BackupReport, BackupStatus, DataSettings, StagedRestore } from './bindings';
export const getDataSettings = () => call<DataSettings>('get_data_settings');
import type { DeskPreferences } from './bindings';
/** This PC's own preferences (start on boot, full screen); a supervisor changes them. */
export const getDeskPreferences = () => call<DeskPreferences>('get_desk_preferences');
export const updateDeskPreferences = (preferences: DeskPreferences) =>
  call<DeskPreferences>('update_desk_preferences', { preferences }, { write: true });
/** Esc: leaves full screen until the next start; true when the window was full screen. */
export const leaveFullScreen = () => call<boolean>('leave_full_screen');
export const updateDataSettings = (settings: DataSettings) => call<DataSettings>('update_data_settings', { settings }, { write: true });
export const getBackupStatus = () => call<BackupStatus>('get_backup_status');
export const backupNow = () => call<BackupReport>('backup_now', {}, { write: true, timeoutMs: LONG_CALL_TIMEOUT_MS });
export const listBackupFiles = () => call<BackupFile[]>('list_backup_files');
/** A blank recovery key is sent as null: the core then uses this PC's key file. */
const recoveryArg = (recoveryKey: string) => (recoveryKey.trim() === '' ? null : recoveryKey);
/**
 * Checks and stages the file; the app restarts shortly after and applies it. The recovery
 * key is needed only for a backup of this site made with another key (issue 13).
 */
export const restoreBackup = (file: string, recoveryKey = '') =>
  call<StagedRestore>('restore_backup', { file, recoveryKey: recoveryArg(recoveryKey) }, { write: true, timeoutMs: LONG_CALL_TIMEOUT_MS });
/** The set-up screen's restore on a new or replacement PC (no login; site not set up yet). */
export const restoreBackupAtSetup = (file: string, recoveryKey: string) =>
  call<StagedRestore>('restore_backup_at_setup', { file, recoveryKey: recoveryArg(recoveryKey) }, { timeoutMs: LONG_CALL_TIMEOUT_MS });
/** The recovery key again (supervisor on duty; the core logs it in the audit chain). */
export const showRecoveryKey = () => call<string>('show_recovery_key');
/** The QR code of a recovery key for the printed recovery sheet, as an SVG data URL. */
export const recoveryKeyQr = (recoveryKey: string) => call<string>('recovery_key_qr', { recoveryKey });

// --- vehicles and goods (issue 4) ---
import type {
  ChecklistKind,
  DeliveryRow,
  ExitPermitRow,
  NewDelivery,
  NewExitPermit,
  NewRegisteredVehicle,
  NewVehicleVisit,
  PlateCheck,
  RegisteredPass,
  RegisteredVehicle,
  SupervisorOverride,
  VehicleRow,
} from './bindings';

export const checkPlate = (plate: string, confirmSpecial: boolean) => call<PlateCheck>('check_plate', { plate, confirmSpecial });
export const checkInVehicle = (vehicle: NewVehicleVisit) => call<VehicleRow>('check_in_vehicle', { vehicle }, { write: true });
export const passRegisteredVehicle = (pass: RegisteredPass) => call<VehicleRow>('pass_registered_vehicle', { pass }, { write: true });
export const checkOutVehicle = (vehicleVisitId: number) => call<VehicleRow>('check_out_vehicle', { vehicleVisitId }, { write: true });
export const checkOutVehicleByPlate = (plate: string) => call<VehicleRow>('check_out_vehicle_by_plate', { plate }, { write: true });
export const listVehiclesOnSite = () => call<VehicleRow[]>('list_vehicles_on_site');
export const listRegisteredVehicles = () => call<RegisteredVehicle[]>('list_registered_vehicles');
export const addRegisteredVehicle = (vehicle: NewRegisteredVehicle) =>
  call<RegisteredVehicle>('add_registered_vehicle', { vehicle }, { write: true });
export const setRegisteredVehicleActive = (registeredId: number, active: boolean) =>
  call<RegisteredVehicle>('set_registered_vehicle_active', { registeredId, active }, { write: true });
export const listChecklist = (list: ChecklistKind, all: boolean) => call<ChecklistItem[]>('list_checklist', { list, all });
export const addChecklistItem = (list: ChecklistKind, label: string) =>
  call<ChecklistItem>('add_checklist_item', { list, label }, { write: true });
export const setChecklistItemActive = (itemId: number, active: boolean) =>
  call<ChecklistItem>('set_checklist_item_active', { itemId, active }, { write: true });
export const recordDelivery = (delivery: NewDelivery) => call<DeliveryRow>('record_delivery', { delivery }, { write: true });
export const listDeliveriesToday = () => call<DeliveryRow[]>('list_deliveries_today');
export const checkExitPermit = (permit: NewExitPermit) => call<ExitPermitRow>('check_exit_permit', { permit }, { write: true });
export const releaseHeldPermit = (permitId: number, approval: SupervisorOverride) =>
  call<ExitPermitRow>('release_held_permit', { permitId, approval }, { write: true });
export const markGoodsReturned = (permitId: number) => call<ExitPermitRow>('mark_goods_returned', { permitId }, { write: true });
export const listGoodsOut = () => call<ExitPermitRow[]>('list_goods_out');
export const listExitPermitsToday = () => call<ExitPermitRow[]>('list_exit_permits_today');
// --- duty log and shift handover (issue 5) ---
// Own names for the handover checklist and for saving these PDFs, so they never clash with
// the vehicle checklist's or other sections' functions.
export const getDutyDay = (day: string | null) => call<DutyDay>('get_duty_day', { day });
export const addDutyEntry = (entry: NewEntry) => call<EntryRow>('add_duty_entry', { entry }, { write: true });
export const voidDutyEntry = (entryId: number, reason: string) => call<EntryRow>('void_duty_entry', { entryId, reason }, { write: true });
export const listOpenItems = () => call<FollowUpRow[]>('list_open_items');
/** A supervisor's re-check (复查) of an item marked corrected: close or reopen it (issue 14). */
export const reviewFollowUp = (itemId: number, outcome: ReviewOutcome, approval: SupervisorOverride) =>
  call<FollowUpRow>('review_follow_up', { itemId, outcome, approval }, { write: true });
export const listKeyPlaces = (all: boolean) => call<KeyPlace[]>('list_key_places', { all });
export const addKeyPlace = (name: string) => call<KeyPlace>('add_key_place', { name }, { write: true });
export const setKeyPlaceActive = (placeId: number, active: boolean) =>
  call<KeyPlace>('set_key_place_active', { placeId, active }, { write: true });
export const setMinPatrols = (count: number) => call<null>('set_min_patrols', { count }, { write: true });
export const closeDutyDay = (day: string) => call<DutyDay>('close_duty_day', { day }, { write: true });
export const getDutyReport = (day: string) => call<DutyReport>('get_duty_report', { day });

// --- reports (统计报表) ---
export const getReports = (range: RangeInput) => call<Overview>('get_reports', { range });
/** The visit list of the range into exports/; full ID numbers only for a supervisor (logged). */
export const exportVisits = (range: RangeInput, format: Format, idNumbers: IdNumbers) =>
  call<ExportReport>('export_visits', { range, format, idNumbers }, { write: true, timeoutMs: LONG_CALL_TIMEOUT_MS });
export const exportReport = (kind: ReportKind, range: RangeInput, format: Format) =>
  call<ExportReport>('export_report', { kind, range, format }, { timeoutMs: LONG_CALL_TIMEOUT_MS });
export const getShiftSummary = () => call<ShiftSummary>('get_shift_summary');
export const sealHandover = (handover: HandoverInput) => call<HandoverRow>('seal_handover', { handover }, { write: true });
export const listHandovers = () => call<HandoverBrief[]>('list_handovers');
export const getHandover = (handoverId: number) => call<HandoverRow>('get_handover', { handoverId });
export const recordHandoverPrint = (handoverId: number) => call<HandoverRow>('record_handover_print', { handoverId }, { write: true });
export const listHandoverChecklist = (all: boolean) => call<ChecklistItem[]>('list_checklist', { list: 'handover', all });
export const addHandoverChecklistItem = (label: string) =>
  call<ChecklistItem>('add_checklist_item', { list: 'handover', label }, { write: true });
export const setHandoverChecklistItemActive = (itemId: number, active: boolean) =>
  call<ChecklistItem>('set_checklist_item_active', { itemId, active }, { write: true });
// --- holiday passes (issue 6) ---
// Types imported here, in this block, so the other sections' imports above stay untouched.
import type {
  Direction as PassDirection,
  NewPass,
  PassCard,
  PassImportReport,
  Distrusted,
  PassKey,
  PassRow,
  PublicKeyExport,
  RevocationImport,
  RevocationFile,
  KeyImportConfirmation,
  KeyImportPreview,
  ScanLogRow,
  ScanResult,
  SupervisorOverride as PassOverride,
} from './bindings';

export const issuePass = (pass: NewPass) => call<PassCard>('issue_pass', { pass }, { write: true });
/** `bytes` as a plain number array (Tauri sends it as JSON). */
export const importPasses = (fileName: string, bytes: number[]) =>
  call<PassImportReport>('import_passes', { fileName, bytes }, { write: true, timeoutMs: LONG_CALL_TIMEOUT_MS });
export const getPassImportTemplate = () => call<string>('get_pass_import_template');
export const listPasses = (query: string) => call<PassRow[]>('list_passes', { query });
export const getPassCard = (passId: number) => call<PassCard>('get_pass_card', { passId });
export const revokePass = (passId: number, reason: string) => call<PassRow>('revoke_pass', { passId, reason }, { write: true });
/** Refusals are results (outcome + accepted=false), not errors. */
export const scanPass = (code: string, direction: PassDirection) => call<ScanResult>('scan_pass', { code, direction }, { write: true });
export const overridePassRefusal = (scanId: number, approval: PassOverride) =>
  call<ScanResult>('override_pass_refusal', { scanId, approval }, { write: true });
export const listPassScans = (refusedOnly: boolean) => call<ScanLogRow[]>('list_pass_scans', { refusedOnly });
export const listPassKeys = () => call<PassKey[]>('list_pass_keys');
export const rotatePassKey = () => call<PassKey>('rotate_pass_key', undefined, { write: true });
export const distrustPassKey = (keyId: number, reason: string) => call<Distrusted>('distrust_pass_key', { keyId, reason }, { write: true });
export const exportPassKey = () => call<PublicKeyExport>('export_pass_key');
export const previewPassKeyImport = (json: string) => call<KeyImportPreview>('preview_pass_key_import', { json });
export const importPassKey = (json: string, confirmation: KeyImportConfirmation) =>
  call<PassKey>('import_pass_key', { json, confirmation }, { write: true });
export const exportRevocations = () => call<RevocationFile>('export_revocations');
export const importRevocations = (json: string) => call<RevocationImport>('import_revocations', { json }, { write: true });

/** The digits of the QR code in a camera frame (JPEG/PNG bytes), or null when none is readable. */
export const decodePassFrame = (frame: Uint8Array) => call<string | null>('decode_pass_frame', { frame: Array.from(frame) });

// ---- search (查询) --------------------------------------------------------------------------
import type { SearchKind, SearchQuery, SearchRecord, SearchResults } from './bindings';
import type { ReviewOutcome } from './bindings';

export const searchRecords = (query: SearchQuery) => call<SearchResults>('search_records', { query });
/** The search's results (up to 10,000, newest first) into exports/ as CSV or XLSX (logged). */
export const exportSearchResults = (query: SearchQuery, format: Format) =>
  call<ExportReport>('export_search_results', { query, format }, { write: true, timeoutMs: LONG_CALL_TIMEOUT_MS });
export const getSearchRecord = (kind: SearchKind, id: number) => call<SearchRecord>('get_search_record', { kind, id });
