import { useRef, type ChangeEvent } from 'react';
import { useStore } from '../state/store';
import { loadDemo } from '../state/actions';
import { openFiles } from '../state/habitsActions';
import { useNumbers, useT } from './i18n';
import { ScanReadPanel } from './ScanReadPanel';

export function LoadPanel() {
  const t = useT();
  const { num } = useNumbers();
  const demos = useStore((s) => s.demos);
  const scan = useStore((s) => s.scan);
  const input = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.currentTarget.files ?? [])];
    e.currentTarget.value = ''; // picking the same file again still fires
    // A picked folder names its files by their path inside it (webkitRelativePath).
    const named = files.map((f) => (f.webkitRelativePath && f.webkitRelativePath !== f.name ? new File([f], f.webkitRelativePath, { type: f.type }) : f));
    if (named.length) void openFiles(named);
  };
  return (
    <section className="panel">
      <h2>{t('scan.heading')}</h2>
      <div className="row">
        <button type="button" className="primary" onClick={() => input.current?.click()}>
          {t('scan.open')}
        </button>
        <input ref={input} data-testid="file-input" type="file" multiple hidden onChange={pick} />
        <button type="button" onClick={() => folder.current?.click()}>
          {t('scan.openFolder')}
        </button>
        <input ref={folder} data-testid="folder-input" type="file" multiple hidden onChange={pick} {...{ webkitdirectory: '' }} />
        <span className="hint">{t('scan.orDrop')}</span>
      </div>
      <label className="field">
        <span>{t('scan.demo')}</span>
        <select
          data-testid="demo-select"
          value=""
          disabled={demos.length === 0}
          onChange={(e) => e.currentTarget.value && void loadDemo(e.currentTarget.value)}
        >
          <option value="">{demos.length ? t('scan.chooseDemo') : t('scan.noDemos')}</option>
          {demos.map((d) => (
            <option key={d.id} value={d.id}>
              {t('scan.demoOption', { id: d.id, group: d.group, age: d.age, sex: String(d.sex) })}
            </option>
          ))}
        </select>
      </label>
      {scan && (
        <p className="scan-name" title={t('scan.hashTitle', { hash: scan.hash })}>
          {scan.name} <span className="hint">({t('scan.size', { mb: num(scan.bytes.length / 2 ** 20, 1), source: t(`scan.source.${scan.source}`) })})</span>
        </p>
      )}
      <ScanReadPanel />
    </section>
  );
}
