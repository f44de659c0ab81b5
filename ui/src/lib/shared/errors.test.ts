// Error-to-message mapping: codes, params, field labels, unknown codes, placement.
import { describe, expect, it } from 'vitest';
import type { AppError } from '../bindings';
import { errorMessage, fieldLabel, placeError, uiError } from './errors';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';

function err(code: string, field: string | null = null, params: Record<string, string> = {}): AppError {
  return { kind: 'invalid', code: code as AppError['code'], field, params, message: `english log text for ${code}` };
}

describe('errorMessage', () => {
  it('replaces {field} with the translated field label', () => {
    expect(errorMessage(err('required', 'host'), zhCN)).toBe('请填写被访人');
    expect(errorMessage(err('required', 'host'), en)).toBe('Host is required');
    expect(errorMessage(err('required', 'id_number'), zhCN)).toBe('请填写身份证号');
  });

  it('interpolates params', () => {
    expect(errorMessage(err('too_long', 'name', { max: '50' }), zhCN)).toBe('姓名太长，最多 50 个字');
    expect(errorMessage(err('wrong_pin', 'pin', { remaining: '3' }), zhCN)).toBe('密码错误，还可以尝试 3 次');
    expect(errorMessage(err('out_of_range', 'duty_day_start_hour', { min: '0', max: '23' }), en)).toBe(
      'Duty day starts at (hour) must be between 0 and 23',
    );
  });

  it('names both fields of an end before its start, and each single bound', () => {
    const backwards = err('ends_before_start', 'valid_to_ms', { startField: 'valid_from_ms' });
    expect(errorMessage(backwards, zhCN)).toBe('失效时间须晚于生效时间');
    expect(errorMessage(backwards, en)).toBe('Valid to must be later than Valid from');
    expect(errorMessage(err('ends_before_start', 'replacement_to_ms', { startField: 'replacement_from_ms' }), zhCN)).toBe(
      '回岗时间须晚于离岗时间',
    );
    expect(errorMessage(err('below_minimum', 'max_uses', { min: '1' }), zhCN)).toBe('次数上限至少为 1');
    expect(errorMessage(err('not_positive', 'item_quantity'), zhCN)).toMatch(/须大于 0$/);
    expect(errorMessage(err('validity_too_long', 'valid_to_ms', { max: '400' }), en)).toBe('A pass is valid for at most 400 days');
  });

  it('shows account_locked untilMs as local time and how many minutes to wait, in both languages', () => {
    const now = new Date(2025, 2, 7, 9, 0, 0).getTime();
    const until = new Date(2025, 2, 7, 9, 15, 0).getTime();
    const msg = errorMessage(err('account_locked', 'pin', { untilMs: String(until), waitMinutes: '15' }), zhCN, now);
    expect(msg).toContain('09:15');
    expect(msg).toContain('等 15 分钟');
    expect(msg).not.toContain(String(until));
    const tomorrow = new Date(2025, 2, 8, 1, 5, 0).getTime();
    const english = errorMessage(err('account_locked', null, { untilMs: String(tomorrow), waitMinutes: '2' }), en, now);
    expect(english).toContain('2025-03-08 01:05');
    expect(english).toContain('wait 2 min');
  });

  it('uses a generic translated message for an unknown code, never the English text', () => {
    const msg = errorMessage(err('brand_new_code'), zhCN);
    expect(msg).toBe(zhCN.errors.unknown);
    expect(msg).not.toContain('english log text');
  });

  it('uses a generic label for an unknown or missing field', () => {
    expect(errorMessage(err('required', 'shoe_size'), zhCN)).toBe('请填写此项');
    expect(errorMessage(err('required', null), en)).toBe('This field is required');
  });

  it('handles the UI-only codes', () => {
    expect(errorMessage(uiError('pin_confirm_mismatch', 'pin_confirm'), zhCN)).toBe('两次输入的密码不一致');
  });
});

describe('fieldLabel', () => {
  it('translates snake_case field names', () => {
    expect(fieldLabel('site_name', zhCN)).toBe('单位名称');
    expect(fieldLabel('gate_name', en)).toBe('Gate name');
    expect(fieldLabel(undefined, en)).toBe('This field');
  });
});

describe('placeError', () => {
  const fields = ['name', 'id_number', 'host', 'purpose'];
  it('puts a field error at its input', () => {
    expect(placeError(err('required', 'host'), fields)).toBe('host');
  });
  it('makes errors without a known field form-level', () => {
    expect(placeError(err('storage_full'), fields)).toBeNull();
    expect(placeError(err('required', 'site_name'), fields)).toBeNull();
  });
  it('follows aliases', () => {
    expect(placeError(err('guard_name_taken', 'name'), ['guard_name', 'pin'], { name: 'guard_name' })).toBe('guard_name');
  });
});
