/**
 * The command-line entry: `npm run cli -- <command> [args]` or `npx relevance-viewer <command>`.
 * Each command lives in ./commands/<name>.ts and exports `run(args): Promise<number>` (exit code).
 * Input errors print one line on stderr and exit 2, never a stack trace.
 */
import { InputError } from '../core/errors';

type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  // name: { summary: '...', load: () => import('./commands/name') },
  resample: { summary: 'put a scan on the 121x145x121 CAT12 grid (float32 NIfTI)', load: () => import('./commands/resample') },
  info: { summary: 'show what the readers see in a scan (NIfTI, or the series of a DICOM folder or zip)', load: () => import('./commands/info') },
  'convert-dicom': { summary: 'write a DICOM series (folder or zip) as NIfTI', load: () => import('./commands/convert-dicom') },
  convert: { summary: 'convert Keras .h5 models to tfjs model.json + weights', load: () => import('./commands/convert') },
  quantize: { summary: "store a model folder's weights as uint8 or float16 (fold models: 12 MB budget)", load: () => import('./commands/quantize') },
  preprocess: { summary: 'make an approximate CAT12-like GM map (mwp1), WM map and QC from raw T1 scans', load: () => import('./commands/preprocess') },
  analyze: { summary: 'run the model and an explanation method on scans; write maps, results and region scores', load: () => import('./commands/analyze') },
  bench: { summary: 'time model load, preprocessing, forward pass and the paper LRP (wasm-simd, cpu or wasm)', load: () => import('./commands/bench') },
  synth: { summary: 'write a synthetic CAT12-like GM cohort with ground-truth atrophy maps', load: () => import('./commands/synth') },
  batch: { summary: 'BIDS-aware batch run (participant level, shardable under SLURM) and group report', load: () => import('./commands/batch') },
  evaluate: { summary: 'AUC and relevance metrics of a model on a synthetic cohort', load: () => import('./commands/evaluate') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(13)} ${c.summary}`);
  return `usage: relevance-viewer <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"; run with --help for the list.\n`);
    return 2;
  }
  try {
    return await (await command.load()).run(args);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`internal error: ${message}\n`);
    if (process.env.RV_DEBUG) console.error(e);
    return 1;
  }
}

// Exit once stdout has drained: on POSIX a pipe is written asynchronously, and process.exit would
// cut a long listing (batch --dry-run) short. Exiting explicitly ends kernel worker threads too.
main(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
