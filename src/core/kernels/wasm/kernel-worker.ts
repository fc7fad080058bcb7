/**
 * Browser entry of a kernel worker (threads.ts). Spawn with
 * new Worker(new URL('./kernel-worker.ts', import.meta.url), { type: 'module' }).
 */
import { serveKernelWorker, type KernelWorkerReply, type KernelWorkerRequest } from './threads';

const scope = globalThis as unknown as {
  postMessage(msg: KernelWorkerReply): void;
  addEventListener(type: 'message', listener: (e: { data: KernelWorkerRequest }) => void): void;
};
serveKernelWorker({
  post: (msg) => scope.postMessage(msg),
  onMessage: (handler) => scope.addEventListener('message', (e) => handler(e.data)),
});
