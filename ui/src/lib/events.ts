// A tiny event bus between the api module and the screens: the api module learns that
// the session got locked / logged out, or that a write succeeded, and the app decides
// what to show. Keeps api.ts free of Svelte state (and unit-testable in plain Node).
export type ApiEvent = 'session_locked' | 'not_logged_in' | 'write';
type Listener = (event: ApiEvent) => void;

const listeners = new Set<Listener>();

/** Subscribes; returns the unsubscribe function. */
export function onApiEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emitApiEvent(event: ApiEvent): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (e) {
      // One broken listener must not stop the lock screen from showing.
      console.error('api event listener failed', e);
    }
  }
}
