// The registration form's data, and its mapping to the core's `NewVisit`. Pure (no Svelte,
// no DOM) so every rule here is unit-tested: what the guard typed → what the core gets.
// The core validates everything again; this only cleans what the guard cannot see
// (spaces, full-width digits, lower-case x) and turns blanks into null.
import type { AppError, DocType, NewVisit, ReturningVisitor, SupervisorOverride } from '../bindings';
import { uiError } from '../shared/errors';
import { normaliseIdNumber, toAsciiDigits } from '../shared/input';

/** In the order of the select: 居民身份证 first (the default). */
export const DOC_TYPES: readonly DocType[] = ['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other'];

/** Common purposes (事由), as quick choices; the text is `purposes.<key>` in the dictionary. */
export const PURPOSE_KEYS = ['official', 'delivery', 'repair', 'visit', 'interview', 'parents', 'other'] as const;

/** Expected duration quick choices in minutes: 30分钟 / 1小时 / 2小时 / 半天. */
export const DURATION_CHOICES = [30, 60, 120, 240] as const;

export interface VisitForm {
  name: string;
  docType: DocType;
  idNumber: string;
  phone: string;
  organisation: string;
  host: string;
  /** Set when the host was picked from the staff directory; null for free text. */
  hostStaffId: number | null;
  purpose: string;
  companions: string;
  companionNames: string;
  itemsIn: string;
  plate: string;
  /** Minutes as typed ("90"), or hours ("2h", "1.5小时"); empty: not given. */
  expected: string;
  notes: string;
  hostConfirmed: boolean;
  hostConfirmedBy: string;
}

export function emptyForm(): VisitForm {
  return {
    name: '',
    docType: 'resident_id',
    idNumber: '',
    phone: '',
    organisation: '',
    host: '',
    hostStaffId: null,
    purpose: '',
    companions: '',
    companionNames: '',
    itemsIn: '',
    plate: '',
    expected: '',
    notes: '',
    hostConfirmed: false,
    hostConfirmedBy: '',
  };
}

/** Trimmed text, or null when nothing is left. */
export function textOrNull(text: string): string | null {
  const t = text.trim();
  return t === '' ? null : t;
}

/** Document number: resident IDs get the ID clean-up; others lose spaces and go upper-case. */
export function normaliseDocNumber(docType: DocType, text: string): string {
  if (docType === 'resident_id') return normaliseIdNumber(text);
  return toAsciiDigits(text.replace(/\s+/g, '')).toUpperCase();
}

/** Phone: ASCII digits, no spaces (a '+86' or a landline '-' stays for the core to read). */
export function normalisePhone(text: string): string {
  return toAsciiDigits(text.replace(/[\s\u3000]+/g, ''))
    .replace(/＋/g, '+')
    .replace(/[－—]/g, '-');
}

/** Plate: no spaces or dots, upper-case Latin letters, ASCII digits (京a·12345 → 京A12345). */
export function normalisePlate(text: string): string {
  return toAsciiDigits(text.replace(/[\s\u3000·.•・]+/g, ''))
    .replace(/[Ａ-Ｚａ-ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase();
}

/**
 * Expected duration in minutes: "" → null; "90" → 90; "2h" / "2小时" / "1.5 h" → hours.
 * Anything else → undefined (the form shows "not a number").
 */
export function parseExpectedMinutes(text: string): number | null | undefined {
  const t = toAsciiDigits(text.trim()).replace(/．/g, '.').toLowerCase();
  if (t === '') return null;
  if (/^\d{1,5}$/.test(t)) return Number(t);
  const m = /^(\d{1,3}(?:\.\d{1,2})?)\s*(?:h|hr|hrs|hours?|小时|时)$/.exec(t);
  if (m) return Math.round(Number(m[1]) * 60);
  const min = /^(\d{1,5})\s*(?:m|min|mins|minutes?|分钟|分)$/.exec(t);
  if (min) return Number(min[1]);
  return undefined;
}

/** Companions: "" → 0, digits → number, else undefined. */
export function parseCompanions(text: string): number | undefined {
  const t = toAsciiDigits(text.trim());
  if (t === '') return 0;
  return /^\d{1,3}$/.test(t) ? Number(t) : undefined;
}

/**
 * Worth asking the core about a returning visitor: a resident ID of 15 or 18 characters,
 * another document of at least 5, or a phone of at least 7 digits. Saves a call per blur
 * on half-typed values.
 */
export function plausibleDocNumber(docType: DocType, text: string): boolean {
  const n = normaliseDocNumber(docType, text);
  if (docType === 'resident_id') return /^(\d{15}|\d{17}[\dX])$/.test(n);
  return n.length >= 5;
}

export function plausiblePhone(text: string): boolean {
  return normalisePhone(text).replace(/\D/g, '').length >= 7;
}

export interface Extras {
  photo: number[] | null;
  acknowledgedWatchlist: number[];
  watchlistOverride: SupervisorOverride | null;
  /** The guard confirmed the expired-card warning of the ID card read into the form. */
  expiredCardConfirmed: boolean;
}

/** The form as the core's NewVisit, or the UI error for a field the guard must fix first. */
export function toNewVisit(form: VisitForm, extras: Extras): NewVisit | AppError {
  const companions = parseCompanions(form.companions);
  if (companions === undefined) return uiError('not_a_number', 'companions');
  const expectedMinutes = parseExpectedMinutes(form.expected);
  if (expectedMinutes === undefined) return uiError('not_a_number', 'expected_minutes');
  const host = form.host.trim();
  return {
    name: form.name.trim(),
    docType: form.docType,
    idNumber: normaliseDocNumber(form.docType, form.idNumber),
    phone: textOrNull(normalisePhone(form.phone)),
    organisation: textOrNull(form.organisation),
    hostStaffId: form.hostStaffId,
    host,
    purpose: form.purpose.trim(),
    companions,
    // Names of companions only make sense with companions.
    companionNames: companions > 0 ? textOrNull(form.companionNames) : null,
    itemsIn: textOrNull(form.itemsIn),
    plate: textOrNull(normalisePlate(form.plate)),
    expectedMinutes,
    notes: textOrNull(form.notes),
    // "Confirmed" without a name: the host confirmed it themself.
    hostConfirmedBy: form.hostConfirmed ? (textOrNull(form.hostConfirmedBy) ?? textOrNull(host)) : null,
    photo: extras.photo,
    acknowledgedWatchlist: [...extras.acknowledgedWatchlist],
    watchlistOverride: extras.watchlistOverride,
    expiredCardConfirmed: extras.expiredCardConfirmed,
  };
}

/**
 * Fills the empty fields of `form` from a returning visitor's last visit; what the guard
 * already typed is never overwritten. Returns the names of the fields it filled.
 */
export function applyReturning(form: VisitForm, last: ReturningVisitor): string[] {
  const filled: string[] = [];
  const fill = (key: 'name' | 'idNumber' | 'phone' | 'organisation' | 'purpose' | 'plate', value: string) => {
    if (form[key].trim() === '' && value.trim() !== '') {
      form[key] = value;
      filled.push(key);
    }
  };
  fill('name', last.name);
  // The document type goes with the number: only when the number is filled from it too.
  if (form.idNumber.trim() === '' && last.idNumber !== '') form.docType = last.docType;
  fill('idNumber', last.idNumber);
  fill('phone', last.phone);
  fill('organisation', last.organisation);
  if (form.host.trim() === '' && last.host.trim() !== '') {
    form.host = last.host;
    form.hostStaffId = last.hostStaffId;
    filled.push('host');
  }
  fill('purpose', last.purpose);
  fill('plate', last.plate);
  return filled;
}
