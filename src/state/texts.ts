/**
 * The state layer's sentences in English, by key: the state stores Messages, the page translates
 * their keys (src/ui/i18n/messagesDe.ts), so nothing here needs the UI's locale files.
 */
import { messageFrom, type Message } from '../core/messages';

export const STATE_TEXTS = {
  'state.tooLarge': '"{name}" is {mb} MB, too large for a gray-matter map; use the CAT12 mwp1 image.',
  'state.unknownDemo': 'The demo case "{id}" is not in the list; pick another one.',
  'state.readFailed': 'Could not read "{name}"; try again.',
  'state.downloadFailed': 'Could not download {url}; check the address and that the server allows it (CORS).',
  'state.downloadHttp': 'Could not download {url} (HTTP {status}); check the address.',
  'state.modelTooLarge': '"{name}" is {mb} MB, far larger than any model this viewer can run; drop the Keras .h5 file of the model itself.',
  'state.workerStopped':
    'The analysis stopped because its worker ended unexpectedly (the browser may have run short of memory); the app has restarted it, so try again.',
  'state.urlOtherOrigin':
    'Only scans from this site ({origin}) can be opened by address: this page may not contact {other}, so that no scan can be sent elsewhere; download the file and drop it here instead.',
  'state.notSavedFull':
    'The model "{name}" works in this tab but could not be kept for later: the browser\'s storage is full; free some space or drop the file again after a reload.',
  'state.notSavedUnavailable':
    'The model "{name}" works in this tab but could not be kept for later: this browser offers no storage here (private window?); drop the file again after a reload.',
} as const;

export type StateMessageKey = keyof typeof STATE_TEXTS;
/** The worker's keys, for the page's locales (the page reaches the worker only through the state). */
export type { WorkerMessageKey } from '../worker/messageProtocol';

export const say = (key: StateMessageKey, params?: Record<string, string | number>): Message => messageFrom(STATE_TEXTS, key, params);

/** An Error thrown with a Message (so that a caught download failure keeps its key). */
export class MessageError extends Error {
  constructor(readonly detail: Message) {
    super(detail.text);
  }
}
