// Dictionary completeness and interpolation.
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { interpolate, lookup, translate } from './translate';
import { FIELD_NAMES, KNOWN_ERROR_CODES } from './types';
import { zhCN } from './zh-CN';

/** Every leaf as [dotted key, value]. */
function leaves(node: unknown, prefix = ''): [string, unknown][] {
  if (typeof node !== 'object' || node === null) return [[prefix, node]];
  return Object.entries(node).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const zhLeaves = new Map(leaves(zhCN));
const enLeaves = new Map(leaves(en));

describe('dictionaries', () => {
  it('have exactly the same keys', () => {
    expect([...enLeaves.keys()].sort()).toEqual([...zhLeaves.keys()].sort());
  });

  it.each([
    ['zh-CN', zhLeaves],
    ['en', enLeaves],
  ])('%s has only non-empty strings', (_lang, map) => {
    for (const [key, value] of map) {
      expect(typeof value, key).toBe('string');
      expect((value as string).trim(), key).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    const names = (s: unknown) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, zh] of zhLeaves) {
      expect(names(enLeaves.get(key)), key).toEqual(names(zh));
    }
  });

  it('translate every error code the core sends, plus the UI-only ones', () => {
    for (const code of KNOWN_ERROR_CODES) {
      expect(lookup(zhCN, `errors.${code}`), code).toBeTruthy();
      expect(lookup(en, `errors.${code}`), code).toBeTruthy();
    }
    expect(lookup(zhCN, 'errors.pin_confirm_mismatch')).toBeTruthy();
    expect(lookup(zhCN, 'errors.unknown')).toBeTruthy();
  });

  it('label every field name', () => {
    for (const field of FIELD_NAMES) {
      expect(lookup(zhCN, `fields.${field}`), field).toBeTruthy();
      expect(lookup(en, `fields.${field}`), field).toBeTruthy();
    }
  });

  it('use the terms from FIELD.md in zh-CN', () => {
    expect(zhCN.fields.host).toBe('被访人');
    expect(zhCN.fields.purpose).toBe('事由');
    expect(zhCN.fields.id_number).toBe('身份证号');
    expect(zhCN.nav.visitors).toBe('访客登记');
    expect(zhCN.nav.handover).toBe('交接班');
    expect(zhCN.nav.duty).toBe('值班日志');
  });
});

describe('interpolate', () => {
  it('replaces named placeholders', () => {
    expect(interpolate('已登记：{name}', { name: '张三' })).toBe('已登记：张三');
    expect(interpolate('{a}-{b}-{a}', { a: 1, b: 'x' })).toBe('1-x-1');
  });

  it('formats numbers, including zero', () => {
    expect(interpolate('还可以尝试 {remaining} 次', { remaining: 0 })).toBe('还可以尝试 0 次');
  });

  it('leaves a placeholder without a value visible', () => {
    expect(interpolate('Hello {name}', {})).toBe('Hello {name}');
    expect(interpolate('Hello {name}')).toBe('Hello {name}');
  });

  it('does not treat inherited properties as params', () => {
    expect(interpolate('{toString}', {})).toBe('{toString}');
  });

  it('inserts values literally (no $-pattern or recursive expansion)', () => {
    expect(interpolate('{name}', { name: '$& {other}' })).toBe('$& {other}');
  });
});

describe('lookup / translate', () => {
  it('finds nested keys', () => {
    expect(lookup(en, 'nav.visitors')).toBe('Visitors');
    expect(translate(zhCN, 'onSite.count', { count: 3 })).toBe('在场 3 人');
  });

  it('returns undefined for missing or non-leaf keys', () => {
    expect(lookup(en, 'nav.nope')).toBeUndefined();
    expect(lookup(en, 'nav')).toBeUndefined();
    expect(lookup(en, 'errors.toString')).toBeUndefined();
  });

  it('falls back to the key itself rather than crashing', () => {
    expect(translate(en, 'no.such.key')).toBe('no.such.key');
  });
});
