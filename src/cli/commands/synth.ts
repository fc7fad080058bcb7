/**
 * synth --n <count> --seed <s> --out <dir> [--groups CN,MCI,AD] [--float32]
 * Writes a synthetic cohort: <id>.nii.gz (mwp1-like GM map on the CAT12 grid), <id>_atrophy.nii.gz
 * (ground truth) and cohort.csv. Subject i depends only on (seed, i, group).
 */
import { InputError } from '../../core/errors';
import { GROUPS, groupOf, synthSubject, type Group } from '../../training/synth';
import { loadSynthContext } from '../../training/node/assets';
import { csvRow, writeCsv, writeSubject } from '../../training/node/cohortFiles';
import { parseOptions } from '../files';

export async function run(args: string[]): Promise<number> {
  const { values: o } = parseOptions('synth', args, {
    n: { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    groups: { type: 'string' },
    float32: { type: 'boolean' },
  });
  const n = Number(o.n),
    seed = Number(o.seed),
    out = o.out;
  if (!Number.isInteger(n) || n < 1) throw new InputError('Give the number of subjects with --n <count> (a positive integer).');
  if (!Number.isInteger(seed)) throw new InputError('--seed must be an integer.');
  if (typeof out !== 'string') throw new InputError('Give the output folder with --out <dir>.');
  const groups = (typeof o.groups === 'string' ? o.groups.split(',') : [...GROUPS]) as Group[];
  if (groups.some((g) => !GROUPS.includes(g))) throw new InputError('--groups takes a comma-separated list of CN, MCI, AD.');
  const ctx = loadSynthContext();
  const rows: string[] = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const s = synthSubject(ctx, seed, i, groupOf(i, groups));
    const f = writeSubject(out, s, o.float32 ? 'float32' : 'uint8');
    rows.push(csvRow(s.meta, f.file, f.atrophyFile));
    if ((i + 1) % 10 === 0 || i + 1 === n) process.stderr.write(`\r${i + 1}/${n} subjects`);
  }
  writeCsv(out, rows);
  process.stderr.write(`\nwrote ${n} subjects to ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return 0;
}
