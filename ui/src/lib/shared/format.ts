// Display formatting of instants and durations. The core stores UTC milliseconds; the
// guard sees local wall-clock time. Formats are fixed (24 h, zero-padded) rather than
// Intl-dependent so both languages read the same at a glance.
import type { Dictionary } from '../i18n/types';
import { interpolate } from '../i18n/translate';

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time "HH:mm:ss" (status bar clock). */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local time "HH:mm" (time in). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Local date "YYYY-MM-DD". */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Local "HH:mm" when `ms` falls on the same local day as `nowMs`, else "YYYY-MM-DD HH:mm":
 * an account locked until tomorrow morning must not read like this morning.
 */
export function formatDateTime(ms: number, nowMs: number): string {
  return formatDate(ms) === formatDate(nowMs) ? formatTime(ms) : `${formatDate(ms)} ${formatTime(ms)}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long someone has been on site, e.g. "1小时5分" / "1 h 5 min". Rounds down; a
 * negative span (clock moved back) reads as under a minute rather than a minus sign.
 */
export function formatDuration(ms: number, dict: Dictionary): string {
  const span = Math.max(0, Math.floor(ms));
  if (span < MINUTE) return dict.duration.lessThanMinute;
  if (span < HOUR) return interpolate(dict.duration.minutes, { m: Math.floor(span / MINUTE) });
  if (span < DAY) {
    return interpolate(dict.duration.hoursMinutes, {
      h: Math.floor(span / HOUR),
      m: Math.floor((span % HOUR) / MINUTE),
    });
  }
  return interpolate(dict.duration.daysHours, {
    d: Math.floor(span / DAY),
    h: Math.floor((span % DAY) / HOUR),
  });
}

/**
 * A masked document number, shorter for narrow columns: a run of mask characters becomes
 * four ("**************002X" → "****002X"). Still only the last four characters show.
 */
export function shortMasked(masked: string): string {
  return masked.replace(/[*＊•]{5,}/g, '****');
}
