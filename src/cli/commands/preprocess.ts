/**
 * preprocess <scan>... --out <dir>: the raw-T1 stage on each scan. Writes mwp1.nii.gz (float32 on the
 * 121x145x121 grid: an approximate CAT12-like modulated GM map, not CAT12), wm.nii.gz and qc.json, in
 * csf.nii.gz, in <dir> for one scan, in <dir>/<scan name>/ for several. A scan that fails QC still gets its qc.json
 * (so the reason can be read) but no maps, and the command exits 2.
 */
import { join } from 'node:path';
import { InputError } from '../../core/errors';
import { preprocessT1 } from '../../core/preprocess';
import { loadScan, parseOptions, scanStem } from '../files';
import { loadPreprocessTemplatesNode } from '../preprocessAssetsNode';
import { writePreprocessOutputs } from '../preprocessOutputs';

const USAGE = `usage: relevance-viewer preprocess <scan.nii[.gz] | DICOM folder | zip>... --out <dir>
  Makes an approximate CAT12-like gray-matter map (mwp1.nii.gz), wm.nii.gz and qc.json from raw T1 scans.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('preprocess', args, {
    out: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0 || !values.out)
    throw new InputError('preprocess needs at least one scan and --out <dir>; run "relevance-viewer preprocess --help".');
  const templates = loadPreprocessTemplatesNode();
  let failures = 0;
  for (const scanPath of positionals) {
    const dir = positionals.length === 1 ? values.out : join(values.out, scanStem(scanPath));
    try {
      const image = await loadScan(scanPath);
      const result = await preprocessT1(image.volume, { templates, header: image.nifti?.header });
      await writePreprocessOutputs(dir, result); // only qc.json for a failed scan
      if (result.qc.verdict === 'fail') {
        throw new InputError(`${scanPath} failed quality control: ${result.qc.reason.text}`);
      }
      const v = result.volumes;
      process.stdout.write(
        `${scanPath}: ${result.qc.verdict} (GM ${v.gm_ml.toFixed(0)} ml, WM ${v.wm_ml.toFixed(0)} ml, CSF ${v.csf_ml.toFixed(0)} ml, TIV ${v.tiv_ml.toFixed(0)} ml) -> ${dir}\n`,
      );
      if (result.qc.verdict === 'doubtful') process.stderr.write(`warning (${scanPath}): ${result.qc.reason.text}\n`);
    } catch (e) {
      if (!(e instanceof InputError) || positionals.length === 1) throw e;
      failures++;
      process.stderr.write(`error (${scanPath}): ${e.message}\n`);
    }
  }
  return failures > 0 ? 2 : 0;
}
