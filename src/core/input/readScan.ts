/**
 * readScan: whatever the user gave (one NIfTI file, a folder's worth of DICOM files, a zip of
 * either, or a mix) -> the one volume to analyse, with notices saying what was used, what was
 * ignored and why. The same function serves the web worker, the CLI and the tests.
 *
 * One scan at a time: the first scan in the given order wins — a NIfTI file, or the DICOM files
 * taken together (from a DICOM set, the largest 3D T1-like series unless one is asked for).
 */
import { assembleSeries, defaultSeries, parseDicomFile, readSeriesVolume, looksLikeDicom, type DicomImage } from '../dicom';
import { InputError, SeriesInputError } from '../errors';
import { message, type Message } from '../messages';
import { readNifti } from '../nifti';
import { isGzip } from '../nifti/gunzip';
import { sniffNifti } from '../nifti/header';
import type { ReadScanOptions, ScanFile, ScanImage } from './types';
import { isZip, unzipScanFiles } from './zip';

const MAX_LISTED = 3;

function listNames(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

const yieldToHost = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function readScan(files: ScanFile[], options: ReadScanOptions = {}): Promise<ScanImage> {
  if (files.length === 0) throw new InputError('No file was given; choose a NIfTI file, a DICOM folder or a zip of one.');
  const notices: Message[] = [];

  const flat: ScanFile[] = [];
  for (const f of files) {
    if (!isZip(f.bytes)) {
      flat.push(f);
      continue;
    }
    try {
      flat.push(...unzipScanFiles(f));
    } catch (e) {
      if (files.length === 1 || !(e instanceof InputError)) throw e;
      notices.push(message('input.zipIgnored', `Ignored ${f.name}: ${e.message}`, { name: f.name, why: e.message }));
    }
  }

  const niftis: ScanFile[] = [];
  const dicoms: ScanFile[] = [];
  const others: string[] = [];
  let dicomFirst = false;
  for (const f of flat) {
    if (sniffNifti(f.bytes) || isGzip(f.bytes)) niftis.push(f);
    else if (looksLikeDicom(f.bytes)) {
      if (niftis.length === 0 && dicoms.length === 0) dicomFirst = true;
      dicoms.push(f);
    } else others.push(f.name);
  }

  if (niftis.length === 0 && dicoms.length === 0) {
    if (flat.length === 1) readNifti(flat[0]!.bytes); // throws its own sentence (e.g. "it looks like a PNG image")
    const zipped = notices.find((n) => n.key === 'input.zipIgnored');
    if (zipped) throw new InputError(String(zipped.params?.why));
    throw new InputError(
      `None of the ${flat.length} files is a NIfTI or DICOM image (${listNames(others)}); choose a .nii/.nii.gz scan, a DICOM folder or a zip of one.`,
    );
  }
  if (others.length > 0) {
    notices.push(
      message('input.othersIgnored', `Ignored ${others.length} file(s) that are neither NIfTI nor DICOM: ${listNames(others)}.`, {
        count: others.length,
        names: listNames(others),
      }),
    );
  }

  if (!dicomFirst) {
    const [used, ...rest] = niftis;
    const image = readNifti(used!.bytes);
    if (rest.length > 0) {
      const names = listNames(rest.map((f) => f.name));
      notices.push(
        message('input.niftiIgnored', `Used ${used!.name} and ignored ${names}: one scan is analysed at a time; open the others one by one.`, {
          used: used!.name,
          names,
        }),
      );
    }
    if (dicoms.length > 0) {
      notices.push(
        message(
          'input.dicomIgnored',
          `Used ${used!.name} and ignored ${dicoms.length} DICOM file(s): one scan is analysed at a time; open the DICOM files on their own.`,
          { used: used!.name, count: dicoms.length },
        ),
      );
    }
    for (const n of image.notices) notices.push(message('nifti.notice', n));
    return { format: 'nifti', name: used!.name, volume: image.volume, notices, nifti: image };
  }

  if (niftis.length > 0) {
    const names = listNames(niftis.map((f) => f.name));
    notices.push(
      message('input.niftiIgnoredForDicom', `Used the DICOM files and ignored ${names}: one scan is analysed at a time; open it on its own.`, { names }),
    );
  }
  return readDicomSet(dicoms, options, notices);
}

async function readDicomSet(files: ScanFile[], options: ReadScanOptions, notices: Message[]): Promise<ScanImage> {
  const images: DicomImage[] = [];
  const broken: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const parsed = parseDicomFile(files[i]!.name, files[i]!.bytes);
    if (parsed.kind === 'image') images.push(parsed.image);
    else if (parsed.kind === 'broken') broken.push(parsed.message);
    // DICOMDIR, reports, presentation states, images without a position: skipped quietly (docs/dicom.md)
    if (options.onProgress && (i % 32 === 31 || i === files.length - 1)) {
      options.onProgress({ stage: 'parsing', fraction: (i + 1) / files.length });
      await yieldToHost();
    }
  }
  if (images.length === 0) {
    if (broken.length === 1) throw new InputError(broken[0]!);
    if (broken.length > 1) throw new InputError(`None of the ${broken.length} DICOM files could be read; the first: ${broken[0]}`);
    throw new InputError(
      `The ${files.length} DICOM file(s) hold no images (only a DICOMDIR, reports or other non-image objects); choose the folder with the image files.`,
    );
  }
  for (const b of broken.slice(0, MAX_LISTED)) notices.push(message('dicom.fileSkipped', `Skipped: ${b}`, { why: b }));
  if (broken.length > MAX_LISTED) {
    notices.push(message('dicom.moreSkipped', `Skipped ${broken.length - MAX_LISTED} more unreadable DICOM files.`, { count: broken.length - MAX_LISTED }));
  }

  const series = assembleSeries(images);
  const summaries = series.map((x) => x.summary);
  const chosen = options.series ? series.find((s) => s.summary.id === options.series) : defaultSeries(series);
  if (options.series && !chosen) {
    throw new SeriesInputError(
      `There is no series "${options.series}" here; the series are numbered 1 to ${series.length} (the info command lists them).`,
      summaries,
    );
  }
  if (!chosen) {
    const first = series[0]!.summary.problem!;
    throw new SeriesInputError(series.length === 1 ? first : `None of the ${series.length} image series can be analysed; for example: ${first}`, summaries);
  }
  if (chosen.summary.problem) throw new SeriesInputError(chosen.summary.problem, summaries);
  let decoded: Awaited<ReturnType<typeof readSeriesVolume>>;
  try {
    decoded = await readSeriesVolume(chosen, (fraction) => options.onProgress?.({ stage: 'decoding', fraction }));
  } catch (e) {
    throw e instanceof InputError ? new SeriesInputError(e.message, summaries) : e;
  }
  const { volume, notices: volumeNotices } = decoded;
  notices.push(...volumeNotices);
  const s = chosen.summary;
  const name = `${s.description || 'DICOM series'} (series ${s.seriesNumber ?? s.id})`;
  if (series.length > 1 && !options.series) {
    notices.push(
      s.t1Like
        ? message('dicom.chosenT1', `${series.length} series found; using ${name}, the largest 3D T1-like series; the others can be chosen instead.`, {
            count: series.length,
            name,
          })
        : message('dicom.chosen', `${series.length} series found; using ${name}, the largest 3D series; the others can be chosen instead.`, {
            count: series.length,
            name,
          }),
    );
  }
  const firstImage = chosen.frames[0]!.image;
  return {
    format: 'dicom',
    name,
    volume,
    notices,
    dicom: { series: summaries, chosen: s.id, patient: { name: firstImage.patientName, id: firstImage.patientId } },
  };
}
