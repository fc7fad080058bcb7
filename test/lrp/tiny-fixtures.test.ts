/** Element-wise agreement with the numpy reference of lrp_numpy_tiny.py (fixtures from make_lrp_fixtures.py). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackendNode } from '../../src/cli/loadModelNode';
import { explain } from '../../src/core/lrp/methods';
import type { Model } from '../../src/core/model/types';
import { maxRelErr, readTiny, relevanceOf, tinyFixtureComposites, tinyModel } from './helpers';

const fixture = readTiny('tiny_preset_a.json');
const composites = tinyFixtureComposites();

describe.each(['cpu', 'wasm'] as const)('tiny network vs numpy reference (%s backend)', (backend) => {
  let model: Model;
  beforeAll(async () => {
    await setBackendNode(backend);
    model = await tinyModel(fixture);
  });
  afterAll(async () => {
    model.dispose();
    await setBackendNode('cpu');
  });

  for (const [caseName, c] of Object.entries(fixture.cases)) {
    describe(caseName, () => {
      const input = Float32Array.from(c.input);
      for (const [mapName, composite] of Object.entries(composites)) {
        it(`${mapName} matches element-wise`, async () => {
          const R = await relevanceOf(model, input, composite);
          expect(maxRelErr(R, c.maps[mapName]!)).toBeLessThan(2e-5);
        });
      }
      it('explain(paper) gives the reference logits, probabilities and map', async () => {
        const e = await explain(model, input, { method: 'paper' });
        e.logits.forEach((v, i) => expect(v).toBeCloseTo(c.logits[i]!, 4));
        const p1 = 1 / (1 + Math.exp(c.logits[0]! - c.logits[1]!));
        expect(e.probabilities[1]).toBeCloseTo(p1, 5);
        expect(maxRelErr(e.relevance, c.maps.paper!)).toBeLessThan(2e-5);
      });
      it('explain(gradient-x-input) matches grad_input', async () => {
        const e = await explain(model, input, { method: 'gradient-x-input' });
        expect(maxRelErr(e.relevance, c.maps.grad_input!)).toBeLessThan(2e-5);
      });
    });
  }
});
