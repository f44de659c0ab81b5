// A settings page's add form (guards, staff, watchlist, registered vehicles, checklist):
// one save at a time, the core's error kept, shown beside the field it names (or above the
// form when it names none of this form's fields), and the focus moved to that field.
// Owns: busy, error, the inputs to focus. Must not: know the fields' values or clear them
// (the page's `save` does that on success, so nothing typed is lost on an error).
// Called by the settings pages with `AddForm.svelte` around their fields.
import * as api from '../api';
import type { AppError } from '../bindings';
import { placeError } from '../shared/errors';
import { errorText } from '../i18n/index.svelte';

export class FieldForm {
  busy = $state(false);
  error = $state<AppError | null>(null);
  /** The form's inputs by field name (bind:input={form.inputs.<field>}), to focus. */
  inputs: Record<string, HTMLInputElement | undefined> = $state({});
  /** The field the error belongs to, or null when it belongs to the form as a whole. */
  at: string | null;
  /** The error to show above the form: one that names none of its fields. */
  formError: AppError | null;

  constructor(
    fields: readonly string[],
    /** Other names the core may give a field (e.g. `name` for `staff_name`). */
    aliases: Readonly<Record<string, string>> = {},
  ) {
    this.at = $derived(this.error ? placeError(this.error, fields, aliases) : null);
    this.formError = $derived(this.error && this.at === null ? this.error : null);
  }

  /** The error text beside `field`, or null. */
  fieldError = (field: string): string | null => (this.error && this.at === field ? errorText(this.error) : null);

  focus = (field: string): void => this.inputs[field]?.focus();

  /** Runs `save` unless one is already running; on failure keeps the error and focuses its field. */
  submit = async (save: () => Promise<void>): Promise<void> => {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      await save();
    } catch (err) {
      this.error = api.toAppError(err);
      if (this.at) this.focus(this.at);
    } finally {
      this.busy = false;
    }
  };
}
