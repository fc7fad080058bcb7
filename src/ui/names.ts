/**
 * Model and method names in the page's language (locale keys `model.<id>`, `method.<id>`; members of a
 * cross-validation family and its fold ensemble by role; imported models keep their file's name).
 */
import { useCallback } from 'react';
import { METHODS } from '../core/lrp/registry';
import { BUNDLED_MODELS as MODELS } from '../core/model/catalog';
import { ensembleFamily } from '../core/model/modelIndex';
import { fillTemplate } from '../core/messages';
import { useStore } from '../state/store';
import { LOCALES } from './i18n';

export function useNames(): { model: (id: string) => string; modelByLabel: (label: string) => string; method: (id: string) => string } {
  const lang = useStore((s) => s.lang);
  const imported = useStore((s) => s.importedModels);
  const deployed = useStore((s) => s.deployedModels);
  const table = LOCALES[lang] as Record<string, string>;
  const model = useCallback(
    (id: string) => {
      const own = table[`model.${id}`] ?? imported.find((m) => m.id === id)?.label;
      if (own) return own;
      const ensemble = ensembleFamily(deployed, id);
      if (ensemble) return fillTemplate(table['model.ensemble']!, { family: ensemble.id, n: ensemble.folds.length });
      const d = deployed.find((m) => m.id === id);
      if (d?.family && d.role === 'whole') return fillTemplate(table['model.whole']!, { family: d.family });
      if (d?.family && d.fold !== undefined) return fillTemplate(table['model.fold']!, { family: d.family, fold: d.fold });
      return d?.label ?? MODELS.find((m) => m.id === id)?.label ?? id;
    },
    [table, imported, deployed],
  );
  const method = useCallback((id: string) => table[`method.${id}`] ?? METHODS.find((m) => m.id === id)?.label ?? id, [table]);
  /** A result names its members by label (the pipeline's record): a bundled or deployed model's label gets its name in this language. */
  const modelByLabel = useCallback(
    (label: string) => {
      const known = MODELS.find((m) => m.label === label) ?? deployed.find((m) => m.label === label);
      return known ? model(known.id) : label;
    },
    [model, deployed],
  );
  return { model, modelByLabel, method };
}
