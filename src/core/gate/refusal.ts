import { InputError } from '../errors';
import type { GateDecision } from './types';

/** The gate refused the scan: an InputError (one sentence, CLI exit 2) that carries the decision for the page. */
export class InputRefused extends InputError {
  constructor(readonly decision: GateDecision) {
    super(decision.reasons[0]!);
  }
}
