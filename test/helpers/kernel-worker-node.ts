/** The Node kernel worker lives with the CLI (which offers --threads); tests and scripts share it. */
export { spawnNodeKernelWorker } from '../../src/cli/kernel-worker-node';
