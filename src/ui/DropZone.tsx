import { useState, type DragEvent, type ReactNode } from 'react';
import { openFiles } from '../state/habitsActions';
import { droppedFiles } from './dropFiles';
import { useT } from './i18n';

/** The whole page accepts dropped files: a NIfTI scan, DICOM files or folders, zips, and/or Keras .h5 models. */
export function DropZone({ children }: { children: ReactNode }) {
  const t = useT();
  const [over, setOver] = useState(false);
  const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');
  return (
    <div
      className="drop-zone"
      data-testid="drop-zone"
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node)) setOver(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setOver(false);
        void droppedFiles(e.dataTransfer).then((files) => (files.length ? openFiles(files) : undefined));
      }}
    >
      {children}
      {over && (
        <div className="drop-overlay" aria-hidden="true">
          <div>{t('drop.overlay')}</div>
        </div>
      )}
    </div>
  );
}
