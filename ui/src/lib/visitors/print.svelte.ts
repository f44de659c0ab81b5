// What the print-only container (PrintArea, in App) shows: a visitor slip or the
// evacuation roster. CSS `@media print` hides the app and shows only that container,
// so both `window.print()` and `save_page_pdf` print exactly this layout.
import { tick } from 'svelte';
import * as api from '../api';
import type { Roster, VisitSlip } from '../bindings';

export type PrintKind = 'slip' | 'roster';

export const printJob = $state<{ kind: PrintKind | null; slip: VisitSlip | null; roster: Roster | null }>({
  kind: null,
  slip: null,
  roster: null,
});

/** The slip dialog (preview + print buttons) for one visit. */
export const slipDialog = $state<{ visitId: number | null }>({ visitId: null });

export function openSlip(visitId: number): void {
  slipDialog.visitId = visitId;
}

export function closeSlip(): void {
  slipDialog.visitId = null;
}

export function setSlip(slip: VisitSlip): void {
  printJob.slip = slip;
  printJob.kind = 'slip';
}

export function setRoster(roster: Roster): void {
  printJob.roster = roster;
  printJob.kind = 'roster';
}

/** Opens the system print dialog for the current layout (a real printer). */
export async function printLayout(): Promise<void> {
  await tick();
  window.print();
}

/** The paper each layout is drawn for (its CSS `@page size`). */
const PAPER: Record<PrintKind, api.Paper> = { slip: 'a5', roster: 'a4' };

/** Saves the current layout as a PDF in exports/; resolves to the file's path. */
export async function saveLayoutPdf(name: PrintKind): Promise<string> {
  await tick();
  return api.savePagePdf(name, PAPER[name]);
}
