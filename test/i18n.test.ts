/** The locale files: the same keys in English and German, no empty strings, the same placeholders. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { en } from '../src/ui/i18n/en';
import { de } from '../src/ui/i18n/de';
import { messagesDe } from '../src/ui/i18n/messagesDe';
import { GATE_TEXTS } from '../src/core/gate/texts';
import { WORKER_TEXTS } from '../src/worker/messageProtocol';
import { STATE_TEXTS } from '../src/state/texts';
import { NIFTI_TEXTS } from '../src/core/nifti/texts';
import { formatPercent, translateMessage } from '../src/ui/i18n';
import { messageFrom } from '../src/core/messages';

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

  it('the Messages sent by core, worker and state have German with the same placeholders', () => {
    const english: Record<string, string> = { ...GATE_TEXTS, ...NIFTI_TEXTS, ...WORKER_TEXTS, ...STATE_TEXTS };
    expect(Object.keys(messagesDe).sort()).toEqual(Object.keys(english).sort());
    for (const [k, v] of Object.entries(english)) {
      expect(placeholders((messagesDe as Record<string, string>)[k]!), k).toEqual(placeholders(v));
      expect((messagesDe as Record<string, string>)[k], k).not.toBe(v);
    }
  });
  it('a sent Message reads in the page language with its numbers written the locale way; unknown keys keep their English', () => {
    const m = messageFrom(GATE_TEXTS, 'gate.partial', { coverage: 24.5 });
    expect(translateMessage('en', m)).toBe(m.text);
    expect(m.text).toContain('covers only 24.5% of the brain');
    expect(translateMessage('de', m)).toContain('nur 24,5 % des Gehirns');
    expect(translateMessage('de', { key: 'untranslated', text: 'As written.' })).toBe('As written.');
    expect(formatPercent('de', 0.894)).toBe('89,4\u00a0%');
    expect(formatPercent('en', 0.894)).toBe('89.4%');
  });
});
