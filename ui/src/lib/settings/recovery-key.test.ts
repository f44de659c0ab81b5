import { describe, expect, it } from 'vitest';
import { uiError } from '../shared/errors';
import { canContinue, keyGroups, keyRows, restoreErrorField } from './recovery-key';

const KEY = '0A1B-2C3D-4E5F-6071-8293-A4B5-C6D7-E8F9-0011-2233-4455-6677-8899-AABB-CCDD-EEFF';

describe('keyGroups / keyRows', () => {
  it('splits the core text into its 16 groups of 4, in order', () => {
    const groups = keyGroups(KEY);
    expect(groups).toHaveLength(16);
    expect(groups.every((g) => g.length === 4)).toBe(true);
    expect(groups.join('-')).toBe(KEY);
  });

  it('tolerates surrounding space and spaces between groups', () => {
    expect(keyGroups(`  0A1B 2C3D-4E5F\n`)).toEqual(['0A1B', '2C3D', '4E5F']);
    expect(keyGroups('')).toEqual([]);
  });

  it('lays 16 groups out as four rows of four', () => {
    const rows = keyRows(keyGroups(KEY));
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.length)).toEqual([4, 4, 4, 4]);
    expect(rows[3][3]).toBe('EEFF');
    expect(keyRows(['a', 'b', 'c'], 2)).toEqual([['a', 'b'], ['c']]);
  });
});

describe('canContinue', () => {
  it('needs the confirmation ticked', () => {
    expect(canContinue({ confirmed: false, busy: false })).toBe(false);
    expect(canContinue({ confirmed: true, busy: false })).toBe(true);
  });

  it('waits while the sheet is being prepared or printed', () => {
    expect(canContinue({ confirmed: true, busy: true })).toBe(false);
  });
});

describe('restoreErrorField', () => {
  it('shows key errors at the recovery key', () => {
    for (const code of ['backup_other_key', 'recovery_key_format', 'backup_needs_recovery_key']) {
      expect(restoreErrorField(uiError(code, 'recovery_key')), code).toBe('recovery_key');
    }
  });

  it('shows everything else at the backup file, with or without a field', () => {
    expect(restoreErrorField(uiError('backup_other_site', 'backup_file'))).toBe('backup_file');
    expect(restoreErrorField(uiError('schema_foreign'))).toBe('backup_file');
    expect(restoreErrorField(uiError('required', 'backup_file'))).toBe('backup_file');
    expect(restoreErrorField(uiError('internal', 'something_else'))).toBe('backup_file');
  });
});
