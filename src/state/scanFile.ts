/**
 * Reading a scan file within a memory ceiling. A file of up to STREAM_ABOVE bytes is read
 * whole (as before: a .nii.gz stays compressed until the worker reads it). A larger file
 * (a 4D series, a huge volume, something that is not a scan at all) is never loaded whole:
 * its header decides, via the reader's own checks (niftiFirstVolumeEnd), whether it can be read
 * at all, and then only the header and first volume are read (inflated on the fly with the
 * browser's DecompressionStream for .nii.gz). The page thus holds at most the header plus
 * one volume within the reader's limits (512^3 voxels, 1 GiB), whatever the file's size.
 */
import { InputError } from '../core/errors';
import { niftiFirstVolumeEnd } from '../core/nifti';

export const STREAM_ABOVE = 64 * 2 ** 20;
const HEAD_BYTES = 540; // enough for a NIfTI-1 or NIfTI-2 header

/** `streamAbove`: the size from which a file is read to its first volume only (tests lower it). */
export async function readScanFile(file: Blob, streamAbove = STREAM_ABOVE): Promise<Uint8Array> {
  if (file.size <= streamAbove) return new Uint8Array(await file.arrayBuffer());
  const magic = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (magic[0] === 0x1f && magic[1] === 0x8b) return inflatedPrefix(file);
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  const end = niftiFirstVolumeEnd(head);
  return new Uint8Array(await file.slice(0, end).arrayBuffer());
}

/** The inflated header and first volume of a large .nii.gz; the rest is never inflated. */
async function inflatedPrefix(file: Blob): Promise<Uint8Array> {
  const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let have = 0;
  let end = Infinity;
  try {
    while (have < end) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      have += value.length;
      if (end === Infinity && have >= HEAD_BYTES) end = niftiFirstVolumeEnd(concat(chunks, HEAD_BYTES));
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('The gzip data of the file is damaged or truncated; re-export or re-download the file.');
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  // A short stream is passed on as it is: the reader then says what is missing.
  return concat(chunks, Math.min(have, end));
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let pos = 0;
  for (const c of chunks) {
    if (pos >= length) break;
    const take = Math.min(c.length, length - pos);
    out.set(take === c.length ? c : c.subarray(0, take), pos);
    pos += take;
  }
  return out;
}
