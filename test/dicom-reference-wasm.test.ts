/**
 * The compressed series again, with the codecs' WebAssembly builds that the CLI and the web worker
 * use (handed over as the CLI does): they too must give dcm2niix's voxels exactly, so both builds
 * decode alike. (Each test file has its own module state, so the JavaScript builds never load here.)
 */
import { useCodecWasmNode } from '../src/cli/codecWasmNode';
import { codecBuilds } from '../src/core/dicom';
import { REFERENCE_CASES, referenceSuite } from './dicom/referenceSuite';

useCodecWasmNode();
if (codecBuilds().openjpeg !== 'wasm' || codecBuilds().charls !== 'wasm') throw new Error('the WebAssembly codec builds were not registered');
referenceSuite(
  'DICOM series against dcm2niix (WebAssembly codec builds)',
  REFERENCE_CASES.filter((c) => c.compressed),
);
