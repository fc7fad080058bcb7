/** Model and method names in the page's language (locale keys `model.<id>`, `method.<id>`; imported models keep their file's name). */
import { useCallback } from 'react';
import { METHODS } from '../core/lrp/registry';
import { BUNDLED_MODELS as MODELS } from '../core/model/catalog';
import { useStore } from '../state/store';
import { LOCALES } from './i18n';

export function useNames(): { model: (id: string) => string; modelByLabel: (label: string) => string; method: (id: string) => string } {
  const lang = useStore((s) => s.lang);
  const imported = useStore((s) => s.importedModels);
  const table = LOCALES[lang] as Record<string, string>;
  const model = useCallback(
    (id: string) => table[`model.${id}`] ?? imported.find((m) => m.id === id)?.label ?? MODELS.find((m) => m.id === id)?.label ?? id,
    [table, imported],
  );
  const method = useCallback((id: string) => table[`method.${id}`] ?? METHODS.find((m) => m.id === id)?.label ?? id, [table]);
  /** A result names its members by label (the pipeline's record): a bundled model's label gets its name in this language. */
  const modelByLabel = useCallback(
    (label: string) => {
      const bundled = MODELS.find((m) => m.label === label);
      return bundled ? model(bundled.id) : label;
    },
    [model],
  );
  return { model, modelByLabel, method };
}
