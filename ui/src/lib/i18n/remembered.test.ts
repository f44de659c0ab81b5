// The language is remembered in the webview's storage, so the start screen speaks it even
// when the database (which holds the preference) cannot be opened.
import { afterEach, describe, expect, it, vi } from 'vitest';

function fakeStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    items,
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('remembered language', () => {
  it('is written when the language changes', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    const i18n = await import('./index.svelte');
    i18n.setCurrentLanguage('en');
    expect(storage.items.get('gatehouse.language')).toBe('en');
  });

  it('is the language at start, before the database answers', async () => {
    vi.stubGlobal('localStorage', fakeStorage({ 'gatehouse.language': 'en' }));
    const i18n = await import('./index.svelte');
    expect(i18n.currentLanguage()).toBe('en');
  });

  it('falls back to Chinese when nothing or nonsense is stored', async () => {
    vi.stubGlobal('localStorage', fakeStorage({ 'gatehouse.language': 'fr' }));
    const i18n = await import('./index.svelte');
    expect(i18n.currentLanguage()).toBe('zh-CN');
  });

  it('follows the site language until someone chooses one on this PC, then keeps the choice', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    const i18n = await import('./index.svelte');
    i18n.applySiteLanguage('en');
    expect(i18n.currentLanguage()).toBe('en');
    i18n.chooseLanguage('zh-CN');
    i18n.applySiteLanguage('en');
    expect(i18n.currentLanguage()).toBe('zh-CN');
    expect(storage.items.get('gatehouse.languageChosen')).toBe('1');
    vi.resetModules();
    const again = await import('./index.svelte');
    again.applySiteLanguage('en');
    expect(again.currentLanguage()).toBe('zh-CN');
  });
});
