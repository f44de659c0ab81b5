import { describe, expect, it } from 'vitest';
import { escLeavesFullScreen } from './desk-keys';

const key = (k: string, target: unknown = { tagName: 'BODY' }, extra: Partial<KeyboardEvent> = {}) =>
  ({ key: k, defaultPrevented: false, isComposing: false, target, ...extra }) as unknown as KeyboardEvent;

describe('Esc and full screen', () => {
  it('leaves full screen from the page itself', () => {
    expect(escLeavesFullScreen(key('Escape'), false)).toBe(true);
    expect(escLeavesFullScreen(key('Escape', { tagName: 'button' }), false)).toBe(true);
  });
  it('leaves form fields, dialogs and handled keys alone', () => {
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) expect(escLeavesFullScreen(key('Escape', { tagName }), false)).toBe(false);
    expect(escLeavesFullScreen(key('Escape', { tagName: 'DIV', isContentEditable: true }), false)).toBe(false);
    expect(escLeavesFullScreen(key('Escape'), true)).toBe(false);
    expect(escLeavesFullScreen(key('Escape', { tagName: 'BODY' }, { defaultPrevented: true }), false)).toBe(false);
    expect(escLeavesFullScreen(key('Escape', { tagName: 'BODY' }, { isComposing: true }), false)).toBe(false);
    expect(escLeavesFullScreen(key('Enter'), false)).toBe(false);
  });
});
