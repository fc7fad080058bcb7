/**
 * The participant level as a real SLURM job array (6 tasks, 2 at a time) on a one-node cluster
 * started here on localhost, then the group level as a job that depends on it (afterok). The
 * outputs must equal a single-process run: maps and sidecars byte for byte, tables number for
 * number.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBidsCohort } from './helpers/bidsCohort';
import { cli } from './helpers/cli';
import { startCluster, slurmUnavailable, type Cluster } from './helpers/slurmCluster';
import { treeDifferences, tsvValues } from './helpers/tree';

const unavailable = slurmUnavailable();
if (unavailable) console.warn(`cohort-slurm.test.ts skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('batch on a SLURM cluster', () => {
  let tmp: string, bids: string, single: string, onCluster: string;
  let cluster: Cluster | undefined;
  let submitted: { array: string; group: string };
  let throttle = '';

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rv-slurm-'));
    bids = join(tmp, 'bids');
    single = join(tmp, 'single');
    onCluster = join(tmp, 'cluster');
    makeBidsCohort(bids, 6, 11);
    cluster = await startCluster(join(tmp, 'slurm'));
    expect(cli('batch', bids, onCluster, 'participant', '--slurm-script', '--tasks', '6', '--concurrency', '2').code).toBe(0);
    const submit = cluster.run('bash', [join(onCluster, 'code', 'submit.sh')]);
    expect(submit.code, submit.stderr).toBe(0);
    const m = /participant array job (\d+), group job (\d+)/.exec(submit.stdout);
    expect(m, submit.stdout).not.toBeNull();
    submitted = { array: m![1]!, group: m![2]! };
    throttle = cluster.run('scontrol', ['show', 'job', submitted.array]).stdout;
    // The reference run in this process's machine while the cluster works (both are deterministic).
    expect(cli('batch', bids, single, 'participant').code).toBe(0);
    expect(cli('batch', bids, single, 'group').code).toBe(0);
    const deadline = Date.now() + 20 * 60_000;
    for (;;) {
      const queue = cluster.run('squeue', ['-h', '-o', '%i %T %r']).stdout.trim();
      if (queue === '') break;
      if (/DependencyNeverSatisfied/.test(queue)) throw new Error(`an array task failed, so the group job can never start:\n${queue}\n${cluster.logs()}`);
      if (Date.now() > deadline) throw new Error(`jobs still queued after 20 minutes:\n${cluster.run('squeue', []).stdout}\n${cluster.logs()}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }, 30 * 60_000);

  afterAll(async () => {
    await cluster?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it('ran 6 array tasks, 2 at a time, each on its own share, then the group job', () => {
    expect(throttle).toMatch(/ArrayTaskThrottle=2/);
    const logs = readdirSync(join(onCluster, 'logs'));
    for (let i = 0; i < 6; i++) {
      const log = readFileSync(join(onCluster, 'logs', `slurm-${submitted.array}_${i}.out`), 'utf8');
      expect(log).toContain(`task ${i}/6: 1 subjects, 1 to do`);
      expect(log).toMatch(/finished: 1 analysed, 0 skipped, 0 failed/);
      expect(logs).toContain(`task-${i}of6.json`);
    }
    const group = readFileSync(join(onCluster, 'logs', `slurm-group-${submitted.group}.out`), 'utf8');
    expect(group).toMatch(/group: 6 analysed, 0 failed, 0 missing/);
  });

  it('maps, inputs, region tables and sidecars equal the single-process run byte for byte', () => {
    expect(existsSync(join(onCluster, 'sub-06'))).toBe(true);
    expect(treeDifferences(single, onCluster, (p) => p.startsWith('sub-') || p === 'dataset_description.json')).toEqual([]);
    expect(treeDifferences(single, onCluster, (p) => p.startsWith('group/') && p.endsWith('.nii.gz'))).toEqual([]);
  });

  it('group tables equal the single-process run number for number', () => {
    for (const table of ['subjects.tsv', 'auc.tsv']) {
      expect(tsvValues(join(onCluster, 'group', table))).toEqual(tsvValues(join(single, 'group', table)));
    }
    const stats = (dir: string) => JSON.parse(readFileSync(join(dir, 'group', 'statistics.json'), 'utf8'));
    expect(stats(onCluster)).toEqual(stats(single));
    expect(stats(onCluster).n).toBe(6);
  });
});
