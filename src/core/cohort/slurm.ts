/**
 * sbatch scripts for a batch run (pure): the participant level as a job array, the group level as
 * one job that starts when every array task has succeeded (--dependency=afterok), and a submit
 * script that chains them. Each array task finds its share itself (SLURM_ARRAY_TASK_ID).
 */

export interface TaskFigures {
  /** Seconds per subject, start-up excluded. */
  secondsPerSubject: number;
  /** Seconds to start a task (runtime, model load). */
  startupSeconds: number;
  /** Peak resident memory of one task, MB. */
  peakRssMb: number;
}

/**
 * Measured with `scripts/bench-cohort.ts` on a shared 2-vCPU machine (wasm-simd, 1 thread, GM-map input,
 * paper method): 2.6 s per subject nearly idle, 9.4 s under heavy load (we take the slow one),
 * process start with tfjs about 6 s, peak RSS 460 MB. Used when no pilot run's task logs are at hand
 * (docs/cohorts.md); sizeArray adds the head-room.
 */
export const MEASURED_GM_MAP_TASK: TaskFigures = Object.freeze({ secondsPerSubject: 9.4, startupSeconds: 6, peakRssMb: 460 });

export interface Sizing {
  tasks: number;
  concurrency: number;
  memoryMb: number;
  timeMinutes: number;
  /** The group job reads every subject's relevance map once. */
  groupTimeMinutes: number;
}

/** Group level: reading (gunzip) one subject's relevance map, measured at about 1.4 s under heavy load. */
export const GROUP_SECONDS_PER_SUBJECT = 1.5;

/** Memory and time limits with head-room: x1.5 memory, x3 time (a shared node is slower than a benchmark), at least 10 minutes (group job: 30). */
export function sizeArray(subjects: number, tasks: number, concurrency: number, figures: TaskFigures): Sizing {
  const n = Math.max(1, Math.min(tasks, subjects));
  const perTask = Math.ceil(subjects / n);
  const seconds = (figures.startupSeconds + perTask * figures.secondsPerSubject) * 3;
  return {
    tasks: n,
    concurrency: Math.max(1, Math.min(concurrency, n)),
    memoryMb: Math.ceil((figures.peakRssMb * 1.5) / 100) * 100,
    timeMinutes: Math.max(10, Math.ceil(seconds / 60)),
    groupTimeMinutes: Math.max(30, Math.ceil(((figures.startupSeconds + subjects * GROUP_SECONDS_PER_SUBJECT) * 3) / 60)),
  };
}

/** Single-quoted for bash. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;

export interface SlurmScriptOptions {
  sizing: Sizing;
  /** The command that runs the CLI, e.g. [".../node_modules/.bin/tsx", ".../src/cli/main.ts"]. */
  cli: readonly string[];
  /** batch arguments after the command name for each level, e.g. [bids, out, "participant", ...]. */
  participantArgs: readonly string[];
  groupArgs: readonly string[];
  /** Folder for SLURM's own output files. */
  logDir: string;
  jobName?: string;
  partition?: string;
  cpusPerTask?: number;
}

function header(lines: string[], o: SlurmScriptOptions): string[] {
  return ['#!/bin/bash', ...lines.map((l) => `#SBATCH ${l}`), ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []), 'set -euo pipefail'];
}

export function slurmScripts(o: SlurmScriptOptions): { participant: string; group: string; submit: string } {
  const name = o.jobName ?? 'relevance-viewer';
  const { tasks, concurrency, memoryMb, timeMinutes, groupTimeMinutes } = o.sizing;
  const run = (args: readonly string[]) => `exec ${[...o.cli, 'batch', ...args].map(shellQuote).join(' ')}`;
  const participant = [
    ...header(
      [
        `--job-name=${name}-participant`,
        `--array=0-${tasks - 1}%${concurrency}`,
        `--cpus-per-task=${o.cpusPerTask ?? 1}`,
        `--mem=${memoryMb}M`,
        `--time=${hhmm(timeMinutes)}`,
        `--output=${shellQuote(`${o.logDir}/slurm-%A_%a.out`)}`,
      ],
      o,
    ),
    '# Each task takes every SLURM_ARRAY_TASK_COUNT-th subject from SLURM_ARRAY_TASK_ID on; finished subjects are skipped.',
    run(o.participantArgs),
    '',
  ].join('\n');
  const group = [
    ...header(
      [
        `--job-name=${name}-group`,
        '--cpus-per-task=1',
        `--mem=${Math.max(2000, memoryMb)}M`,
        `--time=${hhmm(groupTimeMinutes)}`,
        `--output=${shellQuote(`${o.logDir}/slurm-group-%j.out`)}`,
      ],
      o,
    ),
    run(o.groupArgs),
    '',
  ].join('\n');
  const submit = [
    '#!/bin/bash',
    '# Submits the participant array, then the group job to run once every array task has succeeded.',
    'set -euo pipefail',
    'here="$(cd "$(dirname "$0")" && pwd)"',
    'array="$(sbatch --parsable "$here/participant.sbatch")"',
    'array="${array%%;*}"',
    'group="$(sbatch --parsable --dependency=afterok:"$array" "$here/group.sbatch")"',
    'echo "participant array job $array, group job $group"',
    '',
  ].join('\n');
  return { participant, group, submit };
}
