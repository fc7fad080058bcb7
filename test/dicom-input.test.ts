/**
 * readScan on what people actually drop: scanner exports with several series, zips, mixes of
 * NIfTI and DICOM, and bad input (no images, truncated, unsupported syntax, a localizer only,
 * missing slices). Each refusal is one sentence; whatever can be read still is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { InputError, SeriesInputError } from '../src/core/errors';
import { readScan, type ScanFile } from '../src/core/input';
import { DICOM_FIXTURES, folderFiles, PATIENT_ID, PATIENT_NAME, seriesFiles } from './dicom/fixtures';

const bad = (name: string) => folderFiles(join(DICOM_FIXTURES, 'bad', name));
const nifti = (name: string): ScanFile => ({ name, bytes: new Uint8Array(readFileSync(join(__dirname, 'fixtures', 'nifti', name))) });
const zipOf = (name: string, files: ScanFile[]): ScanFile => ({ name, bytes: zipSync(Object.fromEntries(files.map((f) => [`export/${f.name}`, f.bytes]))) });

async function refusal(files: ScanFile[]): Promise<string> {
  try {
    await readScan(files);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const text = (e as Error).message;
    expect(text.split('\n')).toHaveLength(1);
    return text;
  }
  throw new Error('readScan accepted bad input');
}

describe('readScan: a scanner export', () => {
  it('lists every series and picks the largest 3D T1-like one; skips the report quietly, names the stray file', async () => {
    const scan = await readScan(seriesFiles('export-axial'));
    const list = scan.dicom!.series;
    // the 3-plane localizer shares one UID across three orientations: three 1-slice series
    expect(list.map((s) => [s.seriesNumber, s.slices])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
      [3, 68],
      [5, 24],
    ]);
    expect(list.filter((s) => s.problem).map((s) => s.seriesNumber)).toEqual([1, 1, 1]);
    const chosen = list.find((s) => s.id === scan.dicom!.chosen)!;
    expect(chosen).toMatchObject({ seriesNumber: 3, description: 'T1 MPRAGE ax', rows: 76, columns: 70, plane: 'axial', t1Like: true });
    expect(scan.volume.dims).toEqual([70, 76, 68]);
    expect(scan.name).toBe('T1 MPRAGE ax (series 3)');
    expect(scan.dicom!.patient).toEqual({ name: `${PATIENT_NAME} FAKE`, id: PATIENT_ID });
    const keys = scan.notices.map((n) => n.key);
    expect(keys).toContain('dicom.chosenT1');
    expect(scan.notices.find((n) => n.key === 'input.othersIgnored')!.text).toContain('README.txt');
    expect(scan.notices.some((n) => /SR0001|DICOMDIR/.test(n.text))).toBe(false); // skipped quietly
  });

  it('reads another series when asked, by its id in the list', async () => {
    const files = seriesFiles('export-axial');
    const first = await readScan(files);
    const t2 = first.dicom!.series.find((s) => s.description === 't2_tse_tra')!;
    const scan = await readScan(files, { series: t2.id });
    expect(scan.volume.dims).toEqual([48, 48, 24]);
    expect(scan.dicom!.chosen).toBe(t2.id);
    expect(t2.t1Like).toBe(false);
    await expect(readScan(files, { series: '1' })).rejects.toThrow(/only 1 slice: a 2D image/);
    await expect(readScan(files, { series: '42' })).rejects.toThrow(/no series "42"/);
  });

  it('reads a zip of the folder exactly as the folder', async () => {
    const files = seriesFiles('sagittal-signed');
    const fromFolder = await readScan(files);
    const fromZip = await readScan([zipOf('export.zip', files)]);
    expect(fromZip.volume.dims).toEqual(fromFolder.volume.dims);
    expect(fromZip.volume.affine).toEqual(fromFolder.volume.affine);
    expect(fromZip.volume.data).toEqual(fromFolder.volume.data);
    let min = Infinity;
    for (const v of fromFolder.volume.data) min = Math.min(min, v);
    expect(min).toBeLessThan(-1000); // signed pixels stay negative
  });

  it('reports progress while parsing and decoding', async () => {
    const stages: string[] = [];
    await readScan(seriesFiles('jpeg-lossless'), { onProgress: (p) => stages.push(`${p.stage}:${p.fraction.toFixed(2)}`) });
    expect(stages).toContain('parsing:1.00');
    expect(stages).toContain('decoding:1.00');
  });
});

describe('readScan: several things dropped at once', () => {
  it('two NIfTIs: uses the first and says which was ignored', async () => {
    const scan = await readScan([nifti('int16_le.nii.gz'), nifti('float32_le.nii.gz')]);
    expect(scan.format).toBe('nifti');
    expect(scan.name).toBe('int16_le.nii.gz');
    expect(scan.notices.find((n) => n.key === 'input.niftiIgnored')!.text).toMatch(/Used int16_le\.nii\.gz and ignored float32_le\.nii\.gz/);
  });

  it('a NIfTI then a zip of DICOM: the NIfTI, the DICOM files named as ignored; the other way round: the DICOM', async () => {
    const zip = zipOf('export.zip', seriesFiles('rle'));
    const a = await readScan([nifti('int16_le.nii.gz'), zip]);
    expect(a.format).toBe('nifti');
    expect(a.notices.map((n) => n.key)).toContain('input.dicomIgnored');
    const b = await readScan([zip, nifti('int16_le.nii.gz')]);
    expect(b.format).toBe('dicom');
    expect(b.notices.find((n) => n.key === 'input.niftiIgnoredForDicom')!.text).toContain('int16_le.nii.gz');
  });

  it('a zip holding a NIfTI: the NIfTI inside is read', async () => {
    const scan = await readScan([zipOf('scan.zip', [nifti('int16_le.nii.gz')])]);
    expect(scan.format).toBe('nifti');
    expect(scan.name).toBe('scan.zip/export/int16_le.nii.gz');
  });

  it('a damaged zip beside a NIfTI: the NIfTI is read, the zip named as ignored with the reason', async () => {
    const broken: ScanFile = { name: 'broken.zip', bytes: zipOf('x.zip', seriesFiles('rle')).bytes.slice(0, 5000) };
    const scan = await readScan([broken, nifti('int16_le.nii.gz')]);
    expect(scan.format).toBe('nifti');
    expect(scan.notices.find((n) => n.key === 'input.zipIgnored')!.text).toMatch(/broken\.zip.*could not be opened as a zip/);
    expect(await refusal([broken])).toMatch(/broken\.zip could not be opened as a zip archive/);
  });

  it('a truncated file beside a good series: the series is read, the file named as skipped', async () => {
    const scan = await readScan([...seriesFiles('axial-deflated'), ...bad('').filter((f) => f.name === 'truncated.dcm')]);
    expect(scan.volume.dims).toEqual([60, 56, 40]);
    expect(scan.notices.find((n) => n.key === 'dicom.fileSkipped')!.text).toMatch(/truncated\.dcm is truncated/);
  });
});

describe('readScan: bad input, one sentence each', () => {
  it('a folder with no images', async () => {
    expect(await refusal(bad('no-images'))).toMatch(/hold no images .*choose the folder with the image files/);
  });
  it('a truncated file alone', async () => {
    expect(await refusal(bad('').filter((f) => f.name === 'truncated.dcm'))).toMatch(/^truncated\.dcm is truncated/);
  });
  it('an unsupported transfer syntax, named', async () => {
    expect(await refusal(bad('jpeg-baseline'))).toMatch(
      /^Series 12 \(T1 jpeg baseline\) is stored as JPEG Baseline \(lossy 8-bit\), which this app cannot decode/,
    );
  });
  it('a 2D localizer only', async () => {
    expect(await refusal(bad('localizer-only'))).toMatch(/None of the 3 image series can be analysed; .*only 1 slice: a 2D image \(e\.g\. a localizer\)/);
  });
  it('a series with a missing slice', async () => {
    expect(await refusal(bad('missing-slice'))).toMatch(/is missing 1 slice between .* mm along the slice normal/);
  });
  it('files that are neither NIfTI nor DICOM', async () => {
    const txt = (name: string): ScanFile => ({ name, bytes: new TextEncoder().encode('hello, not an image at all\n') });
    expect(await refusal([txt('a.txt'), txt('b.txt')])).toMatch(/None of the 2 files is a NIfTI or DICOM image \(a\.txt, b\.txt\)/);
    expect(await refusal([txt('a.txt')])).toMatch(/not a NIfTI image/);
  });
});

describe('notices and the locale files', () => {
  it('every notice key has an English string that reads exactly like the core text', async () => {
    const { en } = await import('../src/ui/i18n/en');
    const zip = zipOf('export.zip', seriesFiles('rle'));
    const broken: ScanFile = { name: 'broken.zip', bytes: zip.bytes.slice(0, 5000) };
    const notices = [
      ...(await readScan([...seriesFiles('export-axial'), ...bad('').filter((f) => f.name === 'truncated.dcm')])).notices,
      ...(await readScan([nifti('int16_le.nii.gz'), nifti('float32_le.nii.gz'), zip])).notices,
      ...(await readScan([zip, nifti('int16_le.nii.gz'), broken])).notices,
    ];
    const keys = new Set(notices.map((n) => n.key));
    for (const k of [
      'dicom.chosenT1',
      'input.othersIgnored',
      'dicom.fileSkipped',
      'input.niftiIgnored',
      'input.dicomIgnored',
      'input.niftiIgnoredForDicom',
      'input.zipIgnored',
    ]) {
      expect(keys, k).toContain(k);
    }
    // the short reasons a series cannot be read, as the page's list shows them
    const reasons = (await readScan(seriesFiles('export-axial'))).dicom!.series.flatMap((x) => (x.problemReason ? [x.problemReason] : []));
    for (const folder of ['missing-slice', 'jpeg-baseline']) {
      const err = await readScan(bad(folder)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SeriesInputError);
      reasons.push(...(err as SeriesInputError).series.flatMap((x) => (x.problemReason ? [x.problemReason] : [])));
    }
    expect(reasons.map((r) => r.key).sort()).toEqual([
      'dicom.reason.missing',
      'dicom.reason.syntax',
      'dicom.reason.twoD',
      'dicom.reason.twoD',
      'dicom.reason.twoD',
    ]);
    notices.push(...reasons);
    const table = en as Record<string, string>;
    for (const n of notices) {
      expect(table[n.key], n.key).toBeDefined();
      expect(table[n.key]!.replace(/\{(\w+)\}/g, (_, p: string) => String(n.params?.[p]))).toBe(n.text);
    }
  });
});
