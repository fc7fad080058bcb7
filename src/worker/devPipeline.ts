/**
 * TEMPORARY: replaced by src/core/pipeline.ts at integration.
 *
 * A stand-in for the real pipeline so the viewer can be built and tested before the NIfTI
 * reader, resampler, model runtime and LRP exist. It checks that the bytes are a NIfTI-1
 * image (so bad files fail as they will for real), uses the voxels as the background when the
 * image is already on the 121x145x121 grid (else a synthetic brain), fabricates a relevance
 * map of a few smooth blobs, and sleeps between stages to exercise progress and cancel.
 */
import { InputError } from '../core/errors';
import { maybeGunzip, niftiKind, readTinyNifti } from './gridNifti';
import { GRID_DIMS, GRID_VOXELS, METHODS, MODELS, type PipelineProgress, type PipelineRequest, type PipelineResult, type PipelineStage } from './protocol';

const [NX, NY] = GRID_DIMS;

export async function runPipeline(
  req: PipelineRequest,
  onProgress: (p: PipelineProgress) => void,
  signal: AbortSignal,
): Promise<PipelineResult> {
  const timings: Record<string, number> = {};
  const model = MODELS.find((m) => m.id === req.modelId);
  if (!model) throw new InputError(`The model "${req.modelId}" is not supported; choose one of the listed models.`);
  const method = METHODS.find((m) => m.id === req.method);
  if (!method) throw new InputError(`The method "${req.method}" is not supported; choose one of the listed methods.`);

  const stage = async <T>(name: PipelineStage, steps: number, work: () => T): Promise<T> => {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      onProgress({ stage: name, fraction: s / steps });
      await sleep(40, signal);
    }
    const out = work();
    onProgress({ stage: name, fraction: 1 });
    timings[name] = performance.now() - t0;
    return out;
  };

  const raw = await stage('reading', 3, () => {
    let bytes: Uint8Array;
    try {
      bytes = maybeGunzip(req.scanBytes);
    } catch {
      throw new InputError(`"${req.fileName}" looks gzipped but could not be decompressed; check that the download is complete.`);
    }
    if (niftiKind(bytes) === null) {
      throw new InputError(`"${req.fileName}" is not a NIfTI image; choose a .nii or .nii.gz file.`);
    }
    return bytes;
  });

  const background = await stage('grid', 3, () => {
    try {
      const img = readTinyNifti(raw);
      if (img.dims[0] === GRID_DIMS[0] && img.dims[1] === GRID_DIMS[1] && img.dims[2] === GRID_DIMS[2]) return img.data;
    } catch {
      /* fall through to the synthetic brain */
    }
    return syntheticBrain();
  });

  const seed = checksum(background) + req.method.length * 7;
  const logits = await stage('forward', 6, () => {
    const z = ((seed % 1000) / 1000 - 0.5) * 3; // a fixed pseudo-logit per scan and method
    return [-z, z];
  });
  const relevance = await stage('relevance', 8, () => blobs(seed, req.method));
  const display = await stage('post', 2, () => {
    const d = new Float32Array(GRID_VOXELS);
    for (let v = 0; v < GRID_VOXELS; v++) d[v] = Math.max(-1, Math.min(1, relevance[v] * 500));
    return d;
  });

  const e0 = Math.exp(logits[0]);
  const e1 = Math.exp(logits[1]);
  return {
    background,
    relevance,
    display,
    logits,
    probability: e1 / (e0 + e1),
    modelLabel: model.label,
    methodLabel: method.label,
    notices: ['Development pipeline: synthetic relevance (the real pipeline is not connected yet).'],
    timings,
    backend: 'dev (no tfjs)',
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DOMException('cancelled', 'AbortError'));
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(new DOMException('cancelled', 'AbortError')); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function checksum(values: Float32Array): number {
  let h = 0;
  for (let v = 0; v < values.length; v += 1013) h = (h * 31 + Math.round(values[v] * 1000)) >>> 0;
  return h;
}

/** World mm of voxel (i, j, k) on the grid. */
function world(i: number, j: number, k: number): [number, number, number] {
  return [-1.5 * i + 90, 1.5 * j - 126, 1.5 * k - 72];
}

/** An ellipsoidal head: cortex-like shell brighter than the core, zero outside. */
function syntheticBrain(): Float32Array {
  const out = new Float32Array(GRID_VOXELS);
  for (let k = 0, v = 0; k < GRID_DIMS[2]; k++)
    for (let j = 0; j < NY; j++)
      for (let i = 0; i < NX; i++, v++) {
        const [x, y, z] = world(i, j, k);
        const r = Math.hypot(x / 68, (y + 18) / 100, (z - 15) / 72);
        if (r > 1) continue;
        const shell = Math.exp(-(((r - 0.88) / 0.07) ** 2));
        const folds = 0.15 * Math.sin(x / 6) * Math.sin(y / 7) * Math.sin(z / 5);
        out[v] = Math.max(0, 0.25 + 0.6 * shell + folds * shell);
      }
  return out;
}

/** Smooth relevance blobs (hippocampi positive, a parietal one negative), varying by method. */
function blobs(seed: number, method: string): Float32Array {
  const jitter = (n: number) => (((seed >>> n) & 15) - 7.5) * 0.6;
  const sign = method === 'gradient' ? -1 : 1;
  const centres: Array<[number, number, number, number, number]> = [
    [-25 + jitter(0), -20, -15, 8, 0.003],
    [27, -22 + jitter(4), -14, 8, 0.0025],
    [40, -60, 40 + jitter(8), 10, -0.002 * sign],
    [-5, 40, 10, 12, 0.0012],
  ];
  const out = new Float32Array(GRID_VOXELS);
  for (let k = 0, v = 0; k < GRID_DIMS[2]; k++)
    for (let j = 0; j < NY; j++)
      for (let i = 0; i < NX; i++, v++) {
        const [x, y, z] = world(i, j, k);
        let s = 0;
        for (const [cx, cy, cz, w, a] of centres) {
          const d2 = (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2;
          if (d2 < 16 * w * w) s += a * Math.exp(-d2 / (2 * w * w));
        }
        out[v] = s;
      }
  return out;
}
