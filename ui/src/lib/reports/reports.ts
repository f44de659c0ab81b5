// The reports screen's logic, kept out of the components so it is unit-tested: the date
// range presets (today, this week, this month — of duty days, counted from the current
// duty day the core reports), the custom range as typed, and the geometry of the
// visitors-per-hour bar chart (an SVG drawn by HourChart.svelte; no chart library).
import type { AppError, RangeInput } from '../bindings';
import { addDays, normaliseDate } from '../duty/duty-form';

export type Preset = 'today' | 'week' | 'month' | 'custom';
export const PRESETS: readonly Preset[] = ['today', 'week', 'month', 'custom'];

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day of the week of "YYYY-MM-DD", Monday = 0 … Sunday = 6. */
export function weekday(day: string): number {
  const m = DAY_RE.exec(day);
  if (!m) return 0;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (d.getUTCDay() + 6) % 7;
}

/** The range a preset stands for, ending on `today` (the current duty day). */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): RangeInput {
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'week':
      return { from: addDays(today, -weekday(today)), to: today };
    case 'month':
      return { from: `${today.slice(0, 8)}01`, to: today };
  }
}

function invalid(field: 'from' | 'to', code: AppError['code']): AppError {
  return { kind: 'invalid', code, field, params: {}, message: '' };
}

/** True for a real calendar day written `YYYY-MM-DD` (not 2026-02-30). */
function isDay(day: string): boolean {
  const m = DAY_RE.exec(day);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * A date range as typed ("2026/11/1", full-width digits…) → `YYYY-MM-DD` at each end ('' for
 * an empty end when `required` is false), or the first problem naming its field. Used by the
 * reports' custom range (both ends required) and the search filters (each end optional). The
 * core checks again (order, length): this only saves a round trip.
 */
export function typedRange(fromText: string, toText: string, required: boolean): RangeInput | AppError {
  const from = normaliseDate(fromText);
  const to = normaliseDate(toText);
  for (const [field, day] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (day === '') {
      if (required) return invalid(field, 'required');
    } else if (!isDay(day)) {
      return invalid(field, 'date_format');
    }
  }
  if (from !== '' && to !== '' && to < from) return invalid('to', 'range_reversed');
  return { from, to };
}

/** The reports' custom range: both ends required. */
export function customRange(fromText: string, toText: string): RangeInput | AppError {
  return typedRange(fromText, toText, true);
}

export interface Bar {
  hour: number;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartGeometry {
  bars: Bar[];
  /** The top of the scale (a "nice" number ≥ the largest count, at least 1). */
  max: number;
  /** Grid lines: counts and their y. */
  ticks: { value: number; y: number }[];
  /** Where the bars stand and how tall the plot is. */
  baseline: number;
  plotTop: number;
}

/** 1, 2, 5, 10, 20, 50 … the smallest of these ≥ n. */
export function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= n) return step * power;
  }
  return 10 * power;
}

/** Bars for 24 hourly counts in a `width` × `height` box, with room for axis labels. */
export function hourBars(perHour: readonly number[], width: number, height: number): ChartGeometry {
  const left = 36;
  const right = 8;
  // Room above the tallest bar for its count label.
  const plotTop = 22;
  const baseline = height - 22;
  const counts = Array.from({ length: 24 }, (_, h) => Math.max(0, perHour[h] ?? 0));
  const max = niceCeiling(Math.max(0, ...counts));
  const slot = (width - left - right) / 24;
  const plot = baseline - plotTop;
  const bars = counts.map((count, hour) => {
    const h = (count / max) * plot;
    return { hour, count, x: left + hour * slot + slot * 0.15, y: baseline - h, width: slot * 0.7, height: h };
  });
  const ticks = [0, max / 2, max]
    .filter((v, i, all) => Number.isInteger(v) && all.indexOf(v) === i)
    .map((value) => ({ value, y: baseline - (value / max) * plot }));
  return { bars, max, ticks, baseline, plotTop };
}

/** The busiest hour (the earliest of equals), or null when there are no visitors. */
export function peakHour(perHour: readonly number[]): number | null {
  let best: number | null = null;
  perHour.forEach((n, h) => {
    if (n > 0 && (best === null || n > (perHour[best] ?? 0))) best = h;
  });
  return best;
}
