/** Node (worker_threads) entry of a wasm kernel worker (threads.ts), for the CLI, tests and benches. */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { serveKernelWorker, type KernelWorkerHandle, type KernelWorkerReply } from '../core/kernels/wasm/threads';

// Only when spawned below (a test runner may itself run tests in worker threads).
if (parentPort && (workerData as { kernelWorker?: boolean } | null)?.kernelWorker === true) {
  const port = parentPort;
  serveKernelWorker({ post: (m) => port.postMessage(m), onMessage: (h) => port.on('message', h) });
}

/** Spawns this file as a worker (through a bootstrap that registers tsx). */
export function spawnNodeKernelWorker(): KernelWorkerHandle {
  const w = new Worker(new URL('./kernel-worker-node-boot.mjs', import.meta.url), { workerData: { kernelWorker: true } });
  return {
    post: (msg) => w.postMessage(msg),
    onMessage: (h) => w.on('message', (m: KernelWorkerReply) => h(m)),
    terminate: () => void w.terminate(),
  };
}
