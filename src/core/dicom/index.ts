export { parseDicomFile, looksLikeDicom } from './parse';
export type { DicomImage, FramePlane, PixelFormat, ParsedFile } from './parse';
export { assembleSeries, defaultSeries, describeSeries } from './series';
export type { DicomSeries, DicomSeriesSummary, DicomFrame } from './series';
export { readSeriesVolume, MAX_DICOM_VOXELS } from './read';
export { stackGeometry, MIN_VOLUME_SLICES } from './geometry';
export { transferSyntax } from './syntax';
export { provideCodecWasm, codecBuilds } from './codecs';
export type { CodecWasmSources } from './codecs';
