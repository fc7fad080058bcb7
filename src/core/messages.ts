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
