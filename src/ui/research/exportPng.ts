/**
 * A PNG of the viewer as on screen: the WebGL canvas (kept between frames: preserveDrawingBuffer),
 * the view titles, and below it the colour bar with its threshold gap, the legend, the probability
 * and the settings, drawn on a 2D canvas. No voxel work: pixels only.
 */
import { researchStringsNow } from './strings';
import { colourAt } from '../../core/analysis/colormap';

export interface PngCaption {
  threshold: number;
  minClusterSize: number;
  overlayHidden: boolean;
  /** The likelihood line, already in the page's language (e.g. "Likelihood of AD: 89,4 %"). */
  probabilityLine: string;
  subtitle: string;
  /** The input gate's warnings for a doubtful image, drawn in amber above the disclaimer. */
  warnings: string[];
  disclaimer: string;
  /** Set when the overlay is a fold ensemble's fold-spread map: the bar then runs 0..1 and this is its legend. */
  spreadLegend?: string;
}

const BAR_CSS_PX = 64;

/** Words of `text` broken into lines no wider than `width` in the context's current font. */
function wrap(g: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && g.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

interface CaptionLine {
  text: string;
  font: string;
  colour: string;
  height: number;
}

export function renderLayoutPng(viewer: HTMLCanvasElement, viewEls: Array<{ title: string; el: Element }>, caption: PngCaption): Promise<Blob> {
  const S = researchStringsNow();
  const scale = viewer.width / Math.max(1, viewer.clientWidth);
  const out = document.createElement('canvas');
  out.width = viewer.width;
  const g = out.getContext('2d')!;

  // The caption goes to the right of the colour bar, wrapped to the width left; the strip grows to hold it.
  const x0 = 16 * scale;
  const w = Math.min(360 * scale, out.width * 0.45);
  const tx = x0 + w + 28 * scale;
  const textWidth = Math.max(120 * scale, out.width - tx - 12 * scale);
  const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${Math.round(px * scale)}px system-ui, sans-serif`;
  const lines: CaptionLine[] = [];
  const add = (text: string, f: string, colour: string, px: number) => {
    g.font = f;
    for (const l of wrap(g, text, textWidth)) lines.push({ text: l, font: f, colour, height: px * 1.35 * scale });
  };
  add(caption.probabilityLine, font(18, true), '#ffffff', 18);
  add(caption.subtitle, font(11), '#d9dee5', 11);
  for (const warning of caption.warnings) add(warning, font(11, true), '#f0b429', 11);
  add(`${S.pngSettings(caption.threshold, caption.minClusterSize)} · ${caption.disclaimer}`, font(11), '#aab4c0', 11);
  const captionHeight = lines.reduce((h, l) => h + l.height, 0) + 16 * scale;
  out.height = viewer.height + Math.round(Math.max(BAR_CSS_PX * scale, captionHeight));

  g.fillStyle = '#0b0e13';
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(viewer, 0, 0);

  // View titles and the orientation letters (L/R/A/P/S), where the page shows them.
  const c = viewer.getBoundingClientRect();
  g.textBaseline = 'top';
  for (const { title, el } of viewEls) {
    const r = el.getBoundingClientRect();
    g.font = font(12);
    g.fillStyle = '#8b95a3';
    g.textAlign = 'left';
    g.fillText(title, (r.left - c.left + 6) * scale, (r.top - c.top + 4) * scale);
    g.font = font(13, true);
    g.fillStyle = '#e6e9ee';
    for (const o of el.querySelectorAll('.orient')) {
      const b = o.getBoundingClientRect();
      g.fillText(o.textContent ?? '', (b.left - c.left) * scale, (b.top - c.top) * scale);
    }
  }

  // Colour bar, as the panel's Colorbar draws it.
  const y0 = viewer.height + 10 * scale;
  const h = 14 * scale;
  // The spread (an SD) is never negative: its bar is the upper half of the same colormap.
  const lo = caption.spreadLegend ? 0 : -1;
  const at = (v: number) => x0 + ((v - lo) / (1 - lo)) * w;
  if (!caption.overlayHidden) {
    for (let x = 0; x < w; x++) {
      const col = colourAt(lo + ((1 - lo) * (x + 0.5)) / w, caption.threshold);
      if (col) {
        g.fillStyle = `rgb(${col[0]},${col[1]},${col[2]})`;
        g.fillRect(x0 + x, y0, 1, h);
      }
    }
  }
  g.strokeStyle = '#2a323d';
  g.strokeRect(x0, y0, w, h);
  g.fillStyle = '#d9dee5';
  g.font = font(11);
  const t = caption.threshold;
  const ticks: Array<[number, string]> = caption.spreadLegend
    ? [
        [0, '0'],
        [t, t.toFixed(2)],
        [1, '1'],
      ]
    : [
        [-1, '−1'],
        [-t, `−${t.toFixed(2)}`],
        [0, '0'],
        [t, `+${t.toFixed(2)}`],
        [1, '+1'],
      ];
  g.textAlign = 'center';
  for (const [v, label] of ticks) g.fillText(label, at(v), y0 + h + 3 * scale);
  g.textAlign = 'left';
  g.fillStyle = '#8b95a3';
  if (caption.spreadLegend) g.fillText(caption.spreadLegend, x0, y0 + h + 19 * scale);
  else {
    g.fillText(S.pngLegendNegative, x0, y0 + h + 19 * scale);
    g.textAlign = 'right';
    g.fillText(S.pngLegendPositive, x0 + w, y0 + h + 19 * scale);
  }

  g.textAlign = 'left';
  let y = y0 - 2 * scale;
  for (const l of lines) {
    g.font = l.font;
    g.fillStyle = l.colour;
    g.fillText(l.text, tx, y);
    y += l.height;
  }

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
