/**
 * Reading a 200-slice DICOM series in Node (the same readScan the web worker runs): a synthetic
 * 256 x 256 x 200 int16 series made at bench time (scripts/dicom-synth.ts), uncompressed, JPEG
 * lossless (made by gdcmconv when installed), and, with the codec packages' own encoders, JPEG-LS
 * and JPEG 2000. Each encoding runs in its own process, so that its memory figure is its own:
 * the peak resident memory the reads add on top of the files already in memory.
 * Prints one JSON line per encoding (median of --runs reads after a first one that loads the codec).
 *   npx tsx scripts/bench-dicom.ts [--runs 3] [--slices 200] [--encodings explicit-le,jpeg-lossless,jpeg-ls,jpeg-2000] [--js]
 *   --js: the codecs' pure-JavaScript builds instead of their WebAssembly ones (as the tests use)
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { codecBuilds } from '../src/core/dicom';
import { readScan } from '../src/core/input';
import { useCodecWasmNode } from '../src/cli/codecWasmNode';
import { syntheticSeries, type SynthEncoding } from './dicom-synth';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    slices: { type: 'string', default: '200' },
    encodings: { type: 'string', default: 'explicit-le,jpeg-lossless,jpeg-ls,jpeg-2000' },
    js: { type: 'boolean' },
    child: { type: 'string' },
  },
});
const runs = Number(values.runs);
const slices = Number(values.slices);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

async function benchOne(encoding: SynthEncoding): Promise<Record<string, unknown>> {
  if (!values.js) useCodecWasmNode(); // as the CLI does
  const files = await syntheticSeries({ slices, rows: 256, cols: 256, encoding });
  if (files.length === 0) return { bench: 'dicom-read-node', encoding, skipped: 'gdcmconv is not installed (apt-get install libgdcm-tools)' };
  const rssBefore = process.memoryUsage.rss();
  const times: number[] = [];
  for (let r = 0; r < runs + 1; r++) {
    const t0 = performance.now();
    const scan = await readScan(files);
    if (r > 0) times.push(performance.now() - t0);
    if (scan.volume.dims.join('x') !== `256x256x${slices}`) throw new Error(`read ${scan.volume.dims.join('x')}`);
  }
  const builds = codecBuilds();
  return {
    bench: 'dicom-read-node',
    encoding,
    codec: encoding === 'jpeg-2000' ? builds.openjpeg : encoding === 'jpeg-ls' ? builds.charls : encoding === 'jpeg-lossless' ? 'js' : 'none',
    slices,
    matrix: '256x256',
    input_mib: mib(files.reduce((n, f) => n + f.bytes.length, 0)),
    median_ms: Math.round(median(times)),
    runs,
    peak_rss_added_mib: mib(process.resourceUsage().maxRSS * 1024 - rssBefore),
    volume_mib: mib(256 * 256 * slices * 4),
    node: process.version,
  };
}

if (values.child) {
  process.stdout.write(JSON.stringify(await benchOne(values.child as SynthEncoding)) + '\n');
} else {
  for (const encoding of values.encodings!.split(',')) {
    const args = [process.argv[1]!, '--child', encoding, '--runs', String(runs), '--slices', String(slices), ...(values.js ? ['--js'] : [])];
    const p = spawnSync(process.execPath, [...process.execArgv, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const line = p.stdout.trim().split('\n').pop() ?? '';
    process.stdout.write(
      p.status === 0 && line.startsWith('{')
        ? `${line}\n`
        : `${JSON.stringify({ bench: 'dicom-read-node', encoding, error: p.stderr.trim().split('\n').pop() })}\n`,
    );
  }
}
