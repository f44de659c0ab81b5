// Retention and backup screens' logic (issue 7): the data-settings form's parsing, the
// dashboard's backup line, and how a purged person's name reads. The rules themselves (due,
// overdue, which files are backups) are the core's; this only chooses words and colours.
import type { AppError, BackupStatus, DataSettings } from '../bindings';
import { uiError } from '../shared/errors';
import type { Key } from '../i18n/types';
import { toAsciiDigits } from '../shared/input';

export interface DataSettingsForm {
  retentionDays: string;
  backupDir: string;
  backupKeep: string;
}

export const DATA_SETTINGS_FIELDS = ['retention_days', 'backup_dir', 'backup_keep'] as const;

/** The form as the core takes it, or an error naming the field (never NaN to the core). */
export function parseDataSettings(form: DataSettingsForm): DataSettings | AppError {
  const whole = (text: string, field: string): number | AppError => {
    const clean = toAsciiDigits(text.trim());
    return /^\d{1,6}$/.test(clean) ? Number(clean) : uiError('not_a_number', field);
  };
  const retentionDays = whole(form.retentionDays, 'retention_days');
  if (typeof retentionDays !== 'number') return retentionDays;
  const backupKeep = whole(form.backupKeep, 'backup_keep');
  if (typeof backupKeep !== 'number') return backupKeep;
  return { retentionDays, backupDir: form.backupDir.trim(), backupKeep };
}

export type BackupTone = 'ok' | 'warn' | 'danger';

export interface BackupLine {
  tone: BackupTone;
  /** The warning to show in large type, if any. */
  warning: Key | null;
}

/** How the dashboard shows the backup state: failed or overdue is red, no folder amber. */
export function backupLine(status: BackupStatus): BackupLine {
  switch (status.warning) {
    case 'no_folder':
      return { tone: 'warn', warning: 'backup.warnNoFolder' };
    case 'last_failed':
      return { tone: 'danger', warning: 'backup.warnFailed' };
    case 'overdue':
      return { tone: 'danger', warning: 'backup.warnOverdue' };
    default:
      return { tone: 'ok', warning: null };
  }
}

/** A person's name on screen: the retention label once the record was purged. */
export function personName(name: string, purged: boolean, removed: string): string {
  return purged ? removed : name;
}

/** A name from a list that carries no purged flag (linked visitors): empty means purged. */
export function listedName(name: string, removed: string): string {
  return name.trim() === '' ? removed : name;
}
