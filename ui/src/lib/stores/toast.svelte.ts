// The one toast on screen (success after a save, or an error that has no form to sit in).
// One at a time, replaced by the next, so the guard never has to dismiss a pile.
export type ToastKind = 'success' | 'error';

export const toast = $state<{ text: string; kind: ToastKind; seq: number }>({ text: '', kind: 'success', seq: 0 });

let timer: ReturnType<typeof setTimeout> | null = null;

export function showToast(text: string, kind: ToastKind = 'success', ms = kind === 'error' ? 8000 : 4000): void {
  toast.text = text;
  toast.kind = kind;
  toast.seq += 1;
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(dismissToast, ms);
}

export function dismissToast(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  toast.text = '';
}
