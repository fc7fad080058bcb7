/**
 * Every view option with its default, in one place (as NiiVue does).
 * Values follow the original app's display post-processing (docs/model-grid.md).
 */
export type VolumeMode = 'glass' | 'render';
export type ClipAxis = 'none' | 'x' | 'y' | 'z';
/** 'warped': the raw-T1 stage's warped scan (only for a preprocessed raw T1; else the scan). */
export type BackgroundSource = 'scan' | 'template' | 'warped';

export interface ViewSettings {
  /** Overlay shows voxels with |display| >= threshold (display map is in [-1, 1]). */
  threshold: number;
  /** 0 = opaque overlay, 1 = invisible. */
  transparency: number;
  /** Hide the relevance overlay entirely. */
  hideOverlay: boolean;
  /** Added to the normalized background intensity (-1..1). */
  brightness: number;
  /** Multiplies the background around mid-grey (0.2..5). */
  contrast: number;
  /** false: neurological (subject's left on screen-left); true: radiological (left on screen-right). */
  flipLR: boolean;
  /** The image under the overlay: the analysed scan, or the Colin27 T1 template when available. */
  backgroundSource: BackgroundSource;
  /** 3D view: glass-brain maximum-intensity projection of relevance, or the rendered brain. */
  volumeMode: VolumeMode;
  /** 3D view clip plane: axis (world), position 0..1 along it, and which side is cut. */
  clipAxis: ClipAxis;
  clipPosition: number;
  clipFlip: boolean;
  /** Crosshair lines in the slice views. */
  showCrosshair: boolean;
}

export const DEFAULT_VIEW_SETTINGS: ViewSettings = {
  threshold: 0.4,
  transparency: 0.3,
  hideOverlay: false,
  brightness: 0,
  contrast: 1,
  flipLR: false,
  backgroundSource: 'scan',
  volumeMode: 'glass',
  clipAxis: 'none',
  clipPosition: 0.5,
  clipFlip: false,
  showCrosshair: true,
};
