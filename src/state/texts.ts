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
