// Time and duration formatting.
import { describe, expect, it } from 'vitest';
import { formatClock, formatDateTime, formatDuration, formatTime } from './format';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('formatDuration', () => {
  it('reads hours and minutes like a guard says them', () => {
    expect(formatDuration(HOUR + 5 * MIN, zhCN)).toBe('1小时5分');
    expect(formatDuration(HOUR + 5 * MIN, en)).toBe('1 h 5 min');
  });

  it('shows minutes only under an hour, rounding down', () => {
    expect(formatDuration(59 * MIN + 59_000, zhCN)).toBe('59分');
    expect(formatDuration(MIN, en)).toBe('1 min');
  });

  it('says under a minute for short or negative spans', () => {
    expect(formatDuration(30_000, zhCN)).toBe('不到1分钟');
    expect(formatDuration(-5 * MIN, en)).toBe('< 1 min');
  });

  it('keeps 0 minutes after full hours', () => {
    expect(formatDuration(2 * HOUR, zhCN)).toBe('2小时0分');
  });

  it('switches to days for overnight stays', () => {
    expect(formatDuration(26 * HOUR + 10 * MIN, zhCN)).toBe('1天2小时');
    expect(formatDuration(49 * HOUR, en)).toBe('2 d 1 h');
  });
});

describe('clock formats', () => {
  const ms = new Date(2025, 0, 2, 7, 4, 9).getTime();
  it('pads local time', () => {
    expect(formatClock(ms)).toBe('07:04:09');
    expect(formatTime(ms)).toBe('07:04');
  });
  it('adds the date only when it is not today', () => {
    expect(formatDateTime(ms, new Date(2025, 0, 2, 23, 0).getTime())).toBe('07:04');
    expect(formatDateTime(ms, new Date(2025, 0, 1, 23, 0).getTime())).toBe('2025-01-02 07:04');
  });
});

describe('shortMasked', () => {
  it('shortens the mask but never shows more than the core sent', async () => {
    const { shortMasked } = await import('./format');
    expect(shortMasked('**************002X')).toBe('****002X');
    expect(shortMasked('****5678')).toBe('****5678');
    expect(shortMasked('')).toBe('');
  });
});
