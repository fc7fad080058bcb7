import { useEffect, useRef } from 'react';
import { setCrosshair, useStore, type Voxel } from '../../state/store';
import { useResearch } from '../../state/research';
import { useResearchStrings, type AxisName } from './strings';

type SliceViewId = 'axial' | 'coronal' | 'sagittal';

/** Voxel axis each view pages through: axial k, coronal j, sagittal i. */
const AXIS: Record<SliceViewId, 0 | 1 | 2> = { axial: 2, coronal: 1, sagittal: 0 };
const AXIS_NAME: Record<SliceViewId, AxisName> = { axial: 'axial', coronal: 'coronal', sagittal: 'sagittal' };

/**
 * Bars run along ascending world coordinate (inferior -> superior, posterior -> anterior,
 * left -> right); i runs right -> left, so the sagittal guide is reversed (and flipped back in the
 * radiological convention, where screen-left is the subject's right).
 */
function reversed(id: SliceViewId, flipLR: boolean): boolean {
  return id === 'sagittal' ? !flipLR : false;
}

/** Per-slice relevance sums under a slice view; a click moves the crosshair to that slice. */
export function SliceGuide({ id }: { id: SliceViewId }) {
  const S = useResearchStrings();
  const ref = useRef<HTMLDivElement>(null);
  const axis = AXIS[id];
  const outputKey = useStore((s) => s.output?.key ?? null);
  const flipLR = useStore((s) => s.view.flipLR);
  const slice = useStore((s) => s.crosshair[axis]);
  const guide = useResearch((s) => (s.clusters && s.clusters.key === outputKey ? s.clusters.guides[axis] : null));
  const rev = reversed(id, flipLR);

  // Native listener: the view's own pointer handler (crosshair, pan) must not see these clicks.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const down = (e: PointerEvent) => {
      e.stopPropagation();
      const g = useResearch.getState().clusters?.guides[axis];
      if (!g) return;
      const n = g.positive.length;
      const r = el.getBoundingClientRect();
      const pos = Math.max(0, Math.min(n - 1, Math.floor(((e.clientX - r.left) / r.width) * n)));
      const index = rev ? n - 1 - pos : pos;
      const next = [...useStore.getState().crosshair] as Voxel;
      next[axis] = index;
      setCrosshair(next);
    };
    el.addEventListener('pointerdown', down);
    return () => el.removeEventListener('pointerdown', down);
  }, [axis, rev, guide !== null]);

  if (!guide) return null;
  const n = guide.positive.length;
  let max = 1e-9;
  for (let s = 0; s < n; s++) max = Math.max(max, guide.positive[s], -guide.negative[s]);
  const bars = [];
  for (let s = 0; s < n; s++) {
    const x = rev ? n - 1 - s : s;
    const p = guide.positive[s] / max;
    const q = -guide.negative[s] / max;
    if (p > 0) bars.push(<rect key={`p${s}`} className="pos" x={x + 0.1} y={0.5 - 0.5 * p} width={0.8} height={0.5 * p} />);
    if (q > 0) bars.push(<rect key={`n${s}`} className="neg" x={x + 0.1} y={0.5} width={0.8} height={0.5 * q} />);
  }
  const cur = rev ? n - 1 - slice : slice;
  return (
    <div className="slice-guide" ref={ref} data-testid={`guide-${id}`} data-slices={n} data-current={slice} title={S.guideTitle(AXIS_NAME[id])}>
      <svg viewBox={`0 0 ${n} 1`} preserveAspectRatio="none">
        <line className="axis" x1={0} x2={n} y1={0.5} y2={0.5} />
        {bars}
        <rect className="cur" x={cur + 0.3} y={0} width={0.4} height={1} />
      </svg>
    </div>
  );
}
