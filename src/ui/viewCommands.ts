/**
 * Small page-wide channel between the keyboard shortcuts and the viewer: which view the pointer is
 * over (or was clicked last), and a "reset the views" command the viewer's engine carries out.
 */
import type { ViewId } from '../render/viewGeometry';

let hovered: ViewId | null = null;
let clicked: ViewId = 'axial';
const resetListeners = new Set<() => void>();

export function pointerEntered(id: ViewId): void {
  hovered = id;
}
export function pointerLeft(id: ViewId): void {
  if (hovered === id) hovered = null;
}
export function viewClicked(id: ViewId): void {
  clicked = id;
}
/** The view under the pointer, else the last one clicked (axial at first). */
export function activeView(): ViewId {
  return hovered ?? clicked;
}

export function onResetViews(fn: () => void): () => void {
  resetListeners.add(fn);
  return () => resetListeners.delete(fn);
}
export function resetViews(): void {
  for (const fn of resetListeners) fn();
}
