/**
 * A tiny i18n: typed keys (en.ts is the key set), `{name}` placeholders, and a hook that follows
 * the store's language. Non-React code (actions) uses translate() with the current language.
 */
import { useCallback } from 'react';
import { useStore } from '../../state/store';
import type { Lang } from '../../state/prefs';
import { en, type MessageKey } from './en';
import { de } from './de';
import type { Message } from '../../core/messages';

export type { MessageKey } from './en';
export type Params = Record<string, string | number>;

export const LOCALES: Record<Lang, Record<MessageKey, string>> = { en, de };

export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return format(LOCALES[lang][key] ?? en[key], params);
}

/** A sentence from the core (src/core/messages.ts) in `lang`: its key's translation, else its English text. */
export function translateMessage(lang: Lang, m: Message): string {
  return m.key in en ? translate(lang, m.key as MessageKey, m.params) : m.text;
}

/** t() in the current language (from anywhere, e.g. actions). */
export function tNow(key: MessageKey, params?: Params): string {
  return translate(useStore.getState().lang, key, params);
}

export type T = (key: MessageKey, params?: Params) => string;

/** The translation function of the current language; components re-render when it changes. */
export function useT(): T {
  const lang = useStore((s) => s.lang);
  return useCallback((key: MessageKey, params?: Params) => translate(lang, key, params), [lang]);
}

/** A core Message in the current language: its locale key when the locale files have it, else its English text. */
export function useMessageText(): (m: Message) => string {
  const t = useT();
  return useCallback((m: Message) => (m.key in en ? t(m.key as MessageKey, m.params) : m.text), [t]);
}
