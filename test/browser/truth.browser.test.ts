/**
 * The page tells the truth (issue #13): images the model was not made for get no percentage but one
 * sentence in view (and the exports say why), a doubtful image's result comes behind a warning that
 * the exports carry, the first visit says what the page needs, the verdict block stays inside a
 * 1024x700 viewport with a result and during a re-run, covariates do not carry over to the next
 * scan, the German page shows no English string, and the light theme's controls have text contrast
 * of at least 4.5:1. The test images are made from the committed Colin27 and demo assets (test/gate/inputs.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildAndServe, launchBrowser, SHOTS } from './harness';
import type { StaticServer } from './staticServer';
import { decodePng } from './png';
import { brainExtractedT1, fourDSlab, gmSlab } from '../gate/inputs';
import { en } from '../../src/ui/i18n/en';
import { de } from '../../src/ui/i18n/de';
import { messagesDe } from '../../src/ui/i18n/messagesDe';
import { GATE_TEXTS } from '../../src/core/gate/texts';
import { WORKER_TEXTS } from '../../src/worker/messageProtocol';
import { STATE_TEXTS } from '../../src/state/texts';
import { NIFTI_TEXTS } from '../../src/core/nifti/texts';

let browser: Browser;
let server: StaticServer;
const pageErrors: string[] = [];
const failedRequests: string[] = [];

/** The images the gate must refuse, with what the one sentence has to say (a whole-head T1 goes to the raw-T1 stage: raw-t1.browser.test.ts). */
const REFUSED: Array<{ name: string; bytes: () => Uint8Array; says: RegExp }> = [
  { name: 'rest_bold.nii', bytes: () => fourDSlab(6, 12), says: /4D series of 6 volumes.*covering \d+% of the brain/ },
  { name: 'slab_mwp1.nii.gz', bytes: () => gmSlab(20), says: /covers only \d+% of the brain/ },
  { name: 'brain_T1w.nii.gz', bytes: brainExtractedT1, says: /skull-stripped T1 scan/ },
];

async function newPage(width: number, height: number, query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1, acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${server.url}${query}`);
  return page;
}

async function openFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
}

/** Whether the element's box lies wholly inside the viewport. */
async function fullyInView(page: Page, testId: string): Promise<boolean> {
  const box = await page.getByTestId(testId).boundingBox();
  const vp = page.viewportSize()!;
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height;
}

async function download(page: Page, testId: string): Promise<Buffer> {
  const [d] = (await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testId).click()])) as [Download, unknown];
  return readFileSync((await d.path())!);
}

async function waitIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid=progress]'), undefined, { timeout: 180_000 });
}

beforeAll(async () => {
  server = await buildAndServe();
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the page tells the truth (1024x700)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await newPage(1024, 700);
  });
  afterAll(() => page?.close());

  it('the first visit says what the page does and needs, with the demo one click away; Help says it too', async () => {
    const first = page.getByTestId('first-visit');
    await first.waitFor();
    expect(await first.textContent()).toMatch(/CAT12 gray-matter map \(mwp1/);
    expect(await fullyInView(page, 'first-visit')).toBe(true);
    await page.waitForFunction(() => !(document.querySelector('[data-testid=try-demo]') as HTMLButtonElement | null)?.disabled);
    await page.screenshot({ path: join(SHOTS, 'first-visit.png') });
    await page.getByTestId('help-button').click();
    expect(await page.getByTestId('help-input').textContent()).toMatch(
      /CAT12 gray-matter map.*whole-head 3D T1.*approximate CAT12-like map.*A skull-stripped T1, a 4D series/,
    );
    await page.keyboard.press('Escape');
  });

  it('a demo result: the verdict block with percentage and disclaimer is inside the viewport, also during a re-run, which the views mark', async () => {
    await page.getByTestId('try-demo').click();
    await page.getByTestId('prediction').waitFor({ timeout: 180_000 });
    await waitIdle(page);
    expect(await page.getByTestId('prediction').textContent()).toMatch(/\d+\.\d%/);
    expect(await page.getByTestId('verdict').textContent()).toContain('not a diagnostic device');
    expect(await fullyInView(page, 'verdict')).toBe(true);
    expect(await page.getByTestId('template-tag').count()).toBe(0); // the scan itself is shown
    expect(await page.getByTestId('cov-age').inputValue()).toBe('76'); // demo-03-AD's own covariates

    await page.getByTestId('method-select').selectOption('occlusion');
    await page.getByTestId('views-running').waitFor();
    expect(await page.getByTestId('views-running').textContent()).toMatch(/Computing Occlusion.*the map shown is LRP-CMP/);
    expect(await fullyInView(page, 'verdict')).toBe(true);
    expect(await fullyInView(page, 'prediction')).toBe(true);
    expect(await page.getByTestId('progress').textContent()).toMatch(/Computing Occlusion/);
    // A long stage gets a time estimate from its pace so far.
    await page
      .getByTestId('progress')
      .filter({ hasText: /about \d+ s left/ })
      .waitFor({ timeout: 90_000 });
    expect(await fullyInView(page, 'verdict')).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'rerun-1024.png') });

    // Cancelled: the menu goes back to what the map shows.
    await page.getByTestId('progress').getByRole('button', { name: 'Cancel' }).click();
    await waitIdle(page);
    expect(await page.getByTestId('method-select').inputValue()).toBe('paper');
    expect(await page.getByTestId('result-method').textContent()).toBe('LRP-CMP (innvestigate 1.0.9)');
    expect(await page.getByTestId('views-running').count()).toBe(0);
  });

  for (const [n, input] of REFUSED.entries()) {
    it(`refuses ${input.name}: no percentage, one sentence in view, the exports say why`, async () => {
      await openFile(page, input.name, input.bytes());
      const refusal = page.getByTestId('refusal');
      await refusal.waitFor({ timeout: 60_000 });
      await waitIdle(page);
      const text = (await refusal.locator('p').allTextContents()).join(' ');
      expect(text).toMatch(input.says);
      expect(text.split(/(?<=[.!?])\s+/).filter(Boolean), 'one sentence').toHaveLength(1);
      expect(await refusal.textContent()).toContain(input.name);
      expect(await fullyInView(page, 'refusal')).toBe(true);
      expect(await page.getByTestId('prediction').count(), 'no percentage').toBe(0);
      expect(await page.locator('.prob').count(), 'no likelihood anywhere').toBe(0);
      expect(await page.getByTestId('verdict').textContent()).not.toMatch(/likelihood/i);
      expect(await page.getByTestId('export-refused').textContent()).toContain(text);
      // The views fall back to the template, and say that it is not the user's scan.
      expect(await page.getByTestId('template-tag').textContent()).toMatch(/Colin27 template, not your scan/);
      for (const id of ['export-png', 'export-report', 'export-nifti']) expect(await page.getByTestId(id).isDisabled(), id).toBe(true);
      if (n === 0) {
        // The previous subject's covariates (demo-03-AD: 76 years, female, 1190 cm³) do not carry over.
        expect(await page.getByTestId('cov-age').inputValue()).toBe('73');
        expect(await page.getByTestId('cov-tiv').inputValue()).toBe('1400');
        expect(await page.getByTestId('cov-sex').inputValue()).toBe('0.5');
        await page.screenshot({ path: join(SHOTS, 'refused-4d.png') });
      }
    });
  }

  it('a doubtful image (70 % coverage) shows its result behind a warning that the report, CSV and PNG carry', async () => {
    await openFile(page, 'most_mwp1.nii.gz', gmSlab(70));
    await page.getByTestId('input-warning').waitFor({ timeout: 180_000 });
    await waitIdle(page);
    expect(await page.getByTestId('input-warning').textContent()).toMatch(/covers \d+% of the brain/);
    expect(await fullyInView(page, 'input-warning')).toBe(true);
    expect(await page.getByTestId('prediction').textContent()).toMatch(/\d+\.\d%/);
    await page.screenshot({ path: join(SHOTS, 'doubtful.png') });

    const report = JSON.parse((await download(page, 'export-report')).toString('utf8'));
    expect(report.inputGate).toMatchObject({ scanClass: 'partial-coverage', verdict: 'doubtful' });
    expect(report.inputGate.warnings[0]).toMatch(/covers \d+% of the brain/);
    expect(report.disclaimer).toMatch(/not a diagnosis/);
    const nifti = gunzipSync(await download(page, 'export-nifti'));
    expect(nifti.subarray(148, 228).toString('latin1')).toMatch(/DOUBTFUL INPUT; not a diagnosis/);
    const csv = (await download(page, 'export-csv')).toString('utf8').split('\n');
    expect(csv[0]).toMatch(/^# warning: The image covers \d+% of the brain/);
    expect(csv.find((l) => !l.startsWith('#'))).toBe('region,hemisphere,voxels,positive_sum,negative_sum');

    // The PNG: its caption wraps inside the image (nothing runs off the right edge), the warning drawn in amber.
    const img = decodePng(await download(page, 'export-png'));
    const canvasHeight = await page.evaluate(() => document.querySelector('canvas')!.height);
    let edgeInk = 0,
      amber = 0;
    for (let y = canvasHeight; y < img.height; y++)
      for (let x = 0; x < img.width; x++) {
        const o = 4 * (y * img.width + x);
        const [r, g, b] = [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
        if (x >= img.width - 6 && r + g + b > 120) edgeInk++;
        if (r > 200 && g > 140 && g < 200 && b < 90) amber++;
      }
    expect(edgeInk, 'caption pixels at the right edge').toBe(0);
    expect(amber, 'amber warning text').toBeGreaterThan(50);

    // The orientation letters are drawn where the page shows them (over the view's dark margin).
    const letters = await page.evaluate(() => {
      const c = document.querySelector('canvas')!.getBoundingClientRect();
      return [...document.querySelectorAll('.view-axial .orient')].map((o) => {
        const b = o.getBoundingClientRect();
        return { text: o.textContent, x: b.left - c.left, y: b.top - c.top, w: b.width, h: b.height };
      });
    });
    expect(letters.map((l) => l.text).sort()).toEqual(['A', 'L', 'R']);
    for (const l of letters) {
      let ink = 0;
      for (let y = Math.floor(l.y); y < l.y + l.h; y++)
        for (let x = Math.floor(l.x); x < l.x + l.w; x++) {
          const o = 4 * (y * img.width + x);
          if (img.data[o]! > 200 && img.data[o + 1]! > 200 && img.data[o + 2]! > 200) ink++;
        }
      expect(ink, `letter ${l.text} in the PNG`).toBeGreaterThan(5);
    }
  });
});

/** Static fragments of an English template (between placeholders), long enough to be English prose. */
function englishFragments(): string[] {
  const english: Record<string, string> = { ...GATE_TEXTS, ...NIFTI_TEXTS, ...WORKER_TEXTS, ...STATE_TEXTS };
  const german: Record<string, string> = { ...messagesDe };
  for (const k of Object.keys(en) as Array<keyof typeof en>) {
    english[k] = en[k];
    german[k] = de[k];
  }
  const out = new Set<string>();
  for (const [k, text] of Object.entries(english)) {
    if (german[k] === text) continue; // the same in both (names, units, letters)
    for (const part of text.split(/\{\w+\}/)) {
      const p = part.trim();
      if (p.length >= 4 && /[a-z]{3}/i.test(p)) out.add(p);
    }
  }
  return [...out];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('German: no English string on the page in the same flows', () => {
  it('first visit, a demo result, each refusal and a doubtful result', async () => {
    const page = await newPage(1024, 700, '?lang=de');
    const fragments = englishFragments().map((f) => ({ f, re: new RegExp(`(^|[^\\p{L}])${escape(f)}($|[^\\p{L}])`, 'u') }));
    const found = new Map<string, string>();
    const check = async (flow: string) => {
      // Demo ids (demo-03-AD) and the model family's id ("demo · Fold 3" in the model choice) are names, not English.
      const text = (await page.evaluate(() => document.body.innerText)).replace(/demo-\d+-\w+/g, '').replace(/\bdemo(?= · )/g, '');
      for (const { f, re } of fragments) if (re.test(text)) found.set(f, flow);
    };
    await page.getByTestId('first-visit').waitFor();
    await page.waitForFunction(() => !(document.querySelector('[data-testid=try-demo]') as HTMLButtonElement | null)?.disabled);
    await check('first visit');
    await page.getByTestId('help-button').click();
    await check('help');
    await page.keyboard.press('Escape');
    await page.getByTestId('try-demo').click();
    await page.getByTestId('prediction').waitFor({ timeout: 180_000 });
    await waitIdle(page);
    expect(await page.getByTestId('prediction').textContent()).toMatch(/\d+,\d\s%/);
    await check('demo result');
    await page.screenshot({ path: join(SHOTS, 'german-result.png') });
    for (const input of REFUSED) {
      await openFile(page, input.name, input.bytes());
      await page.getByTestId('refusal').filter({ hasText: input.name }).waitFor({ timeout: 60_000 });
      await waitIdle(page);
      await check(`refusal of ${input.name}`);
    }
    await page.screenshot({ path: join(SHOTS, 'german-refused.png') });
    await openFile(
      page,
      'junk.nii',
      Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) & 255),
    );
    await page.getByTestId('error').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('error').textContent()).toMatch(/kein NIfTI-Bild/);
    await check('a junk file');
    await page.getByTestId('error').getByRole('button').click();
    await openFile(page, 'most_mwp1.nii.gz', gmSlab(70));
    await page.getByTestId('input-warning').waitFor({ timeout: 180_000 });
    await waitIdle(page);
    await check('doubtful result');
    expect(Object.fromEntries(found)).toEqual({});
    await page.close();
  });
});

type Rgb = [number, number, number, number];

describe('light theme', () => {
  it("every control's text has a contrast of at least 4.5:1 against its effective background", async () => {
    const page = await newPage(1400, 900);
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('try-demo').click();
    await page.getByTestId('prediction').waitFor({ timeout: 180_000 });
    await waitIdle(page);
    await page.screenshot({ path: join(SHOTS, 'light.png') });
    const controls = await page.evaluate(() => {
      const parse = (c: string): Rgb => {
        const m = /rgba?\(([^)]+)\)/.exec(c);
        if (!m) return [0, 0, 0, 0];
        const p = m[1]!
          .split(/[ ,/]+/)
          .filter(Boolean)
          .map(Number);
        return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
      };
      const over = (top: Rgb, under: Rgb): Rgb => {
        const a = top[3] + under[3] * (1 - top[3]);
        if (a === 0) return [0, 0, 0, 0];
        const mix = (i: number) => (top[i]! * top[3] + under[i]! * under[3] * (1 - top[3])) / a;
        return [mix(0), mix(1), mix(2), a];
      };
      /** Background colours of the element and its ancestors, composited until opaque; the canvas under a view counts as black. */
      const background = (el: Element): Rgb => {
        const layers: Rgb[] = [];
        for (let e: Element | null = el; e; e = e.parentElement) {
          layers.push(parse(getComputedStyle(e).backgroundColor));
          if (e.classList.contains('view')) layers.push([0, 0, 0, 1]);
        }
        layers.push([255, 255, 255, 1]);
        return layers.reduceRight((under, top) => over(top, under));
      };
      const opacity = (el: Element) => {
        let o = 1;
        for (let e: Element | null = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
        return o;
      };
      const sel = 'button, select, input:not([type=range]):not([type=checkbox]):not([type=radio]):not([type=file]):not([type=hidden]), summary, label.check';
      return [...document.querySelectorAll(sel)]
        .filter((el) => (el as HTMLElement).offsetParent !== null && !el.matches(':disabled') && (el.textContent?.trim() || (el as HTMLInputElement).value))
        .map((el) => {
          const bg = background(el);
          const fg = parse(getComputedStyle(el).color);
          const text = over([fg[0], fg[1], fg[2], fg[3] * opacity(el)], bg);
          const name = `${el.tagName.toLowerCase()}${(el as HTMLElement).dataset.testid ? `[${(el as HTMLElement).dataset.testid}]` : ''} "${(el.textContent || (el as HTMLInputElement).value).trim().slice(0, 30)}"`;
          return { name, fg: text, bg };
        });
    });
    const luminance = ([r, g, b]: Rgb) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const contrast = (a: Rgb, b: Rgb) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    expect(controls.length).toBeGreaterThan(15);
    const low = controls.map((c) => ({ name: c.name, ratio: Math.round(contrast(c.fg, c.bg) * 100) / 100 })).filter((c) => c.ratio < 4.5);
    expect(low).toEqual([]);
    await page.close();
  });

  it('no page errors (the favicon included: no 404)', () => {
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  });
});
