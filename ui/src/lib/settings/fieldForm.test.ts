// FieldForm: the add-form behaviour the settings pages share.
import { describe, expect, it, vi } from 'vitest';
import { FieldForm } from './fieldForm.svelte';

const invalid = (field: string | null) => ({ kind: 'invalid', code: 'required', field, params: {}, message: `bad ${field}` });

describe('FieldForm', () => {
  it('puts an error beside the field it names and focuses that field', async () => {
    const form = new FieldForm(['staff_name', 'department']);
    const focus = vi.fn();
    form.inputs.department = { focus } as unknown as HTMLInputElement;
    await form.submit(() => Promise.reject(invalid('department')));
    expect(form.at).toBe('department');
    expect(form.fieldError('department')).not.toBeNull();
    expect(form.fieldError('staff_name')).toBeNull();
    expect(form.formError).toBeNull();
    expect(focus).toHaveBeenCalledTimes(1);
    expect(form.busy).toBe(false);
  });

  it('maps an alias to the form field', async () => {
    const form = new FieldForm(['guard_name', 'pin'], { name: 'guard_name' });
    await form.submit(() => Promise.reject(invalid('name')));
    expect(form.at).toBe('guard_name');
    expect(form.fieldError('guard_name')).not.toBeNull();
  });

  it('shows an error naming no field of this form above the form', async () => {
    const form = new FieldForm(['label']);
    await form.submit(() => Promise.reject({ kind: 'forbidden', code: 'forbidden', field: null, params: {}, message: 'no' }));
    expect(form.at).toBeNull();
    expect(form.formError?.kind).toBe('forbidden');
    await form.submit(() => Promise.reject(invalid('other_field')));
    expect(form.formError?.field).toBe('other_field');
  });

  it('runs one save at a time and clears the old error when it starts', async () => {
    const form = new FieldForm(['label']);
    await form.submit(() => Promise.reject(invalid('label')));
    let release: () => void = () => {};
    const save = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const first = form.submit(save);
    expect(form.error).toBeNull();
    expect(form.busy).toBe(true);
    await form.submit(save);
    expect(save).toHaveBeenCalledTimes(1);
    release();
    await first;
    expect(form.busy).toBe(false);
    expect(form.error).toBeNull();
  });
});
