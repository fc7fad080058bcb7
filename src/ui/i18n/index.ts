/**
 * A tiny i18n: typed keys (en.ts is the key set), `{name}` placeholders, and a hook that follows
 * the store's language. Messages sent by the core, worker and state (key + params + English text)
 * are translated here too (messagesDe.ts); numbers in parameters are written the locale's way.
 */
import { useCallback } from 'react';
import { useStore } from '../../state/store';
import type { Lang } from '../../state/prefs';
import { fillTemplate, type Message } from '../../core/messages';
import { en, type MessageKey } from './en';
import { de } from './de';
import { messagesDe } from './messagesDe';

export type { MessageKey } from './en';
export type Params = Record<string, string | number>;

export const LOCALES: Record<Lang, Record<MessageKey, string>> = { en, de };
/** Templates for sent Messages per language; English ones carry their text already. */
const SENT: Record<Lang, Record<string, string>> = { en: {}, de: messagesDe };

const numberFormats = new Map<Lang, Intl.NumberFormat>();
/** A plain number the locale's way (no grouping: "1400", "0,25"). */
export function formatNumber(lang: Lang, x: number, digits?: number): string {
  if (!Number.isFinite(x)) return '—';
  if (digits !== undefined) return new Intl.NumberFormat(lang, { useGrouping: false, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
  let f = numberFormats.get(lang);
  if (!f) numberFormats.set(lang, (f = new Intl.NumberFormat(lang, { useGrouping: false, maximumFractionDigits: 6 })));
  return f.format(x);
}

/** A fraction as a percentage the locale's way: "89.4%", "89,4 %". */
export function formatPercent(lang: Lang, fraction: number, digits = 1, signed = false): string {
  return new Intl.NumberFormat(lang, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(fraction);
}

function localize(lang: Lang, params?: Params): Params | undefined {
  if (!params) return params;
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? formatNumber(lang, v) : v]));
}

export function format(template: string, params?: Params): string {
  return fillTemplate(template, params);
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return format(LOCALES[lang][key] ?? en[key], localize(lang, params));
}

/** A sent Message in `lang`: its key in the locale (sent or UI keys), else its English text. */
export function translateMessage(lang: Lang, m: Message): string {
  const template = SENT[lang][m.key] ?? (LOCALES[lang] as Record<string, string>)[m.key];
  return template === undefined ? m.text : format(template, localize(lang, m.params));
}

/** t() in the current language (from anywhere, e.g. actions). */
export function tNow(key: MessageKey, params?: Params): string {
  return translate(useStore.getState().lang, key, params);
}

/** A Message of the page itself (a UI key), e.g. for the state's webglProblem. */
export function uiMessage(key: MessageKey, params?: Params): Message {
  return { key, text: translate('en', key, params), ...(params ? { params } : {}) };
}

export type T = (key: MessageKey, params?: Params) => string;

/** The translation function of the current language; components re-render when it changes. */
export function useT(): T {
  const lang = useStore((s) => s.lang);
  return useCallback((key: MessageKey, params?: Params) => translate(lang, key, params), [lang]);
}

/** Translates sent Messages in the current language. */
export function useMessage(): (m: Message) => string {
  const lang = useStore((s) => s.lang);
  return useCallback((m: Message) => translateMessage(lang, m), [lang]);
}

/** Numbers and percentages in the current language. */
export function useNumbers(): { num: (x: number, digits?: number) => string; pct: (fraction: number, digits?: number, signed?: boolean) => string } {
  const lang = useStore((s) => s.lang);
  return { num: (x, d) => formatNumber(lang, x, d), pct: (f, d, s) => formatPercent(lang, f, d, s) };
}
