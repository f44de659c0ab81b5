// The one check-out dialog of the app: opened from the on-site board, the visits list,
// the slip-scan field or a scanner burst anywhere. Lives in the shell.
import * as api from '../api';
import type { AppError, VisitRow } from '../bindings';
import { uiError } from '../shared/errors';
import { toAsciiDigits } from '../shared/input';

export const checkout = $state<{ row: VisitRow | null; fromSlip: boolean; seq: number }>({
  row: null,
  fromSlip: false,
  seq: 0,
});

/** Listeners told when a check-out dialog closes (pages put focus back where it belongs). */
const closedListeners = new Set<(checkedOut: boolean) => void>();

export function onCheckoutClosed(listener: (checkedOut: boolean) => void): () => void {
  closedListeners.add(listener);
  return () => closedListeners.delete(listener);
}

export function openCheckout(row: VisitRow, fromSlip = false): void {
  checkout.row = row;
  checkout.fromSlip = fromSlip;
  checkout.seq += 1;
}

export function closeCheckout(checkedOut: boolean): void {
  checkout.row = null;
  checkout.fromSlip = false;
  for (const l of [...closedListeners]) l(checkedOut);
}

/** What a scanner (or the guard) typed, as the core's slip code: ASCII digits, no spaces. */
export function cleanSlipCode(text: string): string {
  return toAsciiDigits(text.replace(/[\s\u3000]+/g, ''));
}

/**
 * Looks a slip up and opens its check-out. Resolves to null when the dialog opened, else
 * the error to show (a bad code, an unknown visit, a visit already checked out).
 */
export async function scanSlip(text: string): Promise<AppError | null> {
  const code = cleanSlipCode(text);
  if (code === '') return uiError('required', 'slip_code');
  try {
    const row = await api.findVisitBySlip(code);
    if (row.checkedOutAtMs !== null) return { ...uiError('already_checked_out', 'slip_code'), kind: 'conflict' };
    openCheckout(row, true);
    return null;
  } catch (e) {
    const err = api.toAppError(e);
    // Whatever the core names, the slip field is where it shows.
    return { ...err, field: err.field ?? 'slip_code' };
  }
}
