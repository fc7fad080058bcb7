export { readScan } from './readScan';
export { isZip, unzipScanFiles } from './zip';
export type { ScanFile, ScanImage, ScanProgress, ReadScanOptions } from './types';
export { describeScanImage } from './describe';
