/** NIfTI datatype codes this reader understands, and the names of the ones it refuses. */
export type NiftiDatatypeName = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export interface DatatypeInfo {
  name: NiftiDatatypeName;
  code: number;
  bytes: number;
}

export const SUPPORTED_DATATYPES: readonly DatatypeInfo[] = [
  { name: 'uint8', code: 2, bytes: 1 },
  { name: 'int16', code: 4, bytes: 2 },
  { name: 'int32', code: 8, bytes: 4 },
  { name: 'float32', code: 16, bytes: 4 },
  { name: 'float64', code: 64, bytes: 8 },
  { name: 'int8', code: 256, bytes: 1 },
  { name: 'uint16', code: 512, bytes: 2 },
  { name: 'uint32', code: 768, bytes: 4 },
];

/** Names of the datatypes of the standard that we recognise but do not read (for error messages). */
const UNSUPPORTED_NAMES: Record<number, string> = {
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'RGB24',
  511: 'float128 (legacy code)',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
};

export function datatypeByCode(code: number): DatatypeInfo | undefined {
  return SUPPORTED_DATATYPES.find((d) => d.code === code);
}

export function datatypeByName(name: NiftiDatatypeName): DatatypeInfo {
  return SUPPORTED_DATATYPES.find((d) => d.name === name)!;
}

export function describeUnsupportedDatatype(code: number): string {
  return UNSUPPORTED_NAMES[code] ?? `unknown code ${code}`;
}
