// The watchlist gate in front of a save (visitor check-in, vehicle check-in, a registered
// car let through): one form's watchlist state and the steps around the save. The rules
// are watchflow.ts's (pure, tested there); this holds the flow, the banner's button to
// focus and the supervisor dialog (WatchOverride), so the visitor form and the vehicle
// desk do not each keep a copy of the same steps.
import { tick } from 'svelte';
import type { AppError, Screening, SupervisorOverride } from '../bindings';
import * as wf from './watchflow';

/** What a form does after the core refused its save (see WatchGate.failed). */
export type AfterFailure = 'dialog' | 'rescreen' | 'show';

/** How fresh hits join the flow: a new screening by default (the vehicle desk keeps an
 *  acknowledgement of the same hits: vehicle-form carryOver). */
export type Merge = (prev: wf.WatchFlow, key: string, screening: Screening) => wf.WatchFlow;

const fresh: Merge = (_prev, key, screening) => wf.afterScreen(key, screening);

export class WatchGate {
  flow = $state<wf.WatchFlow>(wf.initialFlow());
  /** The supervisor override dialog is open. */
  overrideOpen = $state(false);
  /** A PIN or role problem, shown in the dialog. */
  overrideError = $state<AppError | null>(null);
  /** The banner's acknowledge button (bound by the page), focused when it is needed. */
  ackButton = $state<HTMLButtonElement | undefined>();

  /** The banner's level for the flow, or null without hits. */
  get banner(): 'deny' | 'alert' | null {
    return wf.bannerLevel(this.flow);
  }

  /** The save's watchlist fields: acknowledged entries and the supervisor's approval. */
  get approvals(): { acknowledgedWatchlist: number[]; watchlistOverride: SupervisorOverride | null } {
    return { acknowledgedWatchlist: wf.acknowledgedIds(this.flow), watchlistOverride: this.flow.override };
  }

  reset(): void {
    this.flow = wf.initialFlow();
    this.overrideOpen = false;
    this.overrideError = null;
  }

  /** Screens `key` when it has not been (with `screen`; none: it stays unscreened), then
   *  true when the save may go ahead. Otherwise it stops at the acknowledgement (the
   *  banner's button gets the focus) or opens the supervisor dialog. */
  async cleared(key: string, screen: (() => Promise<Screening>) | null, merge: Merge = fresh): Promise<boolean> {
    if (wf.nextStep(this.flow, key) === 'screen' && screen) this.flow = merge(this.flow, key, await screen());
    const step = wf.nextStep(this.flow, key);
    if (step === 'acknowledge') {
      await tick();
      this.ackButton?.focus();
      return false;
    }
    if (step === 'override') {
      this.openOverride();
      return false;
    }
    return step === 'save';
  }

  /** The core refused the save with `e`: 'dialog' — a PIN or role problem, shown in the
   *  open dialog (the approval is dropped); 'rescreen' — the watchlist changed since the
   *  screening (first time only): screen again and retry; 'show' — the form shows it. */
  failed(e: AppError, retried: boolean): AfterFailure {
    if (this.overrideOpen && wf.isOverrideError(e)) {
      this.overrideError = e;
      this.flow = wf.withOverride(this.flow, null);
      return 'dialog';
    }
    this.overrideOpen = false;
    this.flow = wf.afterSaveError(this.flow, e);
    if ((e.code === 'watchlist_unacknowledged' || e.code === 'watchlist_denied') && !retried) return 'rescreen';
    return 'show';
  }

  acknowledge(): void {
    this.flow = wf.acknowledge(this.flow);
  }

  approve(o: SupervisorOverride): void {
    this.flow = wf.withOverride(this.flow, o);
  }

  openOverride(): void {
    this.overrideError = null;
    this.overrideOpen = true;
  }

  closeOverride(): void {
    this.overrideOpen = false;
    this.overrideError = null;
  }
}
