/**
 * The one method registry: the page's list, the CLI's choices and the composites derive from it;
 * a registered composite runs through explain() like a built-in one (zennit's register-by-name).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compositeFor, epsilonAllComposite } from '../../src/core/lrp/composites';
import { explain } from '../../src/core/lrp/methods';
import { METHODS, methodSpec, registerMethod, unknownMethodMessage, type MethodId } from '../../src/core/lrp/registry';
import { loadModel } from '../../src/core/model/loadModel';
import { makeSeededModelArtifacts, makeSmoothBrainInput } from '../../src/core/model/seeded';
import type { Model } from '../../src/core/model/types';
import { relevanceOf } from './helpers';

let model: Model;
beforeAll(async () => {
  await tf.setBackend('cpu');
  model = await loadModel(makeSeededModelArtifacts(7, { inputShape: [8, 8, 10, 1], filters: 2, hidden: [8, 6] }), 'tiny');
});
afterAll(() => model.dispose());

describe('method registry', () => {
  it('lists each method once, and every listed id is accepted', () => {
    const ids = METHODS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['paper', 'cmp-bn-pass', 'epsilon-plus', 'epsilon-alpha2-beta1', 'epsilon-plus-flat', 'gradient', 'gradient-x-input', 'occlusion']);
    for (const id of ids) expect(unknownMethodMessage(id)).toBeNull();
    expect(unknownMethodMessage('magic')).toMatch(/Unknown method "magic"; choose one of paper, .*occlusion\./);
  });

  it("each LRP method's composite applies exactly the rules its entry names, per layer", () => {
    const firstConv = model.layers.findIndex((l) => l.kind === 'conv3d');
    for (const m of METHODS.filter((x) => x.kind === 'lrp')) {
      const c = compositeFor(m.id);
      model.layers.forEach((layer, i) => {
        const spec = c.ruleFor(layer, i, model).spec;
        if (layer.kind === 'conv3d') expect(spec).toEqual(i === firstConv && m.layers!.firstConv3d ? m.layers!.firstConv3d : m.layers!.conv3d);
        else if (layer.kind === 'dense') expect(spec).toEqual(m.layers!.dense);
        else if (layer.kind === 'batchNorm') expect(spec).toEqual(m.layers!.batchNorm);
        else if (layer.kind === 'maxPool3d') expect(spec).toEqual({ kind: 'winner-takes-all', mode: 'first' });
        else expect(spec).toEqual({ kind: 'pass' });
      });
    }
  });

  it("does not call BatchNormalization pass zennit's default (zennit merges BN with a canonizer)", () => {
    for (const m of METHODS) expect(m.description).not.toMatch(/zennit('s)? default/i);
    expect(methodSpec('cmp-bn-pass')!.description).toMatch(/canonizer/);
  });

  it('a registered composite runs through explain() like a built-in one', async () => {
    registerMethod({
      id: 'test-epsilon-all',
      label: 'epsilon everywhere',
      description: 'for the test',
      kind: 'lrp',
      layers: { conv3d: { kind: 'epsilon', eps: 1e-6 }, dense: { kind: 'epsilon', eps: 1e-6 }, batchNorm: { kind: 'epsilon', eps: 1e-6 } },
    });
    expect(() => registerMethod({ id: 'paper', label: 'x', description: 'x', kind: 'gradient' })).toThrow(/already registered/);
    const input = makeSmoothBrainInput([8, 8, 10]);
    const got = await explain(model, input, { method: 'test-epsilon-all' as MethodId });
    const want = await relevanceOf(model, input, epsilonAllComposite(1e-6));
    expect(Array.from(got.relevance)).toEqual(Array.from(want));
    expect(got.relevance.some((x) => x !== 0)).toBe(true);
    // Only the built-ins are offered to people.
    expect(METHODS.some((m) => m.id === ('test-epsilon-all' as MethodId))).toBe(false);
  });
});
