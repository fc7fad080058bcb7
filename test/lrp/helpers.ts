import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { backward } from '../../src/core/lrp/backward';
import { epsilonAllComposite, gradientComposite, paperComposite, type Composite } from '../../src/core/lrp/composites';
import { forward } from '../../src/core/model/forward';
import { loadModel } from '../../src/core/model/loadModel';
import { artifactsFromWeights, paperTopology } from '../../src/core/model/seeded';
import type { Model } from '../../src/core/model/types';

export interface TinyCase {
  input: number[];
  logits: number[];
  maps: Record<string, number[]>;
}
export interface TinyFixture {
  shape: [number, number, number];
  filters: number;
  hidden: [number, number];
  seed: number;
  weights: Array<{ name: string; shape: number[]; data: number[] }>;
  cases: Record<string, TinyCase>;
}

export function readTiny(name: string): TinyFixture {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/lrp/${name}`, import.meta.url)), 'utf8')) as TinyFixture;
}

export function tinyModel(f: TinyFixture): Promise<Model> {
  const topology = paperTopology([...f.shape, 1], f.filters, f.hidden);
  return loadModel(
    artifactsFromWeights(
      topology,
      f.weights.map((w) => ({ name: w.name, shape: w.shape, data: Float32Array.from(w.data) })),
    ),
    'tiny',
  );
}

export async function relevanceOf(model: Model, input: Float32Array, composite: Composite, neuron = 1): Promise<Float32Array> {
  const trace = await forward(model, input);
  try {
    const R = await backward(model, trace, composite, { neuron });
    const out = (await R.data()) as Float32Array;
    R.dispose();
    return out;
  } finally {
    trace.dispose();
  }
}

/** max |a - b| relative to max |b|. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0,
    scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

export { tf };

/** The composites the tiny fixtures hold a numpy map for, keyed by the fixture's map name. */
export function tinyFixtureComposites(): Record<string, Composite> {
  return {
    paper: paperComposite(),
    paper_conv_zennit: paperComposite({ convBias: 'zennit' }),
    paper_bn_pass: paperComposite({ bnRule: 'pass' }),
    paper_bn_epsilon: paperComposite({ bnRule: 'epsilon' }),
    paper_tf_ties: paperComposite({ poolMode: 'tf_ties' }),
    epsilon_all: epsilonAllComposite(1e-12),
    gradient: gradientComposite(),
  };
}
