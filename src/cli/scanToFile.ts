/**
 * What `resample` and `convert-dicom` share: one scan (NIfTI file, DICOM folder or zip) in, one file
 * out (--out), an optional --series, --help; the scan read and its notices said on stderr.
 */
import type { ParseArgsConfig } from 'node:util';
import { InputError } from '../core/errors';
import type { ScanImage } from '../core/input';
import { loadScan, parseOptions } from './files';

type Options = NonNullable<ParseArgsConfig['options']>;

const SCAN_TO_FILE_OPTIONS = {
  out: { type: 'string', short: 'o' },
  series: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ScanToFileCommand<T extends Options> {
  usage: string;
  /** The one sentence for a call without one scan or without --out. */
  wrongUse: string;
  /** The command's own options, beside --out, --series and --help. */
  options: T;
  /** Refuses a scan the command cannot take (before its notices are printed). */
  accept?: (scan: ScanImage, path: string) => void;
}

/** Parses and checks the call and reads the scan; null after --help (the usage is printed). */
export async function readScanForFile<T extends Options>(command: string, args: string[], spec: ScanToFileCommand<T>) {
  const { values, positionals } = parseOptions(command, args, { ...SCAN_TO_FILE_OPTIONS, ...spec.options });
  // The shared options, typed here (the command's own come back typed in `values`).
  const { help, out, series } = values as { help?: boolean; out?: string; series?: string };
  if (help) {
    process.stdout.write(spec.usage);
    return null;
  }
  if (positionals.length !== 1 || !out) throw new InputError(spec.wrongUse);
  const path = positionals[0]!;
  const scan = await loadScan(path, { series });
  spec.accept?.(scan, path);
  for (const notice of scan.notices) process.stderr.write(`note: ${notice.text}\n`);
  return { scan, out, values };
}
