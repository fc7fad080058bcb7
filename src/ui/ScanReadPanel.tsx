import type { DicomSeriesSummary } from '../core/dicom/series';
import { chooseSeries } from '../state/scanActions';
import { useStore } from '../state/store';
import { translateMessage, useT, type T } from './i18n';

function planeText(t: T, plane: string): string {
  const [first, second] = plane.split(' ');
  const base = (p: string | undefined) => (p === 'axial' || p === 'sagittal' || p === 'coronal' ? t(`dicom.plane.${p}`) : (p ?? ''));
  return first === 'oblique' ? t('dicom.plane.oblique', { plane: base(second) }) : base(first);
}

function SeriesRow({ s, inUse, busy }: { s: DicomSeriesSummary; inUse: boolean; busy: boolean }) {
  const t = useT();
  const lang = useStore((st) => st.lang);
  const plane = `${planeText(t, s.plane)}${s.orientation ? ` (${s.orientation})` : ''}`;
  return (
    <li
      data-testid="dicom-series"
      data-series-id={s.id}
      data-in-use={inUse ? 'true' : 'false'}
      data-syntax={s.transferSyntax}
      aria-current={inUse ? 'true' : undefined}
      className={`dicom-series${inUse ? ' in-use' : ''}${s.problem ? ' unreadable' : ''}`}
      title={s.problem ?? undefined}
    >
      <span className="dicom-series-name">
        {t('dicom.number', { number: s.seriesNumber ?? '?' })} · {s.description || t('dicom.unnamed')}
        {s.t1Like && <span className="badge">{t('dicom.t1Like')}</span>}
      </span>
      <span className="hint">{t('dicom.details', { slices: s.slices, columns: s.columns, rows: s.rows, plane })}</span>
      {s.problemReason && (
        <span className="hint" data-testid="dicom-series-problem">
          {translateMessage(lang, s.problemReason)}
        </span>
      )}
      {inUse ? (
        <span className="badge">{t('dicom.inUse')}</span>
      ) : s.problem ? (
        <span className="hint">{t('dicom.cannotRead')}</span>
      ) : (
        <button type="button" data-testid="dicom-series-use" disabled={busy} onClick={() => void chooseSeries(s.id)}>
          {t('dicom.use')}
        </button>
      )}
    </li>
  );
}

/** What reading several files, a zip or a DICOM folder found: the notices and the series to choose from. */
export function ScanReadPanel() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const read = useStore((s) => s.scanRead);
  const busy = useStore((s) => s.status === 'loading' || s.status === 'running');
  if (!read) return null;
  return (
    <div className="scan-read" data-testid="scan-read">
      {read.notices.length > 0 && (
        <ul className="notices" data-testid="scan-notices">
          {read.notices.map((n, i) => (
            <li key={i}>{translateMessage(lang, n)}</li>
          ))}
        </ul>
      )}
      {read.dicom && (
        <>
          <h3>{t('dicom.heading')}</h3>
          {read.dicom.patient && (read.dicom.patient.name || read.dicom.patient.id) && (
            <p className="hint" data-testid="dicom-patient">
              {t('dicom.patient', { name: read.dicom.patient.name || '—', id: read.dicom.patient.id || '—' })}
            </p>
          )}
          <ul className="dicom-series-list" data-testid="dicom-series-list">
            {read.dicom.series.map((s) => (
              <SeriesRow key={s.id} s={s} inUse={s.id === read.dicom!.chosen} busy={busy} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
