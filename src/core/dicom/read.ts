/**
 * A checked series -> one float32 volume with its RAS affine: each frame decoded (codec per
 * transfer syntax), masked and sign-extended to BitsStored, rescaled, and written at its slice.
 */
import { InputError } from '../errors';
import { message, type Message } from '../messages';
import type { Volume } from '../volume/types';
import { decodeFrame } from './codecs';
import { writeFrameValues } from './pixels';
import type { DicomSeries } from './series';

/** Same ceiling as the NIfTI reader: more voxels than this is not one brain scan. */
export const MAX_DICOM_VOXELS = 512 ** 3;

export interface SeriesVolume {
  volume: Volume<Float32Array>;
  notices: Message[];
}

export async function readSeriesVolume(series: DicomSeries, onProgress?: (fraction: number) => void): Promise<SeriesVolume> {
  const { summary, geometry, format } = series;
  if (!geometry || summary.problem) throw new InputError(summary.problem ?? `Series ${summary.id} cannot be read.`);
  const [nx, ny, nz] = geometry.dims;
  if (nx * ny * nz > MAX_DICOM_VOXELS) {
    throw new InputError(`The series has ${nx} x ${ny} x ${nz} voxels, more than the limit of ${MAX_DICOM_VOXELS}; export a smaller series.`);
  }
  const data = new Float32Array(nx * ny * nz);
  const slice = nx * ny;
  let lastReport = 0;
  for (let k = 0; k < series.frames.length; k++) {
    const { image, frame, plane } = series.frames[k]!;
    try {
      const raw = await decodeFrame(image.syntax.encoding!, image.frameBytes(frame), format);
      writeFrameValues(raw, format, plane, data, k * slice);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new InputError(`${image.file} could not be decoded (${image.syntax.name}: ${why}); the file is damaged, export the series again.`);
    }
    const now = Date.now();
    if (onProgress && (now - lastReport > 50 || k === series.frames.length - 1)) {
      lastReport = now;
      onProgress((k + 1) / series.frames.length);
    }
  }
  const notices: Message[] = [];
  if (geometry.tiltDegrees > 0.05) {
    const deg = Number(geometry.tiltDegrees.toFixed(1));
    notices.push(
      message('dicom.tilt', `The slices are tilted by ${deg}° against their normal (gantry tilt): placed exactly through a sheared affine.`, { deg }),
    );
  }
  return { volume: { dims: geometry.dims, data, affine: geometry.affine }, notices };
}
