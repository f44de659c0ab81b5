// What the pass print container (PassPrintArea, in App) shows: one pass card (CR80),
// one A6 label, or an A4 sheet of cards with cut marks. Set just before printing or
// saving a PDF and cleared afterwards, so a later slip or roster print never carries a
// pass along. Clears the visitor print job too, for the same reason.
import { tick } from 'svelte';
import * as api from '../api';
import type { PassCard } from '../bindings';
import { printJob } from '../visitors/print.svelte';

export type PassPrintKind = 'pass-card' | 'pass-label' | 'pass-sheet';

export const passPrint = $state<{ kind: PassPrintKind | null; cards: PassCard[] }>({ kind: null, cards: [] });

const PDF_NAME: Record<PassPrintKind, 'pass' | 'pass-label' | 'pass-sheet'> = {
  'pass-card': 'pass',
  'pass-label': 'pass-label',
  'pass-sheet': 'pass-sheet',
};

/** The paper each layout is drawn for: the PDF page takes this size. */
const PDF_PAPER: Record<PassPrintKind, api.Paper> = { 'pass-card': 'cr80', 'pass-label': 'a6', 'pass-sheet': 'a4' };

function set(kind: PassPrintKind, cards: PassCard[]): void {
  printJob.kind = null;
  passPrint.kind = kind;
  passPrint.cards = cards;
}

export function clearPassPrint(): void {
  passPrint.kind = null;
  passPrint.cards = [];
}

/** The system print dialog for the layout; cleared once printing is over. */
export async function printPass(kind: PassPrintKind, cards: PassCard[]): Promise<void> {
  set(kind, cards);
  await tick();
  window.addEventListener('afterprint', clearPassPrint, { once: true });
  window.print();
}

/** Saves the layout as a PDF in exports/; resolves to the file's path. */
export async function savePassPdf(kind: PassPrintKind, cards: PassCard[]): Promise<string> {
  set(kind, cards);
  await tick();
  try {
    return await api.savePagePdf(PDF_NAME[kind], PDF_PAPER[kind]);
  } finally {
    clearPassPrint();
  }
}
