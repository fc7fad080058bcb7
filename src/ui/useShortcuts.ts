/** Wires the keyboard shortcuts (shortcuts.ts) to the page: one keydown listener on the window. */
import { useEffect } from 'react';
import { CENTRE_VOXEL, setCrosshair, useStore } from '../state/store';
import { nudgeThreshold, setHelpOpen, toggleOverlay } from '../state/habitsActions';
import { CAT12_GRID } from '../core/volume/grid';
import { pagedCrosshair, shortcutFor } from './shortcuts';
import { activeView, resetViews } from './viewCommands';

function isFormField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e, isFormField(e.target));
      if (!action) return;
      switch (action.kind) {
        case 'page':
          setCrosshair(pagedCrosshair(useStore.getState().crosshair, activeView(), action.steps, CAT12_GRID.dims));
          break;
        case 'toggleOverlay':
          toggleOverlay();
          break;
        case 'threshold':
          nudgeThreshold(action.direction);
          break;
        case 'reset':
          resetViews();
          setCrosshair(CENTRE_VOXEL);
          break;
        case 'help':
          setHelpOpen(true);
          break;
        case 'closeHelp':
          if (!useStore.getState().helpOpen) return;
          setHelpOpen(false);
          break;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
