// Idle-lock timing, free of the DOM so it can be tested with fake timers.
// - After `idleMs` without activity, `onIdle` fires once (the app then locks the session).
// - While the user is active, `onTouch` fires at most once per `touchEveryMs`, so the
//   core's own idle timeout is kept fresh without an IPC call on every key press.
// Activity only records a timestamp; the single timer re-arms itself when it fires early,
// so a stream of mouse moves costs no timer churn.

export interface IdleOptions {
  idleMs: number;
  touchEveryMs: number;
  onIdle: () => void;
  onTouch: () => void;
  now?: () => number;
}

export class IdleWatcher {
  private readonly opts: Required<IdleOptions>;
  private lastActivity = 0;
  private lastTouch = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;

  constructor(opts: IdleOptions) {
    this.opts = { now: () => Date.now(), ...opts };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts watching; logging in or unlocking just counted as a touch. */
  start(): void {
    this.stop();
    this.running = true;
    const now = this.opts.now();
    this.lastActivity = now;
    this.lastTouch = now;
    this.arm(this.opts.idleMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Changes the idle limit (settings saved) without losing the current activity time. */
  setIdleMs(idleMs: number): void {
    this.opts.idleMs = idleMs;
    if (this.running) this.arm(Math.max(0, this.lastActivity + idleMs - this.opts.now()));
  }

  /** Call on every key press, click, pointer move... */
  activity(): void {
    if (!this.running) return;
    const now = this.opts.now();
    this.lastActivity = now;
    if (now - this.lastTouch >= this.opts.touchEveryMs) {
      this.lastTouch = now;
      this.opts.onTouch();
    }
  }

  private arm(delay: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = null;
    if (!this.running) return;
    const left = this.lastActivity + this.opts.idleMs - this.opts.now();
    if (left > 0) {
      this.arm(left);
      return;
    }
    this.running = false;
    this.opts.onIdle();
  }
}

/** DOM events that count as the guard being at the keyboard or mouse. */
export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

/** Feeds DOM activity on `target` into `watcher`; returns the detach function. */
export function watchActivity(target: EventTarget, watcher: IdleWatcher): () => void {
  const handler = () => watcher.activity();
  for (const name of ACTIVITY_EVENTS) target.addEventListener(name, handler, { passive: true, capture: true });
  return () => {
    for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, handler, { capture: true });
  };
}
