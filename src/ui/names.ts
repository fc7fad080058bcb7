/** Model and method names in the page's language (locale keys `model.<id>`, `method.<id>`; imported models keep their file's name). */
import { useCallback } from 'react';
import { METHODS, MODELS } from '../worker/protocol';
import { useStore } from '../state/store';
import { LOCALES } from './i18n';

export function useNames(): { model: (id: string) => string; method: (id: string) => string } {
  const lang = useStore((s) => s.lang);
  const imported = useStore((s) => s.importedModels);
  const table = LOCALES[lang] as Record<string, string>;
  const model = useCallback(
    (id: string) => table[`model.${id}`] ?? imported.find((m) => m.id === id)?.label ?? MODELS.find((m) => m.id === id)?.label ?? id,
    [table, imported],
  );
  const method = useCallback((id: string) => table[`method.${id}`] ?? METHODS.find((m) => m.id === id)?.label ?? id, [table]);
  return { model, method };
}
