/** The locale files: the same keys in English and German, no empty strings, the same placeholders. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { en } from '../src/ui/i18n/en';
import { de } from '../src/ui/i18n/de';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n locales', () => {
  it('English and German have exactly the same keys', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
  it('no string is empty', () => {
    for (const [lang, table] of Object.entries({ en, de })) {
      for (const [k, v] of Object.entries(table)) expect(v.trim().length, `${lang} ${k}`).toBeGreaterThan(0);
    }
  });
  it('each translation has the same placeholders as the English string', () => {
    for (const k of Object.keys(en) as Array<keyof typeof en>) expect(placeholders(de[k]), k).toEqual(placeholders(en[k]));
  });
  it('the German strings are translated (most differ from the English ones)', () => {
    const keys = Object.keys(en) as Array<keyof typeof en>;
    const same = keys.filter((k) => en[k] === de[k]);
    expect(same.length / keys.length).toBeLessThan(0.2);
  });
  it('every t() key used in src/ui exists', () => {
    const dir = resolve(__dirname, '../src/ui');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tsx') || f.endsWith('.ts'));
    const used = new Set<string>();
    for (const f of files) {
      const src = readFileSync(join(dir, f), 'utf8');
      for (const m of src.matchAll(/\bt(?:Now)?\('([\w.]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    for (const k of used) expect(Object.keys(en), k).toContain(k);
  });
});
