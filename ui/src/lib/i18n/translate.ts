// Pure dictionary look-up and `{name}` interpolation. No Svelte state here, so it is
// unit-tested directly; index.svelte.ts binds it to the current language.
import type { Dictionary, Params } from './types';

/** Walks a dotted key ("errors.wrong_pin"); undefined when the key does not lead to a string. */
export function lookup(dict: Dictionary, key: string): string | undefined {
  let node: unknown = dict;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * Replaces `{name}` placeholders with params. A placeholder without a value is left as
 * it is, so a missing param is visible in testing instead of silently vanishing.
 */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    return value === undefined ? whole : String(value);
  });
}

/** Look-up plus interpolation; falls back to the key itself so a gap never crashes a screen. */
export function translate(dict: Dictionary, key: string, params?: Params): string {
  const template = lookup(dict, key);
  return template === undefined ? key : interpolate(template, params);
}
