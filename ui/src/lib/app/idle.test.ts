// Idle-lock timer logic, with fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleWatcher, watchActivity } from './idle';

const MIN = 60_000;

describe('IdleWatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2025, 0, 1, 8, 0, 0));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function make(idleMinutes = 5) {
    const onIdle = vi.fn();
    const onTouch = vi.fn();
    const w = new IdleWatcher({ idleMs: idleMinutes * MIN, touchEveryMs: 30_000, onIdle, onTouch });
    return { w, onIdle, onTouch };
  }

  it('fires once after the idle time without activity', () => {
    const { w, onIdle } = make(5);
    w.start();
    vi.advanceTimersByTime(5 * MIN - 1);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60 * MIN);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(w.isRunning).toBe(false);
  });

  it('activity postpones the lock by the full idle time', () => {
    const { w, onIdle } = make(5);
    w.start();
    vi.advanceTimersByTime(4 * MIN);
    w.activity();
    vi.advanceTimersByTime(4 * MIN);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MIN);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('touches the session at most every 30 s while active', () => {
    const { w, onTouch } = make(5);
    w.start();
    // Start counts as a touch: activity right after must not call the core.
    for (let i = 0; i < 29; i++) {
      vi.advanceTimersByTime(1000);
      w.activity();
    }
    expect(onTouch).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    w.activity();
    expect(onTouch).toHaveBeenCalledTimes(1);
    w.activity();
    w.activity();
    expect(onTouch).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30_000);
    w.activity();
    expect(onTouch).toHaveBeenCalledTimes(2);
  });

  it('does not touch while idle (no activity)', () => {
    const { w, onTouch } = make(5);
    w.start();
    vi.advanceTimersByTime(4 * MIN);
    expect(onTouch).not.toHaveBeenCalled();
  });

  it('stop cancels the lock and ignores activity', () => {
    const { w, onIdle, onTouch } = make(1);
    w.start();
    w.stop();
    vi.advanceTimersByTime(10 * MIN);
    w.activity();
    expect(onIdle).not.toHaveBeenCalled();
    expect(onTouch).not.toHaveBeenCalled();
  });

  it('restarting after a lock arms a fresh timer', () => {
    const { w, onIdle } = make(1);
    w.start();
    vi.advanceTimersByTime(MIN);
    expect(onIdle).toHaveBeenCalledTimes(1);
    w.start();
    vi.advanceTimersByTime(MIN - 1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(2);
  });

  it('a shorter idle time applies at once, counted from the last activity', () => {
    const { w, onIdle } = make(10);
    w.start();
    vi.advanceTimersByTime(3 * MIN);
    w.setIdleMs(2 * MIN);
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('watchActivity feeds DOM events and detaches', () => {
    const { w, onIdle } = make(1);
    const target = new EventTarget();
    const detach = watchActivity(target, w);
    w.start();
    vi.advanceTimersByTime(50_000);
    target.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(50_000);
    expect(onIdle).not.toHaveBeenCalled();
    detach();
    vi.advanceTimersByTime(10_000);
    target.dispatchEvent(new Event('pointermove'));
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});
