// Status bar data from the core (refreshed on a timer and after every write) and the
// local one-second clock that also drives "time on site" durations.
import * as api from '../api';
import type { StatusBar } from '../bindings';

const STATUS_EVERY_MS = 5_000;

export const status = $state<{ bar: StatusBar | null; failed: boolean }>({ bar: null, failed: false });
export const clock = $state<{ now: number }>({ now: Date.now() });

let inFlight = false;

export async function refreshStatus(): Promise<void> {
  if (inFlight) return;
  inFlight = true;
  try {
    status.bar = await api.getStatus();
    status.failed = false;
  } catch {
    // Keep the last figures; a lock or logout is handled by the api events.
    status.failed = true;
  } finally {
    inFlight = false;
  }
}

/** Starts the clock and polling; returns the stop function (for an $effect). */
export function startStatus(): () => void {
  clock.now = Date.now();
  void refreshStatus();
  // Align ticks to the second boundary so the clock never shows a stale second.
  let tick: ReturnType<typeof setTimeout>;
  const schedule = () => {
    tick = setTimeout(
      () => {
        clock.now = Date.now();
        schedule();
      },
      1000 - (Date.now() % 1000) + 5,
    );
  };
  schedule();
  const poll = setInterval(() => void refreshStatus(), STATUS_EVERY_MS);
  return () => {
    clearTimeout(tick);
    clearInterval(poll);
  };
}
