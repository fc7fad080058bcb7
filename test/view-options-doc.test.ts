/** docs/view-options.md documents every view option with its current default. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_VIEW_SETTINGS } from '../src/state/viewSettings';
import { DEFAULT_RESEARCH_SETTINGS, RESEARCH_OPTIONS } from '../src/state/research';
import { VIEW_OPTIONS } from '../src/state/viewSettings';
import { viewOptionsDoc } from '../src/state/viewOptionsDoc';

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
  it('its tables are the ones generated from the schemas (run npm run docs:view-options after a change)', () => {
    expect(doc).toBe(viewOptionsDoc(doc));
  });
  it('each default lies in its range or values, on a slider step', () => {
    for (const [key, o] of Object.entries({ ...VIEW_OPTIONS, ...RESEARCH_OPTIONS })) {
      if (o.kind === 'number') {
        expect(o.default, key).toBeGreaterThanOrEqual(o.min);
        expect(o.default, key).toBeLessThanOrEqual(o.max);
        const steps = (o.default - o.min) / o.step;
        expect(Math.abs(steps - Math.round(steps)), key).toBeLessThan(1e-9);
      } else if (o.kind === 'choice') expect(o.values, key).toContain(o.default);
    }
  });
});
