// The one toast on screen (success after a save, or an error that has no form to sit in).
// One at a time, replaced by the next, so the guard never has to dismiss a pile.
// A toast may carry one action (e.g. "打印回执" after a registration).
export type ToastKind = 'success' | 'error';

export interface ToastAction {
  label: string;
  run: () => void;
}

export const toast = $state<{ text: string; kind: ToastKind; seq: number; action: ToastAction | null }>({
  text: '',
  kind: 'success',
  seq: 0,
  action: null,
});

let timer: ReturnType<typeof setTimeout> | null = null;

export function showToast(
  text: string,
  kind: ToastKind = 'success',
  ms = kind === 'error' ? 8000 : 4000,
  action: ToastAction | null = null,
): void {
  toast.text = text;
  toast.kind = kind;
  toast.action = action;
  toast.seq += 1;
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(dismissToast, ms);
}

export function dismissToast(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  toast.text = '';
  toast.action = null;
}
