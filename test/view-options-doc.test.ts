/** docs/view-options.md documents every view option with its current default. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_VIEW_SETTINGS } from '../src/state/viewSettings';
import { DEFAULT_RESEARCH_SETTINGS } from '../src/state/research';

const doc = readFileSync(resolve(__dirname, '../docs/view-options.md'), 'utf8');

/** The table rows: `key` -> default cell (backticks stripped). */
function documentedDefaults(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`(\w+)`\s*\|\s*`([^`]*)`\s*\|/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  return rows;
}

describe('docs/view-options.md', () => {
  const rows = documentedDefaults(doc);
  const all = { ...DEFAULT_VIEW_SETTINGS, ...DEFAULT_RESEARCH_SETTINGS };
  it('documents every key of DEFAULT_VIEW_SETTINGS and DEFAULT_RESEARCH_SETTINGS with its default', () => {
    for (const [key, value] of Object.entries(all)) {
      expect(rows.has(key), `${key} is documented`).toBe(true);
      expect(rows.get(key), `default of ${key}`).toBe(String(value));
    }
  });
  it('documents no option that does not exist', () => {
    for (const key of rows.keys()) expect(Object.keys(all)).toContain(key);
  });
});
