import { describe, expect, it } from 'vitest';
import type { BackupStatus } from '../bindings';
import { backupLine, listedName, parseDataSettings, personName } from './backup-view';

const status = (over: Partial<BackupStatus>): BackupStatus => ({
  folder: '/media/usb',
  keep: 7,
  last: null,
  lastOkAtMs: null,
  warning: null,
  ...over,
});

describe('parseDataSettings', () => {
  it('takes whole numbers, full-width digits too, and trims the folder', () => {
    expect(parseDataSettings({ retentionDays: ' １８０ ', backupDir: ' /media/usb ', backupKeep: '7' })).toEqual({
      retentionDays: 180,
      backupDir: '/media/usb',
      backupKeep: 7,
    });
  });

  it('names the field that is not a number instead of sending NaN', () => {
    const err = parseDataSettings({ retentionDays: 'half a year', backupDir: '', backupKeep: '7' });
    expect(err).toMatchObject({ code: 'not_a_number', field: 'retention_days' });
    const keep = parseDataSettings({ retentionDays: '180', backupDir: '', backupKeep: '' });
    expect(keep).toMatchObject({ code: 'not_a_number', field: 'backup_keep' });
  });

  it('leaves the range to the core (5 days goes through and the core refuses it)', () => {
    expect(parseDataSettings({ retentionDays: '5', backupDir: '', backupKeep: '7' })).toMatchObject({ retentionDays: 5 });
  });
});

describe('backupLine', () => {
  it('is quiet when the core has no warning', () => {
    expect(backupLine(status({}))).toEqual({ tone: 'ok', warning: null });
  });

  it('warns in red when the last backup failed or none succeeded for a day', () => {
    expect(backupLine(status({ warning: 'last_failed' }))).toEqual({ tone: 'danger', warning: 'backup.warnFailed' });
    expect(backupLine(status({ warning: 'overdue' }))).toEqual({ tone: 'danger', warning: 'backup.warnOverdue' });
  });

  it('warns when no folder is set', () => {
    expect(backupLine(status({ folder: '', warning: 'no_folder' }))).toEqual({ tone: 'warn', warning: 'backup.warnNoFolder' });
  });
});

describe('purged names', () => {
  it('reads as removed, never blank', () => {
    expect(personName('', true, '已清除（超过保留期）')).toBe('已清除（超过保留期）');
    expect(personName('张伟', false, 'Removed')).toBe('张伟');
    expect(listedName('', 'Removed')).toBe('Removed');
    expect(listedName('李娜', 'Removed')).toBe('李娜');
  });
});
