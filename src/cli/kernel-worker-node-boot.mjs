// Bootstrap of the Node kernel worker: registers tsx in this worker thread, then
// loads the TypeScript entry (execArgv --import tsx does not reach a worker's entry on Node 20).
import { register } from 'tsx/esm/api';

register();
await import('./kernel-worker-node.ts');
