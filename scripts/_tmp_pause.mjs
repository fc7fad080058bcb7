import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import inspector from 'node:inspector';
import { writeFileSync } from 'node:fs';
if (isMainThread) {
  const w = new Worker(new URL(import.meta.url));
  await new Promise((r) => w.once('message', r));
  await import('./_tmp_repro2.ts');
} else {
  const s = new inspector.Session();
  s.connectToMainThread();
  s.on('Debugger.paused', (m) => {
    const lines = m.params.callFrames.slice(0, 25).map((f) => `${f.functionName} ${f.url.split('/').slice(-2).join('/')}:${f.location.lineNumber + 1}`);
    writeFileSync('/tmp/pause.txt', lines.join('\n'));
    s.post('Debugger.resume');
  });
  s.post('Debugger.enable', () => {
    parentPort.postMessage('ready');
    setTimeout(() => s.post('Debugger.pause'), 6000);
  });
}
