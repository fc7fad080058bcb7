/**
 * A small PNG decoder (8-bit RGB/RGBA, non-interlaced: what Chromium's screenshots are),
 * so the browser tests can measure view pixels without another dependency.
 */
import { inflateSync } from 'node:zlib';

export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array; // RGBA, row-major
}

export function decodePng(png: Buffer): Rgba {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0,
    height = 0,
    colorType = 0,
    bitDepth = 0,
    interlace = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('ascii', pos + 4, pos + 8);
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      bitDepth = body[8];
      colorType = body[9];
      interlace = body[12];
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
    throw new Error(`unsupported PNG (depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`);
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? row[x - bpp] : 0;
      const b = prev[x];
      const c = x >= bpp ? prev[x - bpp] : 0;
      let v = src[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a),
          pb = Math.abs(p - b),
          pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[x] = v & 255;
    }
  }
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data[4 * p] = pixels[bpp * p];
    data[4 * p + 1] = pixels[bpp * p + 1];
    data[4 * p + 2] = pixels[bpp * p + 2];
    data[4 * p + 3] = bpp === 4 ? pixels[bpp * p + 3] : 255;
  }
  return { width, height, data };
}

export interface PixelStats {
  /** Standard deviation of luminance (0..255): near 0 for a blank view. */
  lumaStd: number;
  /** Fraction of pixels brighter than near-black. */
  litFraction: number;
  /** Fraction of strongly warm (red/yellow) or cool (blue/cyan) pixels: the overlay. */
  overlayFraction: number;
}

export function pixelStats(img: Rgba): PixelStats {
  let sum = 0,
    sum2 = 0,
    lit = 0,
    overlay = 0;
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) {
    const r = img.data[4 * p],
      g = img.data[4 * p + 1],
      b = img.data[4 * p + 2];
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += y;
    sum2 += y * y;
    if (y > 30) lit++;
    const warm = r - b > 90; // red..yellow: red high, blue low
    const cool = b - r > 90; // blue..cyan
    if (warm || cool) overlay++;
  }
  const mean = sum / n;
  return { lumaStd: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), litFraction: lit / n, overlayFraction: overlay / n };
}
