import type { Message } from './messages';

/**
 * An error caused by the user's input (a bad file, a wrong option), as opposed to a bug.
 * Its message is one sentence that says what is wrong and what to do; hosts show it as is
 * (the CLI prints it on one line and exits 2, the app shows it in the page).
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** The same sentence as a locale key with parameters, where the thrower gave one (the page translates it). */
  readonly detail?: Message;

  constructor(message: string | Message) {
    super(typeof message === 'string' ? message : message.text);
    if (typeof message !== 'string') this.detail = message;
  }
}

/**
 * An InputError while reading a DICOM set that still found series: hosts can list them (and let
 * the user pick another) beside the sentence. `series` holds DicomSeriesSummary objects.
 */
export class SeriesInputError extends InputError {
  constructor(
    message: string,
    readonly series: readonly import('./dicom/series').DicomSeriesSummary[],
  ) {
    super(message);
  }
}
