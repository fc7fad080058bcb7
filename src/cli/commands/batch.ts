/**
 * batch <bids_dir|manifest.csv> <out_dir> participant|group [options]
 *
 * A BIDS App-style batch run: the participant level analyses each subject (its CAT12 GM map) and
 * writes BIDS derivatives; the group level summarizes them (AUCs, relevance-volume correlation,
 * group maps, an HTML report). Under SLURM each array task takes its share of the subjects.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { failureFile, subjectFiles } from '../../core/cohort/derivatives';
import { parseShard, shardFromSlurm, WHOLE, type Shard } from '../../core/cohort/shard';
import { MEASURED_GM_MAP_TASK, sizeArray, slurmScripts, type TaskFigures } from '../../core/cohort/slurm';
import { InputError } from '../../core/errors';
import { unknownMethodMessage, type MethodId } from '../../core/lrp/registry';
import { parseOptions } from '../files';
import { REPO_ROOT } from '../loadModelNode';
import { inputPath, readDataset, type Dataset } from '../cohort/dataset';
import { writeAtomic } from '../cohort/fsio';

const USAGE = `usage: relevance-viewer batch <bids_dir|manifest.csv> <out_dir> participant|group [options]
  --participant-label L...  only these subjects (labels with or without "sub-")
  --shard i/n               run the i-th of n shards (default: from SLURM_ARRAY_TASK_ID/COUNT, else all)
  --model <dir|model.json|file.h5|seeded>  --method paper  --backend wasm-simd|cpu|wasm  --threads 1
  --dry-run                 list subjects, their inputs and shards; run nothing
  --slurm-script            write <out_dir>/code/{participant.sbatch,group.sbatch,submit.sh} and exit
     --tasks N (array size, default min(subjects, 100))  --concurrency K (default 50)  --partition P
  --seed S --resamples B    bootstrap of the group level's AUC intervals (default 20210101, 2000)
Outputs are BIDS derivatives; a subject whose sidecar exists is skipped, so a rerun resumes.
`;

/** BIDS Apps take "--participant_label 01 02 03": gather the values up to the next option. */
function splitLabels(args: string[]): { rest: string[]; labels: string[] } {
  const rest: string[] = [],
    labels: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--participant-label' || args[i] === '--participant_label') {
      while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) labels.push(args[++i]!);
      if (!labels.length) throw new InputError('--participant-label needs at least one label, e.g. --participant-label 01 02.');
    } else rest.push(args[i]!);
  }
  return { rest, labels };
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${name} must be a positive integer, not "${value}".`);
  return n;
}

function integer(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InputError(`${name} must be an integer, not "${value}".`);
  return n;
}

function state(dataset: Dataset, outDir: string, s: Dataset['subjects'][number]): string {
  if (existsSync(join(outDir, subjectFiles(s).sidecar))) return 'finished';
  if (existsSync(join(outDir, failureFile(s.key)))) return 'failed before';
  if (!s.input) return 'no input';
  return existsSync(inputPath(dataset, s.input.path)) ? 'to do' : 'input missing';
}

function dryRun(dataset: Dataset, outDir: string, shardCount: number, shard: Shard | null): void {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  dataset.subjects.forEach((s, k) => {
    const kind = s.input?.kind ?? 'none';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const shardOfSubject = k % shardCount;
    if (shard && shardOfSubject !== shard.index) return;
    lines.push(`${s.key}\t${kind}\t${s.input?.path ?? s.problem}\tshard ${shardOfSubject}/${shardCount}\t${state(dataset, outDir, s)}`);
  });
  process.stdout.write(lines.join('\n') + '\n');
  const kinds = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  process.stderr.write(`${dataset.subjects.length} subjects (${kinds}) in ${shardCount} shard${shardCount > 1 ? 's' : ''}; nothing was run (--dry-run).\n`);
}

/** Figures of an earlier (pilot) run in this output folder, else the benchmark's. */
function measuredFigures(outDir: string): { figures: TaskFigures; from: string } {
  const logs = join(outDir, 'logs');
  const tasks = existsSync(logs) ? readdirSync(logs).filter((f) => /^task-\d+of\d+\.json$/.test(f)) : [];
  const runs = tasks
    .map((f) => JSON.parse(readFileSync(join(logs, f), 'utf8')) as { secondsPerSubject: number | null; startupSeconds: number; peakRssMb: number })
    .filter((r) => r.secondsPerSubject !== null);
  if (!runs.length) return { figures: MEASURED_GM_MAP_TASK, from: 'the benchmark in docs/cohorts.md (no task logs in this output folder yet)' };
  return {
    figures: {
      secondsPerSubject: Math.max(...runs.map((r) => r.secondsPerSubject!)),
      startupSeconds: Math.max(...runs.map((r) => r.startupSeconds)),
      peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    },
    from: `${runs.length} task log${runs.length > 1 ? 's' : ''} in ${logs}`,
  };
}

export async function run(args: string[]): Promise<number> {
  const { rest, labels } = splitLabels(args);
  const { values: o, positionals } = parseOptions('batch', rest, {
    shard: { type: 'string' },
    model: { type: 'string' },
    method: { type: 'string', default: 'paper' },
    backend: { type: 'string', default: 'wasm-simd' },
    threads: { type: 'string', default: '1' },
    'dry-run': { type: 'boolean' },
    'slurm-script': { type: 'boolean' },
    tasks: { type: 'string' },
    concurrency: { type: 'string' },
    partition: { type: 'string' },
    seed: { type: 'string' },
    resamples: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [source, outArg, level] = positionals;
  if (positionals.length !== 3 || (level !== 'participant' && level !== 'group')) {
    throw new InputError('batch needs <bids_dir|manifest.csv> <out_dir> participant|group; run "relevance-viewer batch --help".');
  }
  const method = o.method as MethodId;
  const unknown = unknownMethodMessage(method);
  if (unknown) throw new InputError(unknown);
  const outDir = resolve(outArg!);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new InputError(`${outArg} is a file; give a folder for the outputs.`);
  const dataset = readDataset(source!, labels);
  const log = (line: string) => process.stderr.write(line + '\n');

  const shard = typeof o.shard === 'string' ? parseShard(o.shard) : shardFromSlurm(process.env);
  if (o['slurm-script']) {
    const { figures, from } = measuredFigures(outDir);
    const sizing = sizeArray(dataset.subjects.length, positiveInt(o.tasks, '--tasks', 100), positiveInt(o.concurrency, '--concurrency', 50), figures);
    const passOn = [
      ...(labels.length ? ['--participant-label', ...labels] : []),
      ...(o.model ? ['--model', resolve(o.model)] : []),
      '--method',
      method,
      '--backend',
      o.backend!,
      '--threads',
      o.threads!,
    ];
    const scripts = slurmScripts({
      sizing,
      cli: [join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), join(REPO_ROOT, 'src', 'cli', 'main.ts')],
      participantArgs: [resolve(source!), outDir, 'participant', ...passOn],
      groupArgs: [
        resolve(source!),
        outDir,
        'group',
        ...(labels.length ? ['--participant-label', ...labels] : []),
        ...(o.seed ? ['--seed', o.seed] : []),
        ...(o.resamples ? ['--resamples', o.resamples] : []),
      ],
      logDir: join(outDir, 'logs'),
      cpusPerTask: Number(o.threads),
      ...(o.partition ? { partition: o.partition } : {}),
    });
    const code = join(outDir, 'code');
    // SLURM opens each task's --output file before the task starts: its folder must exist.
    mkdirSync(join(outDir, 'logs'), { recursive: true });
    writeAtomic(join(code, 'participant.sbatch'), scripts.participant);
    writeAtomic(join(code, 'group.sbatch'), scripts.group);
    writeAtomic(join(code, 'submit.sh'), scripts.submit);
    log(
      `wrote ${code}/{participant.sbatch,group.sbatch,submit.sh}: ${sizing.tasks} array tasks, ${sizing.concurrency} at a time, ${sizing.memoryMb} MB and ${sizing.timeMinutes} min each (figures from ${from}); run "bash ${code}/submit.sh"`,
    );
    return 0;
  }
  if (o['dry-run']) {
    dryRun(dataset, outDir, shard?.count ?? positiveInt(o.tasks, '--tasks', 1), shard);
    return 0;
  }
  if (level === 'group') {
    const { runGroupLevel } = await import('../cohort/groupLevel');
    runGroupLevel({
      dataset,
      outDir,
      log,
      ...(o.seed !== undefined ? { seed: integer(o.seed, '--seed') } : {}),
      ...(o.resamples !== undefined ? { resamples: positiveInt(o.resamples, '--resamples', 2000) } : {}),
    });
    return 0;
  }
  const { runParticipantLevel } = await import('../cohort/participant');
  const summary = await runParticipantLevel({
    dataset,
    outDir,
    shard: shard ?? WHOLE,
    method,
    backend: o.backend!,
    threads: positiveInt(o.threads, '--threads', 1),
    log,
    ...(o.model ? { model: o.model } : {}),
  });
  if (summary.failed)
    log(`${summary.failed} subject${summary.failed > 1 ? 's' : ''} failed; the reasons are in ${join(outDir, 'logs')} and will be in the group report.`);
  return 0;
}
