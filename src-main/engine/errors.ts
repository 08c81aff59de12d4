import { ERROR_CODES, type ErrorCode } from '../../shared/contract/errors';

/** A refusal the caller can act on: a closed code, a sentence, and machine-readable details. Nothing was written. */
export class TollgateError extends Error {
  override name = 'TollgateError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
  toBody() {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export function fail(code: ErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new TollgateError(code, message, details);
}
