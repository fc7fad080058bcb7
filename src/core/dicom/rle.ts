/**
 * DICOM RLE Lossless (PS3.5 annex G): a 64-byte header of segment offsets, then one PackBits
 * segment per byte plane (most significant byte first). Small enough not to need a package.
 */
export function decodeRle(data: Uint8Array, pixels: number, bytesPerSample: number): Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 64) throw new Error('the RLE header is cut short');
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample) throw new Error(`${segments} RLE segments for ${bytesPerSample}-byte samples`);
  const out = new Uint8Array(pixels * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : data.length;
    // Segment s holds byte (bytesPerSample - 1 - s) of each little-endian sample.
    const byte = bytesPerSample - 1 - s;
    let i = start;
    let p = 0;
    while (i < end && p < pixels) {
      const n = (data[i++]! << 24) >> 24;
      if (n >= 0) {
        for (let k = 0; k <= n && p < pixels; k++) out[p++ * bytesPerSample + byte] = data[i++]!;
      } else if (n !== -128) {
        const v = data[i++]!;
        for (let k = 0; k < 1 - n && p < pixels; k++) out[p++ * bytesPerSample + byte] = v;
      }
    }
    if (p < pixels) throw new Error('an RLE segment ends early');
  }
  return out;
}
