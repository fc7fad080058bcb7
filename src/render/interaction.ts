/**
 * Pointer and wheel input of the views, turned into intentions (move the crosshair, pan, zoom,
 * page, rotate); the engine decides what they change. `listen` registers a listener the engine
 * removes on dispose.
 */
export type Listen = (el: HTMLElement, type: string, fn: (e: Event) => void, opts?: AddEventListenerOptions) => void;

export interface SliceInput {
  /** Left button down or dragged: put the crosshair under the pointer (client px). */
  point: (clientX: number, clientY: number) => void;
  /** Shift or right drag by (dx, dy) CSS px. */
  pan: (dx: number, dy: number) => void;
  zoom: (factor: number) => void;
  /** Wheel without modifiers: one slice forward (+1) or back (-1). */
  page: (direction: 1 | -1) => void;
  reset: () => void;
}

export function bindSliceInput(el: HTMLElement, listen: Listen, input: SliceInput): void {
  let mode: 'none' | 'cross' | 'pan' = 'none';
  let last = [0, 0];
  listen(el, 'pointerdown', (ev) => {
    const e = ev as PointerEvent;
    el.setPointerCapture(e.pointerId);
    mode = e.button === 0 && !e.shiftKey ? 'cross' : 'pan';
    last = [e.clientX, e.clientY];
    if (mode === 'cross') input.point(e.clientX, e.clientY);
  });
  listen(el, 'pointermove', (ev) => {
    const e = ev as PointerEvent;
    if (mode === 'cross') input.point(e.clientX, e.clientY);
    else if (mode === 'pan') {
      input.pan(e.clientX - last[0]!, e.clientY - last[1]!);
      last = [e.clientX, e.clientY];
    }
  });
  const end = () => {
    mode = 'none';
  };
  listen(el, 'pointerup', end);
  listen(el, 'pointercancel', end);
  listen(el, 'contextmenu', (e) => e.preventDefault());
  listen(el, 'dblclick', () => input.reset());
  listen(
    el,
    'wheel',
    (ev) => {
      const e = ev as WheelEvent;
      e.preventDefault();
      if (e.ctrlKey || e.metaKey || e.altKey) input.zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15);
      else input.page(e.deltaY < 0 ? 1 : -1);
    },
    { passive: false },
  );
}

export interface VolumeInput {
  rotate: (dx: number, dy: number) => void;
  zoom: (factor: number) => void;
  /** The drag ended (pointer up or cancelled). */
  release: () => void;
  reset: () => void;
}

export function bindVolumeInput(el: HTMLElement, listen: Listen, input: VolumeInput): void {
  let dragging = false;
  let last = [0, 0];
  listen(el, 'pointerdown', (ev) => {
    const e = ev as PointerEvent;
    el.setPointerCapture(e.pointerId);
    dragging = true;
    last = [e.clientX, e.clientY];
  });
  listen(el, 'pointermove', (ev) => {
    const e = ev as PointerEvent;
    if (!dragging) return;
    input.rotate(e.clientX - last[0]!, e.clientY - last[1]!);
    last = [e.clientX, e.clientY];
  });
  const end = () => {
    if (dragging) input.release();
    dragging = false;
  };
  listen(el, 'pointerup', end);
  listen(el, 'pointercancel', end);
  listen(el, 'dblclick', () => input.reset());
  listen(
    el,
    'wheel',
    (ev) => {
      ev.preventDefault();
      input.zoom((ev as WheelEvent).deltaY > 0 ? 1.1 : 1 / 1.1);
    },
    { passive: false },
  );
}
