// The pick-up desk's form (中途离园登记) as pure functions, so the rules of the screen are
// unit-tested: which picker a key chooses, what is sent to the core and what is screened
// against the watchlist. The rules themselves (a picker not on the list is stopped until the
// class teacher confirms by name and how) live in the core (pickups::record): the form only
// collects what the core needs and shows the core's answer.
import type { ChildPickers, NewPickup, ScreenQuery, TeacherConfirmation } from '../bindings';
import { normaliseIdNumber } from '../shared/input';
import { normalisePhone } from './visit-form';

/** How a teacher may confirm, in the order the chips show (the core's TeacherConfirmation). */
export const CONFIRMATIONS: readonly TeacherConfirmation[] = ['phone', 'in_person', 'video'];

/** Who picks the child up: an entry of the child's list, or someone not on it. */
export type PickerChoice = { kind: 'listed'; id: number } | { kind: 'unlisted' } | null;

export interface PickupDraft {
  childName: string;
  className: string;
  /** The child chosen from the lists (null: typed by hand, not on any list). */
  child: ChildPickers | null;
  choice: PickerChoice;
  pickerName: string;
  relation: string;
  pickerIdNumber: string;
  pickerPhone: string;
  teacher: string;
  confirmation: TeacherConfirmation | null;
}

export function emptyDraft(): PickupDraft {
  return {
    childName: '',
    className: '',
    child: null,
    choice: null,
    pickerName: '',
    relation: '',
    pickerIdNumber: '',
    pickerPhone: '',
    teacher: '',
    confirmation: null,
  };
}

/**
 * The picker a key chooses for `child`: `1`…`9` the list's entries in order, `0` someone
 * not on the list; anything else (or a number past the list) chooses nothing.
 */
export function choiceForKey(key: string, child: ChildPickers | null): PickerChoice {
  if (key === '0') return { kind: 'unlisted' };
  if (!child || !/^[1-9]$/.test(key)) return null;
  const entry = child.pickers[Number(key) - 1];
  return entry ? { kind: 'listed', id: entry.id } : null;
}

/** The draft after choosing `child` from the look-up: its name and class come from the list. */
export function withChild(draft: PickupDraft, child: ChildPickers): PickupDraft {
  return { ...draft, child, childName: child.childName, className: child.className, choice: null };
}

/** True when the picker is someone not on the child's list (or the child is on no list). */
export function isUnlisted(draft: PickupDraft): boolean {
  return draft.choice?.kind === 'unlisted';
}

/** The listed picker chosen, if any. */
export function chosenPicker(draft: PickupDraft) {
  const choice = draft.choice;
  return choice?.kind === 'listed' ? (draft.child?.pickers.find((p) => p.id === choice.id) ?? null) : null;
}

/** What is sent to `record_pickup` (the watchlist fields are the gate's). */
export function toNewPickup(draft: PickupDraft): Omit<NewPickup, 'acknowledgedWatchlist' | 'watchlistOverride'> {
  const listed = draft.choice?.kind === 'listed' ? draft.choice.id : null;
  return {
    childName: draft.childName.trim(),
    className: draft.className.trim(),
    authorisedPickerId: listed,
    // A listed picker goes with the list's name, relation and phone (the core reads them).
    pickerName: listed === null ? draft.pickerName.trim() : '',
    relation: listed === null ? draft.relation.trim() : '',
    pickerPhone: listed === null ? normalisePhone(draft.pickerPhone) : '',
    pickerIdNumber: normaliseIdNumber(draft.pickerIdNumber),
    teacher: draft.teacher.trim(),
    teacherConfirmation: listed === null ? draft.confirmation : null,
  };
}

/** Who is screened against the watchlist: the chosen entry's name, or the typed one. */
export function screenQuery(draft: PickupDraft): ScreenQuery {
  const name = chosenPicker(draft)?.pickerName ?? draft.pickerName.trim();
  const id = normaliseIdNumber(draft.pickerIdNumber);
  return { name: name || null, idNumber: id || null, plate: null };
}
