/**
 * The participant level as a real SLURM job array (6 tasks, 2 at a time) on a one-node cluster
 * started here on localhost, then the group level as a job that depends on it (afterok). One task is
 * cancelled midway (scancel) and the scripts are submitted again: the second round finishes the
 * rest without redoing finished subjects. The outputs must equal a single-process run: maps and
 * sidecars byte for byte, tables number for number.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBidsCohort } from './helpers/bidsCohort';
import { cli } from './helpers/cli';
import { startCluster, slurmUnavailable, type Cluster } from './helpers/slurmCluster';
import { listTree, treeDifferences, tsvValues } from './helpers/tree';

const unavailable = slurmUnavailable();
if (unavailable) console.warn(`cohort-slurm.test.ts skipped: ${unavailable}`);

const sidecar = (out: string, id: string) => join(out, `sub-${id}`, 'anat', `sub-${id}_space-IXI549Space_desc-relevance_statmap.json`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(unavailable !== null)('batch on a SLURM cluster', () => {
  let tmp: string, bids: string, single: string, onCluster: string;
  let cluster: Cluster;
  const rounds: { array: string; group: string }[] = [];
  let throttle = '';
  let unfinishedAtCancel: string[] = [];
  let before = new Map<string, bigint>();

  const submit = () => {
    const r = cluster.run('bash', [join(onCluster, 'code', 'submit.sh')]);
    expect(r.code, r.stderr).toBe(0);
    const m = /participant array job (\d+), group job (\d+)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    rounds.push({ array: m![1]!, group: m![2]! });
    return rounds.at(-1)!;
  };
  const queue = () => cluster.run('squeue', ['-h', '-o', '%i %T %r']).stdout.trim();
  const waitUntil = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 20 * 60_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${what}: still waiting after 20 minutes\n${queue()}\n${cluster.logs()}`);
      await sleep(500);
    }
  };
  const taskLog = (array: string, i: number) => readFileSync(join(onCluster, 'logs', `slurm-${array}_${i}.out`), 'utf8');

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rv-slurm-'));
    bids = join(tmp, 'bids');
    single = join(tmp, 'single');
    onCluster = join(tmp, 'cluster');
    makeBidsCohort(bids, 8, 11); // 8 subjects in 6 tasks: task 0 runs sub-01 then sub-07
    cluster = await startCluster(join(tmp, 'slurm'));
    expect(cli('batch', bids, onCluster, 'participant', '--slurm-script', '--tasks', '6', '--concurrency', '2').code).toBe(0);

    // Round 1: cancel task 0 once its first subject is written, i.e. while it works on its second.
    const first = submit();
    throttle = cluster.run('scontrol', ['show', 'job', first.array]).stdout;
    await waitUntil('sub-01 on the cluster', () => existsSync(sidecar(onCluster, '01')));
    cluster.run('scancel', [`${first.array}_0`]);
    unfinishedAtCancel = ['07'].filter((id) => !existsSync(sidecar(onCluster, id)));
    // The reference, in one process, while the cluster works.
    expect(cli('batch', bids, single, 'participant').code).toBe(0);
    expect(cli('batch', bids, single, 'group').code).toBe(0);
    // The other tasks finish; the group job can then never start (a task failed): cancel it.
    await waitUntil('round 1', () => !new RegExp(`^${first.array}_`, 'm').test(queue()));
    await waitUntil('the group job to give up on its dependency', () => /DependencyNeverSatisfied/.test(queue()));
    cluster.run('scancel', [first.group]);
    await waitUntil('the cancelled group job', () => queue() === '');
    before = new Map(
      listTree(onCluster)
        .filter((f) => f.startsWith('sub-'))
        .map((f) => [f, statSync(join(onCluster, f), { bigint: true }).mtimeNs]),
    );

    // Round 2: the same scripts again.
    submit();
    await waitUntil('round 2', () => {
      const q = queue();
      if (/DependencyNeverSatisfied/.test(q)) throw new Error(`a task failed in round 2:\n${q}\n${cluster.logs()}`);
      return q === '';
    });
  }, 40 * 60_000);

  afterAll(async () => {
    await cluster?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it('round 1 ran 6 array tasks, 2 at a time, each on its own share; the cancelled one left its second subject', () => {
    expect(throttle).toMatch(/ArrayTaskThrottle=2/);
    const [r1] = rounds;
    expect(taskLog(r1!.array, 0)).toContain('task 0/6: 2 subjects, 2 to do');
    expect(taskLog(r1!.array, 1)).toMatch(/task 1\/6: 2 subjects, 2 to do[\s\S]*finished: 2 analysed/);
    for (let i = 2; i < 6; i++) expect(taskLog(r1!.array, i)).toMatch(/task \d\/6: 1 subjects, 1 to do[\s\S]*finished: 1 analysed, 0 skipped, 0 failed/);
    expect(unfinishedAtCancel).toEqual(['07']);
  });

  it('round 2 finished the rest without redoing finished subjects, then ran the group job', () => {
    const [, r2] = rounds;
    const log0 = taskLog(r2!.array, 0);
    expect(log0).toContain('skip sub-01: finished earlier');
    expect(log0).toContain('done sub-07');
    expect(log0).toMatch(/finished: 1 analysed, 1 skipped, 0 failed/);
    for (let i = 1; i < 6; i++) expect(taskLog(r2!.array, i)).toMatch(/, 0 to do[\s\S]*finished: 0 analysed/);
    // Files of subjects finished in round 1 were not written again.
    const rewritten = [...before].filter(([f, mtime]) => statSync(join(onCluster, f), { bigint: true }).mtimeNs !== mtime);
    expect(rewritten).toEqual([]);
    expect(listTree(onCluster).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readFileSync(join(onCluster, 'logs', `slurm-group-${r2!.group}.out`), 'utf8')).toMatch(/group: 8 analysed, 0 failed, 0 missing/);
  });

  it('maps, inputs, region tables and sidecars equal the single-process run byte for byte', () => {
    expect(treeDifferences(single, onCluster, (p) => p.startsWith('sub-') || p === 'dataset_description.json')).toEqual([]);
    expect(treeDifferences(single, onCluster, (p) => p.startsWith('group/') && p.endsWith('.nii.gz'))).toEqual([]);
    expect(listTree(onCluster).filter((f) => f.endsWith('_statmap.json'))).toHaveLength(8);
  });

  it('group tables equal the single-process run number for number', () => {
    for (const table of ['subjects.tsv', 'auc.tsv']) {
      expect(tsvValues(join(onCluster, 'group', table))).toEqual(tsvValues(join(single, 'group', table)));
    }
    const stats = (dir: string) => JSON.parse(readFileSync(join(dir, 'group', 'statistics.json'), 'utf8'));
    expect(stats(onCluster)).toEqual(stats(single));
    expect(stats(onCluster).n).toBe(8);
  });
});
