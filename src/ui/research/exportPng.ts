/**
 * A PNG of the viewer as on screen: the WebGL canvas (kept between frames: preserveDrawingBuffer),
 * the view titles, and below it the colour bar with its threshold gap, the legend, the probability
 * and the settings, drawn on a 2D canvas. No voxel work: pixels only.
 */
import { researchStringsNow } from './strings';

export interface PngCaption {
  threshold: number;
  minClusterSize: number;
  overlayHidden: boolean;
  probabilityPct: string;
  subtitle: string;
}

const STRIP_CSS_PX = 96;

/** The colour ramp of Colorbar.tsx / the shaders at position t in [-1, 1], or null inside the gap. */
function rampColour(t: number, threshold: number): string | null {
  const a = Math.abs(t);
  if (a < threshold) return null;
  const f = Math.min(1, (a - threshold) / Math.max(1 - threshold, 1e-3));
  const mix = (p: number[], q: number[]) => p.map((x, i) => Math.round(x + (q[i] - x) * f));
  const c = t > 0 ? mix([219, 20, 0], [255, 255, 26]) : mix([13, 51, 255], [26, 255, 255]);
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export function renderLayoutPng(viewer: HTMLCanvasElement, viewEls: Array<{ title: string; el: Element }>, caption: PngCaption): Promise<Blob> {
  const S = researchStringsNow();
  const scale = viewer.width / Math.max(1, viewer.clientWidth);
  const strip = Math.round(STRIP_CSS_PX * scale);
  const out = document.createElement('canvas');
  out.width = viewer.width;
  out.height = viewer.height + strip;
  const g = out.getContext('2d')!;
  g.fillStyle = '#0b0e13';
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(viewer, 0, 0);

  const c = viewer.getBoundingClientRect();
  g.font = `${Math.round(12 * scale)}px system-ui, sans-serif`;
  g.textBaseline = 'top';
  g.fillStyle = '#8b95a3';
  for (const { title, el } of viewEls) {
    const r = el.getBoundingClientRect();
    g.fillText(title, (r.left - c.left + 6) * scale, (r.top - c.top + 4) * scale);
  }

  // Colour bar, as the panel's Colorbar draws it.
  const y0 = viewer.height + 10 * scale;
  const x0 = 16 * scale;
  const w = Math.min(360 * scale, out.width * 0.45);
  const h = 14 * scale;
  if (!caption.overlayHidden) {
    for (let x = 0; x < w; x++) {
      const col = rampColour(-1 + (2 * (x + 0.5)) / w, caption.threshold);
      if (col) {
        g.fillStyle = col;
        g.fillRect(x0 + x, y0, 1, h);
      }
    }
  }
  g.strokeStyle = '#2a323d';
  g.strokeRect(x0, y0, w, h);
  g.fillStyle = '#d9dee5';
  g.font = `${Math.round(11 * scale)}px system-ui, sans-serif`;
  const t = caption.threshold;
  const ticks: Array<[number, string]> = [[-1, '−1'], [-t, `−${t.toFixed(2)}`], [0, '0'], [t, `+${t.toFixed(2)}`], [1, '+1']];
  g.textAlign = 'center';
  for (const [v, label] of ticks) g.fillText(label, x0 + ((v + 1) / 2) * w, y0 + h + 3 * scale);
  g.textAlign = 'left';
  g.fillStyle = '#8b95a3';
  g.fillText(S.pngLegendNegative, x0, y0 + h + 19 * scale);
  g.textAlign = 'right';
  g.fillText(S.pngLegendPositive, x0 + w, y0 + h + 19 * scale);

  // Probability and settings to the right of the bar.
  const tx = x0 + w + 28 * scale;
  g.textAlign = 'left';
  g.fillStyle = '#ffffff';
  g.font = `bold ${Math.round(18 * scale)}px system-ui, sans-serif`;
  g.fillText(S.pngProbability(caption.probabilityPct), tx, y0 - 2 * scale);
  g.font = `${Math.round(11 * scale)}px system-ui, sans-serif`;
  g.fillStyle = '#d9dee5';
  g.fillText(caption.subtitle, tx, y0 + 22 * scale);
  g.fillStyle = '#8b95a3';
  g.fillText(`${S.pngSettings(caption.threshold, caption.minClusterSize)} · ${S.pngDisclaimer}`, tx, y0 + 38 * scale);

  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('The screenshot could not be encoded.'))), 'image/png'));
}

/** Saves bytes as a file through the browser's download. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
