// Generated with the bindings (src/bindings.rs) from the core's duty rules: do not edit.
import type { IncidentCategory } from './IncidentCategory';

/** Every incident category, in the order the form offers them. */
export const INCIDENT_CATEGORIES: readonly IncidentCategory[] = ['fire', 'fight', 'forced_entry', 'injury', 'theft', 'other'];
/** Incidents that must say whom they were reported to and when (fire, fight, forced entry, injury, theft). */
export const SERIOUS_INCIDENT_CATEGORIES: readonly IncidentCategory[] = ['fire', 'fight', 'forced_entry', 'injury', 'theft'];
/** Re-checks that reopened an item this many times make it a repeat problem (屡查屡犯). */
export const REPEAT_AFTER_REOPENINGS = 2;
