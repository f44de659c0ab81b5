// Turns an AppError into words a guard understands, in the current language. The UI
// branches on `kind`/`code`, never on the English `message`, which is for logs only.
import type { AppError, ImportProblem } from '../bindings';
import { formatDateTime } from './format';
import { interpolate, lookup } from '../i18n/translate';
import type { Dictionary, Params } from '../i18n/types';

/** A UI-side error (e.g. PIN confirmation) in the same shape as the core's. */
export function uiError(code: string, field: string | null = null): AppError {
  return {
    kind: 'invalid',
    code: code as AppError['code'],
    field,
    params: {},
    message: code,
  };
}

/** A bad import row's error (staff or pass import) as an AppError, params included. */
export function importProblemError(p: ImportProblem): AppError {
  return { kind: 'invalid', code: p.code, field: p.field, params: p.params, message: p.message };
}

/** Translated label of a snake_case field name; a generic word for an unknown field. */
export function fieldLabel(field: string | null | undefined, dict: Dictionary): string {
  if (field) {
    const label = lookup(dict, `fields.${field}`);
    if (label !== undefined) return label;
  }
  return dict.fields.unknown;
}

/**
 * The message for `err` in `dict`: errors.<code> with params interpolated, `{field}`
 * replaced by the field's label, `startField` by its label as `{start}` and `untilMs`
 * shown as local time as `{until}`. An unknown
 * code gets the generic message, never the raw English text.
 */
export function errorMessage(err: AppError, dict: Dictionary, nowMs: number = Date.now()): string {
  const template = lookup(dict, `errors.${err.code}`) ?? dict.errors.unknown;
  const params: Params = { ...err.params, field: fieldLabel(err.field, dict) };
  // `ends_before_start` names the start's field too: "失效时间须晚于生效时间".
  if (err.params?.startField !== undefined) params.start = fieldLabel(err.params.startField, dict);
  const untilMs = Number(err.params?.untilMs);
  if (err.params?.untilMs !== undefined && Number.isFinite(untilMs)) {
    params.until = formatDateTime(untilMs, nowMs);
  }
  return interpolate(template, params);
}

/**
 * Which input of a form should show `err`: the field it names when the form has it
 * (directly or through `aliases`, e.g. the core's "guard_name" shown at the form's
 * "name" input), else null, meaning a form-level message.
 */
export function placeError(err: AppError, formFields: readonly string[], aliases: Readonly<Record<string, string>> = {}): string | null {
  if (!err.field) return null;
  const target = aliases[err.field] ?? err.field;
  return formFields.includes(target) ? target : null;
}
