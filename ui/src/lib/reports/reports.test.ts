import { describe, expect, it } from 'vitest';
import type { AppError } from '../bindings';
import { customRange, hourBars, niceCeiling, peakHour, presetRange, weekday } from './reports';

describe('date range presets', () => {
  it('today is the current duty day alone', () => {
    expect(presetRange('today', '2026-11-28')).toEqual({ from: '2026-11-28', to: '2026-11-28' });
  });
  it('this week starts on Monday', () => {
    // 2026-11-28 is a Saturday.
    expect(weekday('2026-11-28')).toBe(5);
    expect(presetRange('week', '2026-11-28')).toEqual({ from: '2026-11-23', to: '2026-11-28' });
    expect(presetRange('week', '2026-11-23')).toEqual({ from: '2026-11-23', to: '2026-11-23' });
    // A Sunday belongs to the week that began six days before, across a month end.
    expect(presetRange('week', '2026-03-01')).toEqual({ from: '2026-02-23', to: '2026-03-01' });
  });
  it('this month starts on the first', () => {
    expect(presetRange('month', '2026-11-28')).toEqual({ from: '2026-11-01', to: '2026-11-28' });
  });
});

describe('custom range', () => {
  it('normalises what the guard typed', () => {
    expect(customRange('2026/11/1', '２０２６年11月28日')).toEqual({ from: '2026-11-01', to: '2026-11-28' });
  });
  it('names the field of the first problem', () => {
    const err = (r: ReturnType<typeof customRange>) => [(r as AppError).field, (r as AppError).code];
    expect(err(customRange('', '2026-11-28'))).toEqual(['from', 'required']);
    expect(err(customRange('11/28', '2026-11-28'))).toEqual(['from', 'date_format']);
    expect(err(customRange('2026-11-28', 'x'))).toEqual(['to', 'date_format']);
    expect(err(customRange('2026-02-30', '2026-03-01'))).toEqual(['from', 'date_format']);
    expect(err(customRange('2026-11-28', '2026-11-27'))).toEqual(['to', 'range_reversed']);
  });
});

describe('visitors-per-hour chart', () => {
  it('scales to a nice ceiling', () => {
    expect([0, 1, 3, 7, 10, 11, 48, 120].map(niceCeiling)).toEqual([1, 1, 5, 10, 10, 20, 50, 200]);
  });
  it('draws 24 bars, the tallest reaching the top of the scale in proportion', () => {
    const hours = Array(24).fill(0);
    hours[9] = 10;
    hours[14] = 5;
    const g = hourBars(hours, 600, 200);
    expect(g.bars).toHaveLength(24);
    expect(g.max).toBe(10);
    const nine = g.bars[9]!;
    const two = g.bars[14]!;
    expect(nine.y).toBeCloseTo(g.plotTop);
    expect(two.height).toBeCloseTo(nine.height / 2);
    expect(g.bars[0]!.height).toBe(0);
    expect(g.bars.every((b, i) => i === 0 || b.x > g.bars[i - 1]!.x)).toBe(true);
    expect(g.ticks.map((t) => t.value)).toEqual([0, 5, 10]);
  });
  it('an empty range still has a scale and no bar height', () => {
    const g = hourBars([], 600, 200);
    expect(g.max).toBe(1);
    expect(g.bars.every((b) => b.height === 0)).toBe(true);
    expect(peakHour([])).toBeNull();
  });
  it('finds the busiest hour, the earliest of equals', () => {
    const hours = Array(24).fill(0);
    hours[8] = 4;
    hours[17] = 4;
    expect(peakHour(hours)).toBe(8);
  });
});
