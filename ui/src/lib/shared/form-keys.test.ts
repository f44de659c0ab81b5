import { describe, expect, it, vi } from 'vitest';
import { composing, formKey, handleFormKey } from './form-keys';

function key(k: string, over: Partial<{ tag: string; alt: boolean; ctrl: boolean; composing: boolean; code: number }> = {}) {
  return {
    key: k,
    isComposing: over.composing ?? false,
    keyCode: over.code ?? 0,
    altKey: over.alt ?? false,
    ctrlKey: over.ctrl ?? false,
    target: { tagName: over.tag ?? 'INPUT' } as unknown as EventTarget,
    preventDefault: vi.fn(),
  };
}

describe('form keys', () => {
  it('Escape clears, Enter in a field saves', () => {
    expect(formKey(key('Escape'))).toBe('clear');
    expect(formKey(key('Enter'))).toBe('save');
    expect(formKey(key('Enter', { tag: 'SELECT' }))).toBe('save');
  });

  it('Enter on a button or in a textarea, or with Alt/Ctrl, is left alone', () => {
    expect(formKey(key('Enter', { tag: 'BUTTON' }))).toBeNull();
    expect(formKey(key('Enter', { tag: 'TEXTAREA' }))).toBeNull();
    expect(formKey(key('Enter', { alt: true }))).toBeNull();
    expect(formKey(key('Enter', { ctrl: true }))).toBeNull();
    expect(formKey(key('a'))).toBeNull();
  });

  it('keys while an IME composes belong to the IME, Escape included', () => {
    expect(composing(key('Enter', { composing: true }))).toBe(true);
    expect(formKey(key('Enter', { composing: true }))).toBeNull();
    expect(formKey(key('Escape', { code: 229 }))).toBeNull();
  });

  it('the handler runs the action and prevents the default only when it takes the key', () => {
    const actions = { save: vi.fn(), clear: vi.fn() };
    const enter = key('Enter');
    expect(handleFormKey(enter as unknown as KeyboardEvent, actions)).toBe(true);
    expect(actions.save).toHaveBeenCalledTimes(1);
    expect(enter.preventDefault).toHaveBeenCalled();
    const esc = key('Escape');
    handleFormKey(esc as unknown as KeyboardEvent, actions);
    expect(actions.clear).toHaveBeenCalledTimes(1);
    const other = key('Enter', { tag: 'BUTTON' });
    expect(handleFormKey(other as unknown as KeyboardEvent, actions)).toBe(false);
    expect(other.preventDefault).not.toHaveBeenCalled();
    expect(actions.save).toHaveBeenCalledTimes(1);
  });
});
