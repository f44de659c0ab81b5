// Types for the dictionaries: the zh-CN dictionary defines the shape, every other language
// must match it exactly (a missing or extra key fails `npm run check`), and `Key` is the
// union of all dotted paths so `t('nav.visitors')` is checked at compile time.
import type { zhCN } from './zh-CN';

/** Error codes the core sends (see docs/ui-contract.md) plus the UI-only ones. */
export const KNOWN_ERROR_CODES = [
  'required',
  'too_long',
  'control_characters',
  'pin_format',
  'id_number_length',
  'id_number_characters',
  'id_number_province',
  'id_number_birth_date',
  'id_number_birth_future',
  'id_number_check_digit',
  'wrong_pin',
  'account_locked',
  'account_disabled',
  'not_logged_in',
  'session_locked',
  'forbidden',
  'already_set_up',
  'not_set_up',
  'already_checked_out',
  'visit_not_found',
  'guard_not_found',
  'guard_name_taken',
  'last_supervisor',
  'out_of_range',
  'invalid_choice',
  'storage_full',
  'storage_read_only',
  'storage_busy',
  'storage',
  'tampered',
  'internal',
  // UI-only: checked before anything is sent.
  'pin_confirm_mismatch',
  'not_a_number',
] as const;
export type KnownErrorCode = (typeof KNOWN_ERROR_CODES)[number];

/** Field names the core puts in `AppError.field` (snake_case). */
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
