// The current UI language as reactive state, and `t()` bound to it. Components call
// t('nav.visitors') in markup; when the language changes every call re-renders.
import type { AppError, Language } from '../bindings';
import { errorMessage } from '../shared/errors';
import { en } from './en';
import { translate } from './translate';
import type { Dictionary, Key, Params } from './types';
import { zhCN } from './zh-CN';

export const dictionaries: Record<Language, Dictionary> = { 'zh-CN': zhCN, en };
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

export function isLanguage(value: unknown): value is Language {
  return value === 'zh-CN' || value === 'en';
}

/**
 * The language is a preference of this PC's window, kept in the webview's storage, never a
 * write to the site's settings: the login screen's switch is usable before anyone logs in
 * (issue 15), and the core accepts no write from a screen nobody has logged in to. Until
 * someone picks a language here, the site's language (from the core, `AppState.language`)
 * is used; it is remembered too, so the start screen speaks it even when the database
 * cannot be opened (read-only, damaged).
 */
const REMEMBERED = 'gatehouse.language';
/** Set once someone picked a language on this PC: the site's language no longer applies. */
const CHOSEN = 'gatehouse.languageChosen';

function stored(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // No storage (tests, a locked-down webview): the choice holds until the window closes.
  }
}

function remembered(): Language {
  const value = stored(REMEMBERED);
  return isLanguage(value) ? value : 'zh-CN';
}

const state = $state<{ lang: Language; chosen: boolean }>({ lang: remembered(), chosen: stored(CHOSEN) === '1' });

export function currentLanguage(): Language {
  return state.lang;
}

export function setCurrentLanguage(lang: Language): void {
  state.lang = lang;
  store(REMEMBERED, lang);
}

/** The language switch: this PC's choice from now on (nothing is sent to the core). */
export function chooseLanguage(lang: Language): void {
  setCurrentLanguage(lang);
  state.chosen = true;
  store(CHOSEN, '1');
}

/** The site's language, as the core reports it: used only until someone chooses one here. */
export function applySiteLanguage(lang: Language): void {
  if (!state.chosen) setCurrentLanguage(lang);
}

/** The dictionary of the current language (reactive). */
export function dict(): Dictionary {
  return dictionaries[state.lang];
}

export function t(key: Key, params?: Params): string {
  return translate(dictionaries[state.lang], key, params);
}

export type { Key, Params, Dictionary };

/** An AppError in the current language (see errors.ts for the rules). */
export function errorText(err: AppError): string {
  return errorMessage(err, dictionaries[state.lang]);
}
