// Guards the "no string hard-coded in a component" rule: after removing script, style,
// comments, tags and {expressions}, a component's markup must contain no words.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..');

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? svelteFiles(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : [],
  );
}

/** Removes {…} blocks, counting nested braces (expressions may contain objects). */
function stripExpressions(text: string): string {
  let out = '';
  let depth = 0;
  for (const c of text) {
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += c;
  }
  return out;
}

function visibleText(source: string): string {
  const markup = source
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  return stripExpressions(markup).replace(/<[^>]*>/g, ' ');
}

describe('components', () => {
  const files = svelteFiles(SRC);

  it('are found', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [f.slice(SRC.length + 1), f]))('%s has no hard-coded words', (_name, file) => {
    const words = visibleText(readFileSync(file, 'utf8')).match(/[\p{L}]+/gu) ?? [];
    expect(words).toEqual([]);
  });
});
