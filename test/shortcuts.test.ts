/** Keyboard shortcuts: key -> action, and paging the crosshair like the mouse wheel does. */
import { describe, expect, it } from 'vitest';
import { pagedCrosshair, shortcutFor } from '../src/ui/shortcuts';

const DIMS = [121, 145, 121] as const;

describe('shortcutFor', () => {
  it('maps the documented keys', () => {
    expect(shortcutFor({ key: 'h' }, false)).toEqual({ kind: 'toggleOverlay' });
    expect(shortcutFor({ key: 't' }, false)).toEqual({ kind: 'threshold', direction: -1 });
    expect(shortcutFor({ key: 'T' }, false)).toEqual({ kind: 'threshold', direction: 1 });
    expect(shortcutFor({ key: 'r' }, false)).toEqual({ kind: 'reset' });
    expect(shortcutFor({ key: '?' }, false)).toEqual({ kind: 'help' });
    expect(shortcutFor({ key: 'ArrowUp' }, false)).toEqual({ kind: 'page', steps: 1 });
    expect(shortcutFor({ key: 'ArrowLeft' }, false)).toEqual({ kind: 'page', steps: -1 });
  });
  it('leaves typing in form fields and modified keys alone, but Escape always closes help', () => {
    expect(shortcutFor({ key: 'h' }, true)).toBeNull();
    expect(shortcutFor({ key: 'r', ctrlKey: true }, false)).toBeNull();
    expect(shortcutFor({ key: 'x' }, false)).toBeNull();
    expect(shortcutFor({ key: 'Escape' }, true)).toEqual({ kind: 'closeHelp' });
  });
});

describe('pagedCrosshair', () => {
  it('axial pages k (superior), coronal j (anterior), sagittal towards the right = lower i', () => {
    expect(pagedCrosshair([60, 84, 48], 'axial', 1, DIMS)).toEqual([60, 84, 49]);
    expect(pagedCrosshair([60, 84, 48], 'coronal', -1, DIMS)).toEqual([60, 83, 48]);
    expect(pagedCrosshair([60, 84, 48], 'sagittal', 1, DIMS)).toEqual([59, 84, 48]);
    expect(pagedCrosshair([60, 84, 48], 'volume', 1, DIMS)).toEqual([60, 84, 49]);
  });
  it('stays on the grid', () => {
    expect(pagedCrosshair([60, 84, 120], 'axial', 1, DIMS)).toEqual([60, 84, 120]);
    expect(pagedCrosshair([0, 84, 48], 'sagittal', 1, DIMS)).toEqual([0, 84, 48]);
  });
});
