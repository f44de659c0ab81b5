// The status bar's words for a clock the core does not believe (issue 15: behind the times
// already recorded, or more than a day since the last purge). Pure, so it is unit-tested
// (clock-doubt.test.ts); the core decides whether there is a doubt.
import type { ClockDoubt } from '../bindings';
import { formatDuration } from '../shared/format';
import { interpolate } from '../i18n/translate';
import type { Dictionary } from '../i18n/types';

/** The warning line for `doubt`. */
export function clockDoubtText(doubt: ClockDoubt, dict: Dictionary): string {
  return doubt.kind === 'behind'
    ? interpolate(dict.status.clockBehind, { span: formatDuration(doubt.behindMs, dict) })
    : interpolate(dict.status.clockJumped, { span: formatDuration(doubt.sinceLastRunMs, dict) });
}
