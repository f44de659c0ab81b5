import { describe, expect, it } from 'vitest';
import { clockDoubtText } from './clock-doubt';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';

describe('clockDoubtText', () => {
  it('says how far behind the clock reads, in the UI language', () => {
    expect(clockDoubtText({ kind: 'behind', behindMs: 2 * 3_600_000 + 5 * 60_000 }, zhCN)).toContain('早 2小时5分');
    expect(clockDoubtText({ kind: 'behind', behindMs: 20 * 60_000 }, en)).toContain('reads 20 min earlier');
  });

  it('says how long since the last purge after a jump forward', () => {
    const text = clockDoubtText({ kind: 'jumped_forward', sinceLastRunMs: 400 * 86_400_000 }, zhCN);
    expect(text).toContain('已过 400天');
    expect(text).toContain('暂停清理');
    expect(clockDoubtText({ kind: 'jumped_forward', sinceLastRunMs: 3 * 86_400_000 }, en)).toMatch(/^3 d 0 h since the last data purge/);
  });
});
