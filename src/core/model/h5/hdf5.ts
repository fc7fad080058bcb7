/**
 * A small read-only view of an HDF5 file held in memory, over jsfive, with just what the
 * Keras converter needs: attributes, group members and numeric datasets.
 *
 * It hides jsfive's quirks:
 * - fixed-length strings keep their NUL padding -> trailing NULs are stripped;
 * - variable-length ASCII strings are decoded as windows-1252 (TextDecoder('ascii')), while
 *   Keras stores UTF-8 bytes in them -> they are decoded as UTF-8;
 * - int64 values may come back as BigInt -> numbers;
 * - missing members, unsupported layouts and truncated files throw strings or RangeErrors ->
 *   every jsfive failure becomes an InputError ("not a readable HDF5 file: ...").
 * Pure TypeScript over an ArrayBuffer: runs in a browser, a worker and Node.
 */
import { Dataset, File, Group } from 'jsfive';
import { InputError } from '../../errors';

/** An attribute value. An empty array is what h5py writes for an empty Python list (float64, shape (0,)). */
export type H5AttrValue = string | number | string[] | number[];

export type H5Float32Dataset = {
  data: Float32Array;
  /** Row-major shape; [] for a scalar. */
  shape: number[];
  /** The stored element type as jsfive names it, e.g. '<f4' (little-endian float32). */
  storedType: string;
};

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const utf8 = new TextDecoder('utf-8');

export class H5File {
  private constructor(
    private readonly root: File,
    private readonly label: string,
  ) {}

  /** Parses the superblock and root group; throws InputError when the bytes are not a readable HDF5 file. */
  static open(bytes: ArrayBuffer, fileName?: string): H5File {
    const label = fileName ? ` (${fileName})` : '';
    const head = new Uint8Array(bytes, 0, Math.min(8, bytes.byteLength));
    if (head.length < 8 || HDF5_SIGNATURE.some((b, i) => head[i] !== b)) {
      throw new InputError(`not a readable HDF5 file${label}: it does not start with the HDF5 signature; pass the .h5/.hdf5 file that Keras saved`);
    }
    const root = guard(label, 'the root group', () => new File(bytes, fileName ?? ''));
    decodeVlenStringsAsUtf8(root);
    return new H5File(root, label);
  }

  /** True when `path` ('' or '/' for the root) names a group or dataset. */
  has(path: string): boolean {
    return this.find(path) !== undefined;
  }

  isGroup(path: string): boolean {
    const node = this.find(path);
    return node !== undefined && !(node instanceof Dataset);
  }

  /** Names of a group's members. */
  keys(path: string): string[] {
    return this.guard(path, () => this.group(path).keys);
  }

  /** All attributes of a group or dataset, normalized (see H5AttrValue); unsupported kinds are left out. */
  attributes(path: string): Map<string, H5AttrValue> {
    return this.guard(path, () => {
      const node = this.node(path);
      decodeVlenStringsAsUtf8(node);
      const out = new Map<string, H5AttrValue>();
      for (const [name, raw] of Object.entries(node.attrs)) {
        const value = normalizeAttr(raw);
        if (value !== undefined) out.set(name, value);
      }
      return out;
    });
  }

  attribute(path: string, name: string): H5AttrValue | undefined {
    return this.attributes(path).get(name);
  }

  /** A numeric dataset (contiguous or chunked, gzip included) as float32 values with its shape. */
  readFloat32(path: string): H5Float32Dataset {
    return this.guard(path, () => {
      const node = this.node(path);
      if (!(node instanceof Dataset)) throw new InputError(`${path} is a group, not a dataset`);
      const storedType = typeof node.dtype === 'string' ? node.dtype : JSON.stringify(node.dtype);
      if (!/^[<>=|]?[fiu]\d+$/.test(storedType)) {
        throw new InputError(`dataset ${path} holds ${storedType} values, not numbers`);
      }
      const shape = [...node.shape].map(Number);
      const size = shape.reduce((a, b) => a * b, 1);
      const values = node.value;
      if (values.length !== size) {
        throw new InputError(`dataset ${path} holds ${values.length} values instead of ${size}`);
      }
      const data = new Float32Array(size);
      for (let i = 0; i < size; i++) {
        const v = values[i] as number | bigint | undefined;
        // A missing element means jsfive found no storage behind it (a damaged file).
        if (v === undefined) throw new InputError(`dataset ${path} has no stored data`);
        data[i] = Number(v);
      }
      return { data, shape, storedType };
    });
  }

  private find(path: string): Group | Dataset | undefined {
    const parts = splitPath(path);
    let node: Group | Dataset = this.root;
    try {
      for (const part of parts) {
        if (node instanceof Dataset || !node.keys.includes(part)) return undefined;
        const next: Group | Dataset | null = node.get(part);
        if (next == null) return undefined;
        node = next;
      }
    } catch (e) {
      throw readError(this.label, path, e);
    }
    return node;
  }

  private node(path: string): Group | Dataset {
    const node = this.find(path);
    if (node === undefined) throw new InputError(`the file has no ${path || 'root group'}`);
    return node;
  }

  private group(path: string): Group {
    const node = this.node(path);
    if (node instanceof Dataset) throw new InputError(`${path} is a dataset, not a group`);
    return node;
  }

  private guard<T>(path: string, fn: () => T): T {
    return guard(this.label, path || 'the root group', fn);
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

function guard<T>(label: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw readError(label, what, e);
  }
}

function readError(label: string, what: string, e: unknown): InputError {
  const detail = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
  return new InputError(`not a readable HDF5 file${label}: reading ${what} failed (${detail}); the file may be truncated or damaged`);
}

function stripTrailingNuls(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return s.slice(0, end);
}

function normalizeAttr(raw: unknown): H5AttrValue | undefined {
  if (typeof raw === 'string') return stripTrailingNuls(raw);
  if (typeof raw === 'number' || typeof raw === 'bigint') return Number(raw);
  if (Array.isArray(raw)) {
    if (raw.every((v) => typeof v === 'string')) return raw.map((v: string) => stripTrailingNuls(v));
    if (raw.every((v) => typeof v === 'number' || typeof v === 'bigint')) return raw.map(Number);
  }
  return undefined; // references, nested sequences, types jsfive could not decode (null)
}

type VlenReader = {
  _attr_value: (dtype: unknown, buf: ArrayBuffer, count: number, offset: number) => unknown[];
  _vlen_size_and_data: (buf: ArrayBuffer, offset: number) => [number, ArrayBuffer];
};

/**
 * Overrides, on this one object, jsfive's private method that decodes attribute values:
 * - jsfive decodes variable-length strings with TextDecoder('ascii'), which the Encoding standard
 *   maps to windows-1252, so the UTF-8 bytes Keras writes into ASCII-tagged strings come out as
 *   mojibake: such strings are read as UTF-8 (ASCII is a subset);
 * - jsfive trusts the element count of the attribute's dataspace: a damaged count (found by the
 *   fuzzer: one flipped bit made 67 million 21-byte strings) makes it decode empty slices past the
 *   end of the file for minutes. Every element takes at least one byte, so a count larger than the
 *   bytes left in the file is refused at once.
 * If a jsfive release renames its internals the override is skipped and only non-ASCII names would suffer.
 */
function decodeVlenStringsAsUtf8(node: Group | Dataset): void {
  const objects = (node as unknown as { _dataobjects?: Partial<VlenReader> })._dataobjects;
  if (
    !objects ||
    typeof objects._attr_value !== 'function' ||
    typeof objects._vlen_size_and_data !== 'function' ||
    Object.prototype.hasOwnProperty.call(objects, '_attr_value')
  ) {
    return;
  }
  const original = objects._attr_value;
  const reader = objects as VlenReader;
  reader._attr_value = function (dtype, buf, count, offset) {
    if (!(count >= 0) || count > buf.byteLength - offset) {
      throw new InputError(
        `an attribute claims ${count} values but only ${Math.max(0, buf.byteLength - offset)} bytes of the file follow it; the file is damaged`,
      );
    }
    if (!Array.isArray(dtype) || dtype[0] !== 'VLEN_STRING') {
      return original.call(this, dtype, buf, count, offset);
    }
    const out: string[] = new Array(count);
    for (let i = 0; i < count; i++, offset += 16) {
      const [, bytes] = reader._vlen_size_and_data.call(this, buf, offset);
      out[i] = utf8.decode(bytes);
    }
    return out;
  };
}
