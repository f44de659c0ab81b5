// What the reports print container (ReportsPrintArea, in App) shows: the statistics report
// of a range (A4). Set just before printing or saving a PDF and cleared afterwards; setting
// it clears the visitor, duty and pass print jobs, so one layout is on paper at a time.
import { tick } from 'svelte';
import * as api from '../api';
import type { Overview } from '../bindings';
import { dutyPrint } from '../duty/duty-print.svelte';
import { passPrint } from '../passes/passPrint.svelte';
import { printJob } from '../visitors/print.svelte';

export const reportsPrint = $state<{ overview: Overview | null }>({ overview: null });

export function clearReportsPrint(): void {
  reportsPrint.overview = null;
}

function take(overview: Overview): void {
  printJob.kind = null;
  dutyPrint.kind = null;
  passPrint.kind = null;
  reportsPrint.overview = overview;
}

/** Prints the report (system dialog) or saves it as exports/reports-….pdf (resolves to the path). */
export async function printReports(overview: Overview, to: 'printer' | 'pdf'): Promise<string | null> {
  take(overview);
  await tick();
  if (to === 'printer') {
    window.addEventListener('afterprint', clearReportsPrint, { once: true });
    window.print();
    return null;
  }
  try {
    return await api.savePagePdf('reports');
  } finally {
    clearReportsPrint();
  }
}
