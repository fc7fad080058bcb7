/**
 * A sentence for a person, independent of the language it is shown in: a locale key with parameters,
 * plus its English text (used by the CLI, logs and as the page's fallback when a key has no translation).
 */
export interface Message {
  key: string;
  params?: Record<string, string | number>;
  text: string;
}

export function message(key: string, text: string, params?: Record<string, string | number>): Message {
  return params ? { key, text, params } : { key, text };
}

/** Fills `{name}` placeholders of a template (unknown names stay as written). */
export function fillTemplate(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A Message from a table of English templates: the table is the key set a locale must translate. */
export function messageFrom<K extends string>(texts: Readonly<Record<K, string>>, key: K, params?: Record<string, string | number>): Message {
  return message(key, fillTemplate(texts[key], params), params);
}
