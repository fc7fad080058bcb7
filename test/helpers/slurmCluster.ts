/**
 * A real one-node SLURM cluster on localhost for tests: munged, slurmctld and slurmd started as
 * children of the test in a temporary folder (their own key, sockets, spool, state and ports;
 * proctrack/linuxproc and task/none, so no cgroups are needed), stopped by `stop()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** Why a cluster cannot be started here, or null when it can. */
export function slurmUnavailable(): string | null {
  for (const tool of ['sbatch', 'squeue', 'sinfo', 'scontrol', 'slurmctld', 'slurmd', 'munged']) {
    const r = spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`], { encoding: 'utf8' });
    if (r.status !== 0) return `${tool} is not installed (Debian: apt-get install slurm-wlm munge; .ci/run does this)`;
  }
  if (process.getuid?.() !== 0) return 'slurmd has to run as root to start jobs, and this test is not running as root';
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sbin = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim() || `/usr/sbin/${tool}`;

export interface Cluster {
  env: NodeJS.ProcessEnv;
  dir: string;
  run(command: string, args: string[]): { code: number | null; stdout: string; stderr: string };
  logs(): string;
  stop(): Promise<void>;
}

export async function startCluster(dir: string): Promise<Cluster> {
  for (const d of ['munge', 'spool', 'state', 'log']) mkdirSync(join(dir, d), { recursive: true });
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'munge'), 0o755); // munge wants its socket folder reachable by all
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  const socket = join(dir, 'munge', 'munge.sock');
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const memoryMb = Math.floor((totalmem() / 2 ** 20) * 0.8);
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=rvtest',
      'SlurmctldHost=localhost',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'MpiDefault=none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU_Memory',
      'SchedulerType=sched/backfill',
      'ReturnToService=2',
      'SlurmdTimeout=60',
      'MinJobAge=600',
      `NodeName=localhost CPUs=${Math.min(2, cpus().length)} RealMemory=${memoryMb} State=UNKNOWN`,
      'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  // No cgroup plugin is used (proctrack/linuxproc, task/none); this only keeps slurmd off systemd.
  writeFileSync(join(dir, 'cgroup.conf'), 'CgroupPlugin=autodetect\nIgnoreSystemd=yes\n');
  const env = { ...process.env, SLURM_CONF: conf };
  const children: ChildProcess[] = [];
  const daemon = (tool: string, args: string[]) => {
    const child = spawn(sbin(tool), args, { env, stdio: 'ignore' });
    children.push(child);
    return child;
  };
  daemon('munged', [
    '--foreground',
    '--force',
    `--socket=${socket}`,
    `--key-file=${key}`,
    `--log-file=${join(dir, 'log', 'munged.log')}`,
    `--pid-file=${join(dir, 'munge', 'munged.pid')}`,
    `--seed-file=${join(dir, 'munge', 'munged.seed')}`,
  ]);
  await new Promise((r) => setTimeout(r, 500));
  daemon('slurmctld', ['-D', '-i']);
  daemon('slurmd', ['-D', '-N', 'localhost']);
  const run = (command: string, args: string[]) => {
    const r = spawnSync(command, args, { env, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const logs = () =>
    ['slurmctld.log', 'slurmd.log', 'munged.log']
      .map((f) => {
        try {
          return `== ${f}\n${readFileSync(join(dir, 'log', f), 'utf8')
            .split('\n')
            .slice(-15)
            .join('\n')}`;
        } catch {
          return `== ${f}: none`;
        }
      })
      .join('\n');
  const deadline = Date.now() + 90_000;
  for (;;) {
    const state = run('sinfo', ['-h', '-o', '%T']).stdout.trim();
    if (state === 'idle') break;
    if (Date.now() > deadline) throw new Error(`the test cluster did not become idle (sinfo: "${state}")\n${logs()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    env,
    dir,
    run,
    logs,
    stop: async () => {
      run('scontrol', ['shutdown']);
      await new Promise((r) => setTimeout(r, 1000));
      for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    },
  };
}
