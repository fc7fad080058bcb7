/**
 * Imports point one way (GUIDE): ui -> state -> worker client; render -> state; worker, cli,
 * training -> core; core -> nothing outside core. Every file under src/ is parsed for its static
 * and dynamic imports, and each relative import is checked against the rules below.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '..', 'src');

/** The top folder of src/ a file lives in. */
type Layer = 'core' | 'worker' | 'cli' | 'training' | 'state' | 'render' | 'ui';

/**
 * What each layer may import, besides itself and core (which every layer may use: it is the pure
 * numeric core the hosts share). `state` may reach the worker only through its client side: the
 * client and the message protocols. The CLI's commands that run the training tools (synth,
 * evaluate) may use them; nothing else in cli/ imports training/, and training never imports cli/.
 */
const ALLOWED: Record<Layer, (target: string, from: string) => boolean> = {
  core: () => false,
  worker: () => false,
  training: () => false,
  cli: (t, from) => t.startsWith('training/') && /^cli\/commands\/(synth|evaluate)\.ts$/.test(from),
  state: (t) => t === 'worker/client' || /^worker\/[A-Za-z]*[pP]rotocol$/.test(t),
  render: (t) => t.startsWith('state/'),
  ui: (t) => t.startsWith('state/') || t.startsWith('render/'),
};

/** Known violations, to be removed (none now: the state stores Messages, render takes the grid from core). */
const KNOWN_VIOLATIONS = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|mjs)$/.test(name) ? [path] : [];
  });
}

/** Module specifiers of import/export ... from '...', import('...') and bare import '...'. */
export function importsOf(text: string): string[] {
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s*['"]([^'"]+)['"]/gm];
  for (const re of patterns) for (const m of noComments.matchAll(re)) found.push(m[1]!);
  return found;
}

/** "ui/i18n" for a resolved path under src/ (extension and /index dropped). */
function moduleOf(path: string): string {
  return relative(SRC, path)
    .split(sep)
    .join('/')
    .replace(/\.(ts|tsx|mts|mjs)$/, '')
    .replace(/\/index$/, '');
}

function violations(): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file).split(sep).join('/');
    const layer = from.split('/')[0] as Layer;
    if (!(layer in ALLOWED)) {
      out.push(`${from}: not in a known layer`);
      continue;
    }
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue; // packages
      const target = moduleOf(resolve(dirname(file), spec.replace(/\?.*$/, '')));
      if (target.startsWith('..')) {
        // Outside src/: only package.json (the app version) is read from there.
        if (!target.endsWith('package.json')) out.push(`${from} -> ${target} (outside src/)`);
        continue;
      }
      const targetLayer = target.split('/')[0];
      if (targetLayer === layer || targetLayer === 'core') continue;
      if (ALLOWED[layer](target, from)) continue;
      const edge = `${from} -> ${target}`;
      if (!KNOWN_VIOLATIONS.has(edge)) out.push(edge);
    }
  }
  return out;
}

describe('import direction', () => {
  it('finds the imports of every form', () => {
    const text = `import a from '../x';\nimport type { B } from "./y";\nexport { c } from '../z';\nconst d = await import('./w');\nimport './side';\n// import nope from './comment';\nimport {\n  e,\n  f,\n} from '../multi';`;
    expect(importsOf(text).sort()).toEqual(['../multi', '../x', '../z', './side', './w', './y']);
  });

  it('flags an import against the direction (self-check of the rules)', () => {
    expect(ALLOWED.core('ui/App', 'core/pipeline.ts')).toBe(false);
    expect(ALLOWED.state('worker/runAnalysis', 'state/actions.ts')).toBe(false);
    expect(ALLOWED.state('worker/researchProtocol', 'state/research.ts')).toBe(true);
    expect(ALLOWED.ui('worker/protocol', 'ui/App.tsx')).toBe(false);
    expect(ALLOWED.cli('training/node/assets', 'cli/loadModelNode.ts')).toBe(false);
    expect(ALLOWED.cli('training/synth', 'cli/commands/synth.ts')).toBe(true);
  });

  it('every import under src/ follows ui -> state -> worker client; render -> state; worker, cli, training -> core', () => {
    expect(violations()).toEqual([]);
  });
});
