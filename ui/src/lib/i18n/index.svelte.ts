// The current UI language as reactive state, and `t()` bound to it. Components call
// t('nav.visitors') in markup; when the language changes every call re-renders.
import type { AppError, Language } from '../bindings';
import { errorMessage } from '../errors';
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
 * The language is kept in the database (the core's preference), and remembered in this
 * webview's storage too: when the database cannot be opened (read-only, damaged), the
 * start screen still speaks the site's language.
 */
const REMEMBERED = 'gatehouse.language';

function remembered(): Language {
  try {
    const value = globalThis.localStorage?.getItem(REMEMBERED);
    return isLanguage(value) ? value : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

const state = $state<{ lang: Language }>({ lang: remembered() });

export function currentLanguage(): Language {
  return state.lang;
}

export function setCurrentLanguage(lang: Language): void {
  state.lang = lang;
  try {
    globalThis.localStorage?.setItem(REMEMBERED, lang);
  } catch {
    // No storage (tests, a locked-down webview): the database's preference still holds.
  }
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
