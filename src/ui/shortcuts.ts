/**
 * Keyboard shortcuts of the viewer, as pure mappings (no DOM): which key does what, and the
 * crosshair after paging a view. The hook in useShortcuts.ts wires them to the page.
 */
import { pagingAxis, SLICE_VIEWS, type ViewId } from '../render/viewGeometry';
import type { MessageKey } from './i18n';

export type ShortcutAction =
  | { kind: 'page'; steps: 1 | -1 }
  | { kind: 'toggleOverlay' }
  | { kind: 'threshold'; direction: 1 | -1 }
  | { kind: 'reset' }
  | { kind: 'help' }
  | { kind: 'closeHelp' };

/** The shortcut list shown in the help panel, in the order shown. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; help: MessageKey }> = [
  { keys: '← → ↑ ↓', help: 'help.arrows' },
  { keys: 'h', help: 'help.h' },
  { keys: 't / T', help: 'help.t' },
  { keys: 'r', help: 'help.r' },
  { keys: '?', help: 'help.question' },
  { keys: 'Esc', help: 'help.escape' },
];

/** The action of a key press, or null (other keys, or typing into a form field). */
export function shortcutFor(e: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }, inFormField: boolean): ShortcutAction | null {
  if (e.key === 'Escape') return { kind: 'closeHelp' };
  if (inFormField || e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case 'ArrowUp':
    case 'ArrowRight':
      return { kind: 'page', steps: 1 };
    case 'ArrowDown':
    case 'ArrowLeft':
      return { kind: 'page', steps: -1 };
    case 'h':
    case 'H':
      return { kind: 'toggleOverlay' };
    case 't':
      return { kind: 'threshold', direction: -1 };
    case 'T':
      return { kind: 'threshold', direction: 1 };
    case 'r':
    case 'R':
      return { kind: 'reset' };
    case '?':
      return { kind: 'help' };
    default:
      return null;
  }
}

/**
 * The crosshair after paging `view` by `steps` slices (+1: towards superior / anterior / the
 * subject's right, like the mouse wheel). The 3D view pages the axial slices. Clamped to the grid.
 */
export function pagedCrosshair(
  crosshair: readonly [number, number, number],
  view: ViewId,
  steps: number,
  dims: readonly [number, number, number],
): [number, number, number] {
  const axis = SLICE_VIEWS.find((v) => v.id === view)?.axis ?? 0;
  const { index, sign } = pagingAxis(axis);
  const next: [number, number, number] = [crosshair[0], crosshair[1], crosshair[2]];
  next[index] = Math.max(0, Math.min(dims[index] - 1, next[index] + steps * sign));
  return next;
}
