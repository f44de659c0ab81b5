// Types for the dictionaries: the zh-CN dictionary defines the shape, every other language
// must match it exactly (a missing or extra key fails `npm run check`), and `Key` is the
// union of all dotted paths so `t('nav.visitors')` is checked at compile time.
import type { ErrorCode } from '../bindings';
import type { zhCN } from './zh-CN';

/** Codes the UI itself raises before anything is sent to the core. */
export const UI_ERROR_CODES = ['pin_confirm_mismatch', 'not_a_number'] as const;
export type UiErrorCode = (typeof UI_ERROR_CODES)[number];

/**
 * Every code the core sends, as a record so that a code added to the generated `ErrorCode`
 * and missing here fails `npm run check`. Codes not (yet) in `ErrorCode` are allowed, so
 * messages can land before the core regenerates its bindings.
 */
const CORE_ERROR_CODES = {
  required: true,
  too_long: true,
  control_characters: true,
  name_characters: true,
  phone_format: true,
  id_number_format: true,
  pin_format: true,
  id_number_length: true,
  id_number_characters: true,
  id_number_province: true,
  id_number_birth_date: true,
  id_number_birth_future: true,
  id_number_check_digit: true,
  wrong_pin: true,
  account_locked: true,
  account_disabled: true,
  not_logged_in: true,
  session_locked: true,
  forbidden: true,
  already_set_up: true,
  not_set_up: true,
  already_checked_out: true,
  visit_not_found: true,
  guard_not_found: true,
  guard_name_taken: true,
  last_supervisor: true,
  out_of_range: true,
  slip_code_invalid: true,
  slip_not_returned: true,
  watchlist_unacknowledged: true,
  watchlist_denied: true,
  watchlist_entry_not_found: true,
  watchlist_needs_key: true,
  staff_not_found: true,
  staff_exists: true,
  import_row: true,
  photo_invalid: true,
  photo_too_large: true,
  time_format: true,
  print_failed: true,
  plate_not_civil: true,
  plate_too_short: true,
  plate_too_long: true,
  plate_letter: true,
  plate_format: true,
  checklist_item_not_found: true,
  checklist_item_exists: true,
  checklist_incomplete: true,
  checklist_note_required: true,
  vehicle_already_inside: true,
  vehicle_not_inside: true,
  vehicle_not_found: true,
  vehicle_not_registered: true,
  registration_expired: true,
  registered_vehicle_exists: true,
  quantity_format: true,
  date_format: true,
  due_before_issue: true,
  due_required: true,
  permit_needs_items: true,
  permit_not_found: true,
  permit_not_held: true,
  already_returned: true,
  not_returnable: true,
  invalid_choice: true,
  storage_full: true,
  storage_read_only: true,
  storage_busy: true,
  storage: true,
  tampered: true,
  internal: true,
  signature_invalid: true,
  signature_blank: true,
  same_guard: true,
  entry_in_future: true,
  entry_before_duty_day: true,
  duty_day_closed: true,
  entry_not_found: true,
  entry_already_voided: true,
  follow_up_not_found: true,
  follow_up_closed: true,
  key_place_exists: true,
  key_place_not_found: true,
  handover_not_found: true,
  key_file_invalid: true,
  key_id_taken: true,
  pass_not_found: true,
  pass_already_revoked: true,
  pass_refused: true,
  revocation_list_invalid: true,
  revocation_list_old: true,
  import_file_invalid: true,
  window_invalid: true,
  gates_invalid: true,
} satisfies Record<ErrorCode, true> & Record<string, true>;

/** Error codes the core sends (the generated `ErrorCode`) plus the UI-only ones. */
export type KnownErrorCode = ErrorCode | UiErrorCode | keyof typeof CORE_ERROR_CODES;
export const KNOWN_ERROR_CODES: readonly KnownErrorCode[] = [
  ...(Object.keys(CORE_ERROR_CODES) as (keyof typeof CORE_ERROR_CODES)[]),
  ...UI_ERROR_CODES,
];

/** Field names the core puts in `AppError.field` (snake_case), plus the UI's own forms. */
export const FIELD_NAMES = [
  'name',
  'id_number',
  'host',
  'purpose',
  'pin',
  'site_name',
  'gate_name',
  'supervisor_name',
  'guard_name',
  'role',
  'idle_lock_minutes',
  'duty_day_start_hour',
  'language',
  // issue 6: holiday passes
  'holder_name',
  'kind',
  'daily_window',
  'gates',
  'gate',
  'max_uses',
  'approved_by',
  'valid_from_ms',
  'valid_to_ms',
  'revoke_reason',
  'key_file',
  'revocation_file',
  'import_file',
  // issue 3
  'doc_type',
  'phone',
  'organisation',
  'companions',
  'companion_names',
  'items_in',
  'items_out',
  'plate',
  'expected_minutes',
  'notes',
  'photo',
  'host_confirmed_by',
  'slip_code',
  'slip_returned',
  'override_reason',
  'supervisor_id',
  'staff_name',
  'department',
  'extension',
  'reason',
  'action',
  'child_name',
  'class_name',
  'picker_name',
  'relation',
  'picker_id_number',
  'picker_phone',
  'teacher',
  'closing_time',
  'privacy_notice',
  'slip_required',
  'csv',
  'row',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** Same tree as zh-CN, every leaf a plain string. */
type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
export type Dictionary = Strings<typeof zhCN>;

type Paths<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${Paths<T[K]>}`;
}[keyof T & string];
/** Every translatable key, e.g. "nav.visitors" or "errors.wrong_pin". */
export type Key = Paths<Dictionary>;

export type Params = Record<string, string | number | undefined>;
