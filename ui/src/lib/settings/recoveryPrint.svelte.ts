// What the recovery-sheet print container (RecoveryPrintArea, in App) shows: the recovery
// key sheet for the security office (issue 13). It goes to the system print dialog only,
// never through save_page_pdf: a PDF of it would sit in exports/ beside the database, and
// the key must never be stored next to the data it opens. Set just before printing and
// cleared when the dialog closes (or the screen showing the key goes), so the key does not
// stay in the page. Setting it clears every other print job, so one layout is on paper.
// window.print() blocks until the GTK dialog is closed (STACK.md), so the sheet is cleared
// as soon as it returns: a later "save PDF" of a slip or report can never carry the key.
import { tick } from 'svelte';
import { dutyPrint } from '../duty/duty-print.svelte';
import { passPrint } from '../passes/passPrint.svelte';
import { printJob } from '../visitors/print.svelte';
import { reportsPrint } from '../reports/reportsPrint.svelte';

export interface RecoverySheet {
  siteName: string;
  gateName: string;
  recoveryKey: string;
  /** The key's QR code (SVG data URL from the core's `qr` module). */
  qrDataUrl: string;
  printedAtMs: number;
}

export const recoveryPrint = $state<{ sheet: RecoverySheet | null }>({ sheet: null });

export function clearRecoveryPrint(): void {
  recoveryPrint.sheet = null;
}

/** Opens the system print dialog with the recovery sheet; the sheet is cleared afterwards. */
export async function printRecoverySheet(sheet: RecoverySheet): Promise<void> {
  printJob.kind = null;
  dutyPrint.kind = null;
  passPrint.kind = null;
  reportsPrint.overview = null;
  recoveryPrint.sheet = sheet;
  await tick();
  try {
    window.print();
  } finally {
    clearRecoveryPrint();
  }
}
