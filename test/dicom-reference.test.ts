/** Our DICOM reader against dcm2niix (see test/dicom/referenceSuite.ts), codecs as pure-JavaScript builds. */
import { codecBuilds } from '../src/core/dicom';
import { referenceSuite } from './dicom/referenceSuite';

if (codecBuilds().openjpeg !== 'js') throw new Error('this file checks the JavaScript codec builds');
referenceSuite('DICOM series against dcm2niix (JavaScript codec builds)');
