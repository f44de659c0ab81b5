// Esc leaves full screen (issue 16) only when nothing else wants it: forms clear on Esc,
// dialogs and pickers close on it, and a guard closing a dialog must not lose full screen.
// Pure, so it is unit-tested without a window.

/** Whether this keydown should leave full screen. */
export function escLeavesFullScreen(
  e: Pick<KeyboardEvent, 'key' | 'defaultPrevented' | 'isComposing' | 'target'>,
  dialogOpen: boolean,
): boolean {
  if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing || dialogOpen) return false;
  const el = e.target as { tagName?: string; isContentEditable?: boolean } | null;
  const tag = el?.tagName?.toUpperCase() ?? '';
  return !(tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el?.isContentEditable === true);
}
