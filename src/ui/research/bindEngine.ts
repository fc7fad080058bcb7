/**
 * Feeds the research state to the viewer engine: the cluster mask of the map on screen, the atlas
 * labels and which outlines to draw. References and one label read only, no voxel loops.
 */
import type { ViewerEngine } from '../../render/ViewerEngine';
import { useResearch, voxelIndex } from '../../state/research';
import { shownOverlay, useStore } from '../../state/store';

export function bindResearchToEngine(engine: ViewerEngine): () => void {
  const sync = () => {
    const s = useStore.getState();
    const r = useResearch.getState();
    const c = r.clusters;
    // A mask of another map (or none yet) must not hide this map's clusters: show all until it arrives.
    // The clusters are the relevance map's: the fold-spread map is drawn unfiltered.
    const relevanceShown = shownOverlay(s) === 'relevance';
    engine.setClusterMask(relevanceShown && c && s.output && c.key === s.output.key ? c.kept : null);
    const labels = s.assets.atlasLabels;
    engine.setAtlasLabels(labels);
    const region = labels && r.settings.showRegionOutline ? (labels[voxelIndex(s.crosshair)] ?? 0) : 0;
    engine.setOutlines(region, labels !== null && r.settings.showAllOutlines);
  };
  sync();
  const a = useStore.subscribe(sync);
  const b = useResearch.subscribe(sync);
  return () => {
    a();
    b();
  };
}
