/**
 * Incremental gunzip of a prefix: decodes only as many bytes as asked for, never the whole
 * stream. Input is fed to fflate in slices because one deflate byte can expand to about 1032
 * bytes: a slice is at most 64 KiB (<= ~66 MB out), and only 1 KiB (<= ~1 MB out) while just
 * the header is wanted, so a decompression bomb cannot make us decode or hold much more than
 * the caller asked for. (Streaming costs about 2.5x fflate's one-shot gunzipSync, which we
 * cannot use: it sizes its output from the file's own, unverifiable, length field.)
 */
import { Gunzip } from 'fflate';
import { InputError } from '../errors';
import { niftiMessage } from './texts';

const MAX_SLICE = 64 * 1024;
const MIN_SLICE = 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export class GzipPrefixReader {
  private readonly input: Uint8Array;
  private inputPos = 0;
  private ended = false;
  private readonly gunzip: Gunzip;
  /** Decoded bytes not yet handed out, in order. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(input: Uint8Array) {
    this.input = input;
    this.gunzip = new Gunzip((chunk) => {
      if (chunk.length > 0) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
      }
    });
  }

  /**
   * The first `n` decoded bytes of the stream (fewer if the stream ends first). Repeated calls
   * with a growing `n` reuse what was decoded before; the result is a fresh exact-size buffer.
   */
  readPrefix(n: number, already?: Uint8Array): Uint8Array {
    const have = already?.length ?? 0;
    while (have + this.pendingBytes < n && !this.ended) this.feed(n - have - this.pendingBytes);
    const out = new Uint8Array(Math.min(n, have + this.pendingBytes));
    if (already) out.set(already);
    let pos = have;
    const rest: Uint8Array[] = [];
    for (const chunk of this.pending) {
      const take = Math.min(chunk.length, out.length - pos);
      if (take > 0) {
        out.set(take === chunk.length ? chunk : chunk.subarray(0, take), pos);
        pos += take;
      }
      if (take < chunk.length) rest.push(chunk.subarray(take));
    }
    this.pending = rest;
    this.pendingBytes = rest.reduce((s, c) => s + c.length, 0);
    return out;
  }

  private feed(wanted: number): void {
    const slice = Math.max(MIN_SLICE, Math.min(MAX_SLICE, Math.ceil(wanted / 16)));
    const end = Math.min(this.inputPos + slice, this.input.length);
    const final = end === this.input.length;
    try {
      this.gunzip.push(this.input.subarray(this.inputPos, end), final);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new InputError(niftiMessage('nifti.badGzip', { why }));
    }
    this.inputPos = end;
    if (final) this.ended = true;
  }
}
