// The keys of a keyboard-first form (visitor form, vehicle form, deliveries, exit permits,
// pass issue): Esc clears, Enter saves, except where Enter already means something (a
// button presses, a textarea takes a new line, Alt/Ctrl+Enter belong to the app) and while
// an IME is composing (Enter there picks the characters). The form's own extra keys
// (Alt+R, Alt+P of the visitor form) are its business.

/** What a key does in a form: `clear`, `save`, or nothing (null). */
export type FormKey = 'clear' | 'save' | null;

type KeyLike = Pick<KeyboardEvent, 'key' | 'isComposing' | 'keyCode' | 'altKey' | 'ctrlKey'> & {
  target: EventTarget | null;
};

/** True while an input method is composing (Chinese input): keys belong to the IME. */
export function composing(e: Pick<KeyboardEvent, 'isComposing' | 'keyCode'>): boolean {
  return e.isComposing || e.keyCode === 229;
}

export function formKey(e: KeyLike): FormKey {
  if (composing(e)) return null;
  if (e.key === 'Escape') return 'clear';
  if (e.key !== 'Enter' || e.altKey || e.ctrlKey) return null;
  const tag = (e.target as { tagName?: string } | null)?.tagName;
  return tag === 'BUTTON' || tag === 'TEXTAREA' ? null : 'save';
}

/** A form's keydown handler: Esc runs `clear`, Enter runs `save` (see formKey); true when
 *  the key was taken (its default prevented). */
export function handleFormKey(e: KeyboardEvent, actions: { save: () => void; clear: () => void }): boolean {
  const what = formKey(e);
  if (what === null) return false;
  e.preventDefault();
  if (what === 'clear') actions.clear();
  else actions.save();
  return true;
}
