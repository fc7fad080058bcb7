/**
 * The research tools' strings, from the locale files (src/ui/i18n/en.ts, de.ts: keys "research.*"),
 * in the shape the research components use. Components call useResearchStrings(); code outside
 * React (the PNG export) calls researchStringsNow().
 */
import { useMemo } from 'react';
import { tNow, useT, type T } from '../i18n';

export type NiftiExportKind = 'raw-grid' | 'display-grid' | 'raw-scan' | 'display-scan' | 'spread-grid' | 'spread-scan';
export type AxisName = 'axial' | 'coronal' | 'sagittal';

export function researchStringsFor(t: T) {
  return {
    clustersTitle: t('research.clustersTitle'),
    minClusterSize: t('research.minClusterSize'),
    histogramCaption: t('research.histogramCaption'),
    histogramBarTitle: (from: number, to: number | null, count: number) =>
      t('research.histogramBarTitle', { range: `${from}${to === null ? '+' : `–${to}`}`, count }),
    clustersKept: (kept: number, total: number) => t('research.clustersKept', { kept, total }),
    clusterAtCrosshair: t('research.clusterAtCrosshair'),
    noCluster: t('research.noCluster'),
    clusterPositive: t('research.clusterPositive'),
    clusterNegative: t('research.clusterNegative'),
    clusterFiltered: t('research.clusterFiltered'),
    clusterSize: (voxels: number, mm3: number) => t('research.clusterSize', { voxels, mm3: mm3.toFixed(0) }),
    clusterMean: t('research.clusterMean'),
    clusterPeak: t('research.clusterPeak'),
    clusterSizeLabel: t('research.clusterSizeLabel'),
    displayUnits: t('research.displayUnits'),
    updateTiming: (last: number, median: number | null) =>
      t('research.updateTiming', { last: last.toFixed(0), median: median === null ? '—' : median.toFixed(0) }),
    waitingForClusters: t('research.waitingForClusters'),
    guideTitle: (axis: AxisName) => t('research.guideTitle', { axis: t(`research.axis.${axis}`) }),
    atlasTitle: t('research.atlasTitle'),
    outlineCurrent: t('research.outlineCurrent'),
    outlineAll: t('research.outlineAll'),
    regionTableTitle: t('research.regionTableTitle'),
    regionTableHint: t('research.regionTableHint'),
    tabRegions: t('research.tabRegions'),
    tabLobes: t('research.tabLobes'),
    colRegion: t('research.colRegion'),
    colLobe: t('research.colLobe'),
    colScore: t('research.colScore'),
    colNegative: t('research.colNegative'),
    colVoxels: t('research.colVoxels'),
    noRegions: t('research.noRegions'),
    exportsTitle: t('research.exportsTitle'),
    exportNifti: t('research.exportNifti'),
    exportNiftiKinds: {
      'raw-grid': t('research.nifti.raw-grid'),
      'display-grid': t('research.nifti.display-grid'),
      'raw-scan': t('research.nifti.raw-scan'),
      'display-scan': t('research.nifti.display-scan'),
      'spread-grid': t('research.nifti.spread-grid'),
      'spread-scan': t('research.nifti.spread-scan'),
    } satisfies Record<NiftiExportKind, string>,
    exportPng: t('research.exportPng'),
    exportCsv: t('research.exportCsv'),
    exportLobesCsv: t('research.exportLobesCsv'),
    exportReport: t('research.exportReport'),
    exportBusy: t('research.exportBusy'),
    exportNeedsResult: t('research.exportNeedsResult'),
    pngLegendNegative: t('research.pngLegendNegative'),
    pngLegendPositive: t('research.pngLegendPositive'),
    pngProbability: (pct: string) => t('research.pngProbability', { pct }),
    pngSettings: (threshold: number, minCluster: number) => t('research.pngSettings', { threshold: threshold.toFixed(2), minCluster }),
    viewTitles: { axial: t('view.axial'), coronal: t('view.coronal'), sagittal: t('view.sagittal'), volume: t('view.3d') },
  };
}

export type ResearchStrings = ReturnType<typeof researchStringsFor>;

/** The strings in the current language (re-renders on a language change). */
export function useResearchStrings(): ResearchStrings {
  const t = useT();
  return useMemo(() => researchStringsFor(t), [t]);
}

/** The strings in the current language, outside React. */
export function researchStringsNow(): ResearchStrings {
  return researchStringsFor(tNow);
}
