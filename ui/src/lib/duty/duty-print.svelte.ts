// What the duty section's print-only container (DutyPrintArea, in App) shows: a handover
// slip or the daily duty report (值班记录表). It works beside the visitor print container
// (print.svelte.ts): printing one of these clears that container's job, and a slip or
// roster print there hides this one (DutyPrintArea only shows while `printJob.kind` is
// null), so exactly one layout is on paper.
import { tick } from 'svelte';
import * as api from '../api';
import type { DutyReport, HandoverRow } from '../bindings';
import { isReprint } from '../handover/handover-wizard';
import { printJob } from '../visitors/print.svelte';

export type DutyPrintKind = 'handover' | 'duty-report';

export const dutyPrint = $state<{
  kind: DutyPrintKind | null;
  handover: HandoverRow | null;
  reprint: boolean;
  report: DutyReport | null;
}>({ kind: null, handover: null, reprint: false, report: null });

function take(kind: DutyPrintKind): void {
  printJob.kind = null;
  dutyPrint.kind = kind;
}

/**
 * Records the print with the core (it counts prints: the second and later are reprints),
 * then prints or saves the slip. Resolves to the saved file's path (PDF) or null, and the
 * row as it now is (with the new print count).
 */
export async function printHandover(handoverId: number, to: 'printer' | 'pdf'): Promise<{ row: HandoverRow; path: string | null }> {
  const row = await api.recordHandoverPrint(handoverId);
  dutyPrint.handover = row;
  dutyPrint.reprint = isReprint(row.prints);
  take('handover');
  await tick();
  if (to === 'printer') {
    window.print();
    return { row, path: null };
  }
  return { row, path: await api.savePagePdf('handover') };
}

/** Loads the daily duty report of `day`, then prints or saves it. */
export async function printDutyReport(day: string, to: 'printer' | 'pdf'): Promise<string | null> {
  dutyPrint.report = await api.getDutyReport(day);
  take('duty-report');
  await tick();
  if (to === 'printer') {
    window.print();
    return null;
  }
  return api.savePagePdf('duty-report');
}
