// Every test id the contract lists for issue 4 exists in some component, so the
// real-window tests and the docs cannot drift apart silently. Ids built at run time
// (error-<field>, nav-<section>, vehicles-tab-<tab>, vehicle-photo-<part>) are checked
// through their template.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..');
const CONTRACT = join(import.meta.dirname, '..', '..', '..', 'docs', 'ui-contract.md');

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? svelteFiles(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : [],
  );
}

function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`## ${title}`);
  if (start < 0) return '';
  const next = markdown.indexOf('\n## ', start + 3);
  return markdown.slice(start, next < 0 ? undefined : next);
}

const DYNAMIC = [/^error-/, /^nav-/, /^vehicles-tab-/, /^vehicle-photo-/];
const NOT_IDS = new Set(['zh-CN', 'check-in', 'new-energy']);

describe('issue-4 test ids in docs/ui-contract.md', () => {
  const doc = section(readFileSync(CONTRACT, 'utf8'), 'UI test ids (issue 4)');
  const listed = [...new Set([...doc.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)].map((m) => m[1]))];
  const ids = listed.filter((id) => !NOT_IDS.has(id) && !DYNAMIC.some((re) => re.test(id)));
  const source = svelteFiles(SRC)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  it('lists the ids', () => {
    expect(ids.length).toBeGreaterThan(60);
    expect(ids).toContain('plate-input');
    expect(ids).toContain('permit-item-matched');
  });

  it.each(ids)('%s appears in a component', (id) => {
    // data-* / aria-* are attributes on the rows; the rest are data-testid values.
    const found = /^(data|aria)-/.test(id) ? source.includes(`${id}=`) : source.includes(`"${id}"`) || source.includes(`'${id}'`);
    expect(found, id).toBe(true);
  });

  it('has the tab template for vehicles-tab-<tab>', () => {
    // The page hands its tabs to shared/Tabs.svelte, which renders data-testid={tab.testid}.
    expect(source).toContain('testid: `vehicles-tab-${id}`');
    expect(source).toContain('data-testid={tab.testid}');
  });

  it('has the photo template for vehicle-photo-<part>', () => {
    // The desk hands its prefix to shared/PhotoField.svelte, which renders <testid>-<part>.
    expect(source).toContain('testid="vehicle-photo"');
    const parts = listed.filter((id) => id.startsWith('vehicle-photo-')).map((id) => id.slice('vehicle-photo-'.length));
    expect(parts).toEqual(expect.arrayContaining(['file', 'preview', 'clear']));
    for (const part of parts) expect(source, part).toContain(`data-testid="{testid}-${part}"`);
  });
});

describe('issue-13 test ids in docs/ui-contract.md', () => {
  const doc = section(readFileSync(CONTRACT, 'utf8'), 'Secrets at rest: recovery key and restore on a new PC (issue 13)');
  const listed = [...new Set([...doc.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)].map((m) => m[1]))];
  const ids = listed.filter((id) => !DYNAMIC.some((re) => re.test(id)) && id !== 'recovery-sheet' && !id.startsWith('data-'));
  const source = svelteFiles(SRC)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  it('lists the ids', () => {
    expect(ids).toEqual(
      expect.arrayContaining(['recovery-confirm', 'recovery-continue', 'setup-restore-key', 'restore-recovery-key', 'recovery-show']),
    );
  });

  it.each([...ids, 'recovery-sheet'])('%s appears in a component', (id) => {
    expect(source.includes(`"${id}"`) || source.includes(`'${id}'`), id).toBe(true);
  });

  it('names the error fields the restore forms show', () => {
    expect(doc).toContain('`error-backup_file`');
    expect(doc).toContain('`error-recovery_key`');
  });
});
