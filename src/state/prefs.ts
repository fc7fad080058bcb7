/**
 * The person's habits that outlive a page load: language and theme (localStorage), and the
 * settings of combined analyses. Plain types and pure helpers; the store holds the values.
 */
import type { Covariates } from '../core/analysis/residualize';

export type Lang = 'en' | 'de';
export type Theme = 'dark' | 'light';
export const LANGS: readonly Lang[] = ['en', 'de'];

export type CombineMode = 'single' | 'average' | 'difference';

export interface CombineSettings {
  mode: CombineMode;
  /** Models averaged in 'average' mode (with the chosen method). */
  averageIds: string[];
  /** B of 'difference' mode (A is the chosen model and method). */
  compareModelId: string;
  compareMethod: string;
}

const LANG_KEY = 'rv.lang';
const THEME_KEY = 'rv.theme';

function stored(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null; // storage blocked (privacy settings): defaults then
  }
}

export function remember(key: 'lang' | 'theme', value: string): void {
  try {
    globalThis.localStorage?.setItem(key === 'lang' ? LANG_KEY : THEME_KEY, value);
  } catch {
    // not persisted; the choice still holds for this page
  }
}

/** ?lang= in the URL, then the stored choice, then the browser's language. */
export function initialLang(): Lang {
  const q = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('lang') : null;
  const s = q ?? stored(LANG_KEY) ?? (typeof navigator !== 'undefined' ? navigator.language.slice(0, 2) : 'en');
  return s === 'de' ? 'de' : 'en';
}

export function initialTheme(): Theme {
  const s = stored(THEME_KEY);
  if (s === 'light' || s === 'dark') return s;
  return 'dark';
}

/** The part of the worker request that a combined analysis adds (nothing in single mode). */
export function combineRequest(c: CombineSettings): { averageModelIds?: string[]; compareWith?: { modelId: string; method: string } } {
  if (c.mode === 'average' && c.averageIds.length >= 2) return { averageModelIds: [...c.averageIds].sort() };
  if (c.mode === 'difference') return { compareWith: { modelId: c.compareModelId, method: c.compareMethod } };
  return {};
}

/** Cache key of one analysis: scan, model, method, covariates, combination. */
export function analysisKey(hash: string, modelId: string, method: string, cov: Covariates, c: CombineSettings): string {
  const r = combineRequest(c);
  const comb = r.averageModelIds ? `avg:${r.averageModelIds.join(',')}` : r.compareWith ? `diff:${r.compareWith.modelId}/${r.compareWith.method}` : '';
  const m = r.averageModelIds ? '' : modelId;
  return `${hash}|${m}|${method}|${cov.age},${cov.sex},${cov.tiv},${cov.field}|${comb}`;
}
