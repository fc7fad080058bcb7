/// <reference lib="webworker" />
/** The research worker: clusters, guides, region targets and NIfTI exports (see research.ts). */
import { describeError } from './errorKinds';
import { ResearchSession, transferables } from './research';
import type { ResearchRequest, ResearchResponse } from './researchProtocol';

declare const self: DedicatedWorkerGlobalScope;

const session = new ResearchSession();

function post(msg: ResearchResponse): void {
  self.postMessage(msg, msg.type === 'error' ? [] : transferables(msg));
}

self.onmessage = (ev: MessageEvent<ResearchRequest>) => {
  const msg = ev.data;
  const seq = 'seq' in msg ? msg.seq : -1;
  try {
    switch (msg.type) {
      case 'atlas':
        session.setAtlas(msg.labels);
        return;
      case 'map':
        post(session.setMap(msg.key, msg.display, msg.relevance, msg.spread));
        return;
      case 'clusters':
        post(session.clusters(msg.seq, msg.key, msg.threshold, msg.minSize));
        return;
      case 'export-nifti':
        post(session.exportNifti(msg.seq, msg.key, msg.kind, msg.space, msg.scanBytes, msg.doubtful, msg.combination));
    }
  } catch (err) {
    post({ type: 'error', seq, message: describeError(err).message.text });
  }
};
