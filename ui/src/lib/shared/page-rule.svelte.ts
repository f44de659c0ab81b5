// The page size of what a print container is printing: while it has a job, one <style> in
// <head> holds the job's `@page` rule (an @page rule cannot be switched by a class), tagged
// `data-print=<kind>`; it goes when the job ends. Used by every *PrintArea.svelte.

/** The A4 sheets: reports, duty report, handover slip, roster. */
export const A4_PAGE = '@page { size: A4 portrait; margin: 12mm; }';

export interface PageRule {
  kind: string;
  css: string;
}

/** Call from a print container's script; `current` says the job's rule, or null for none. */
export function pageRule(current: () => PageRule | null): void {
  $effect(() => {
    const page = current();
    if (!page) return;
    const style = document.createElement('style');
    style.dataset.print = page.kind;
    style.textContent = page.css;
    document.head.appendChild(style);
    return () => style.remove();
  });
}
