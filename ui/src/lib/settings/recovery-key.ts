// The recovery key on screen and on paper (issue 13): the core formats it (16 groups of 4
// upper-case hex digits joined by '-', `dbkey::DatabaseKey::recovery_text`) and parses what
// people type (`parse_recovery`); this only lays the groups out and says when the set-up
// screen may go on. No rule about what a valid key is lives here.
import type { AppError } from '../bindings';
import { placeError } from '../shared/errors';

/** The key's groups as the core wrote them ("0A1B-2C3D-…" → ["0A1B", "2C3D", …]). */
export function keyGroups(text: string): string[] {
  return text
    .trim()
    .split(/[-\s]+/)
    .filter((g) => g !== '');
}

/** Groups in rows of `perRow` (four rows of four: easy to copy by hand and to read back). */
export function keyRows(groups: readonly string[], perRow = 4): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < groups.length; i += perRow) rows.push(groups.slice(i, i + perRow));
  return rows;
}

/**
 * After set-up, the screen goes on to the login only once the supervisor ticked "written
 * down or printed, kept by the security office"; while the key is being fetched or the
 * print dialog is open, not at all.
 */
export function canContinue(state: { confirmed: boolean; busy: boolean }): boolean {
  return state.confirmed && !state.busy;
}

/** The two inputs of a restore form; errors about anything else show at the file. */
export const RESTORE_FIELDS = ['backup_file', 'recovery_key'] as const;
export type RestoreField = (typeof RESTORE_FIELDS)[number];

/**
 * Where a restore error shows: at the recovery key when the core names it (wrong key, bad
 * format, key needed), else at the backup file (not a backup, another site, a foreign or
 * newer schema, a damaged file: all about the file chosen).
 */
export function restoreErrorField(err: AppError): RestoreField {
  return placeError(err, RESTORE_FIELDS) === 'recovery_key' ? 'recovery_key' : 'backup_file';
}
