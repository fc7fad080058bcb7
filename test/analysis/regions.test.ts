import { describe, expect, it } from 'vitest';
import { hemisphereOf, lobeOfRegion, lobeScores, LOBES, regionAndLobeScores, regionScores } from '../../src/core/analysis/regions';
import { aal116, rng } from './fixtures';

const aal = aal116();
const regions = aal.map(({ index, name }) => ({ index, name }));

function randomCase(n: number, seed: number) {
  const r = rng(seed);
  const relevance = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    relevance[v] = (r() - 0.4) * 0.01;
    labels[v] = r() < 0.3 ? 0 : 1 + Math.floor(r() * 118); // 117, 118: labels not in the list
  }
  return { relevance, labels };
}

describe('regionScores', () => {
  const { relevance, labels } = randomCase(60_000, 11);

  it('agree with a direct loop per region (the paper score is the sum of max(R, 0) on the raw map)', () => {
    const scores = regionScores(relevance, labels, regions);
    expect(scores.map((s) => s.index)).toEqual(regions.map((r) => r.index));
    for (const s of scores) {
      let voxels = 0,
        pos = 0,
        neg = 0;
      for (let v = 0; v < labels.length; v++) {
        if (labels[v] !== s.index) continue;
        voxels++;
        pos += Math.max(relevance[v], 0);
        neg += Math.min(relevance[v], 0);
      }
      expect(s.voxels).toBe(voxels);
      expect(s.positiveSum).toBeCloseTo(pos, 10);
      expect(s.negativeSum).toBeCloseTo(neg, 10);
      expect(s.meanRelevance).toBeCloseTo((pos + neg) / voxels, 10);
    }
  });

  it('rounds Float32Array labels and gives the same scores', () => {
    const asFloat = Float32Array.from(labels, (l) => l + (l % 2 ? 1e-4 : -1e-4));
    expect(regionScores(relevance, asFloat, regions)).toEqual(regionScores(relevance, labels, regions));
  });

  it('reads the hemisphere from the AAL suffix', () => {
    expect(hemisphereOf('Hippocampus_L')).toBe('L');
    expect(hemisphereOf('Hippocampus_R')).toBe('R');
    expect(hemisphereOf('Vermis_4_5')).toBe('-');
    const counts = { L: 0, R: 0, '-': 0 };
    for (const s of regionScores(relevance, labels, regions)) counts[s.hemisphere]++;
    expect(counts).toEqual({ L: 54, R: 54, '-': 8 });
  });

  it('refuses maps of different sizes', () => {
    expect(() => regionScores(new Float32Array(10), new Uint8Array(11), regions)).toThrow(RangeError);
  });
});

describe('lobe grouping of the AAL 116 regions', () => {
  // Independent reference: the lobe digits of the AAL codes in aal.nii.txt, with our documented choices.
  function byCode(name: string, code: number): string | null {
    if (name.startsWith('Hippocampus')) return 'hippocampus';
    if (code >= 4110 && code < 4300) return 'temporal'; // parahippocampal, amygdala (medial temporal)
    const group: Record<number, string> = { 2: 'frontal', 3: 'insulaCingulate', 5: 'occipital', 6: 'parietal', 8: 'temporal', 9: 'cerebellum' };
    if (code >= 4000 && code < 4100) return 'insulaCingulate';
    if (code >= 7000 && code < 7100) return 'basalGanglia';
    if (code >= 7100 && code < 7200) return null; // thalamus
    return group[Math.floor(code / 1000)] ?? null;
  }

  it('every region goes where its AAL code says (amygdala/parahippocampal: temporal; thalamus: none)', () => {
    for (const { name, code } of aal) expect([name, lobeOfRegion(name)]).toEqual([name, byCode(name, code)]);
    expect(lobeOfRegion('Hippocampus_L')).toBe('hippocampus');
    expect(lobeOfRegion('Fusiform_R')).toBe('occipital');
    expect(lobeOfRegion('Amygdala_L')).toBe('temporal');
    expect(lobeOfRegion('Thalamus_R')).toBeNull();
  });

  it('hippocampus is AAL 37 + 38', () => {
    const { relevance, labels } = randomCase(30_000, 5);
    const lobes = lobeScores(relevance, labels, regions);
    expect(lobes.map((l) => l.key)).toEqual(LOBES.map((l) => l.key));
    const hip = lobes.find((l) => l.key === 'hippocampus')!;
    expect(hip.regionIndices).toEqual([37, 38]);
    let pos = 0;
    for (let v = 0; v < labels.length; v++) if (labels[v] === 37 || labels[v] === 38) pos += Math.max(0, relevance[v]);
    expect(hip.positiveSum).toBeCloseTo(pos, 10);
  });

  it('lobe sums and whole brain agree with a direct loop; one pass gives regions and lobes', () => {
    const { relevance, labels } = randomCase(50_000, 9);
    const { regions: rs, lobes } = regionAndLobeScores(relevance, labels, regions);
    expect(rs).toEqual(regionScores(relevance, labels, regions));
    expect(lobes).toEqual(lobeScores(relevance, labels, regions));
    const nameOf = new Map(aal.map((a) => [a.index, a.name]));
    for (const lobe of lobes) {
      let voxels = 0,
        pos = 0,
        neg = 0;
      for (let v = 0; v < labels.length; v++) {
        const l = labels[v];
        const inLobe = lobe.key === 'wholeBrain' ? l > 0 : nameOf.has(l) && lobeOfRegion(nameOf.get(l)!) === lobe.key;
        if (!inLobe) continue;
        voxels++;
        pos += Math.max(relevance[v], 0);
        neg += Math.min(relevance[v], 0);
      }
      expect(lobe.voxels).toBe(voxels);
      expect(lobe.positiveSum).toBeCloseTo(pos, 9);
      expect(lobe.negativeSum).toBeCloseTo(neg, 9);
    }
  });
});
