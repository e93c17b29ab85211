/**
 * The one error type of ucsp-sandbox. Every failure that reaches a user — a coded UCSP answer on
 * the wire or an exit code on the command line — is a UcspError of one of these kinds; `to-answer`
 * and the CLI's boundary are the only places that turn one into a response code or an exit code.
 */
/** Every response code of PROFILE §8. */
export const RESPONSE_CODES = ['00', '01', '05', '10', '11', '34', '36', '99'] as const;
export type ResponseCode = (typeof RESPONSE_CODES)[number];

export type ErrorKind =
  | 'format' // 10 Message Format Invalid
  | 'signature' // 11 Signature Verification Fails
  | 'not-found' // 34 Transaction Order not Found
  | 'incorrect' // 36 Order Info is Incorrect
  | 'declined' // 01 Transaction Fail
  | 'common' // 99 Common Error
  | 'unavailable' // 99 on the wire, HTTP 503 elsewhere: the sandbox cannot do its part now (its data folder cannot be written)
  | 'usage' // CLI: bad flags or arguments
  | 'io' // CLI: unreadable or unwritable file
  | 'config'; // CLI: invalid configuration

interface KindInfo {
  responseCode: ResponseCode;
  exitCode: number;
}

const KINDS: Record<ErrorKind, KindInfo> = {
  format: { responseCode: '10', exitCode: 1 },
  signature: { responseCode: '11', exitCode: 1 },
  'not-found': { responseCode: '34', exitCode: 1 },
  incorrect: { responseCode: '36', exitCode: 1 },
  declined: { responseCode: '01', exitCode: 1 },
  common: { responseCode: '99', exitCode: 1 },
  unavailable: { responseCode: '99', exitCode: 1 },
  usage: { responseCode: '99', exitCode: 2 },
  io: { responseCode: '99', exitCode: 2 },
  config: { responseCode: '99', exitCode: 2 },
};

export interface UcspErrorOptions {
  /** Extra lines a developer can act on (each problem, the known IDs, a digest…). */
  details?: string[];
  cause?: unknown;
}

export class UcspError extends Error {
  readonly kind: ErrorKind;
  readonly details: string[];

  constructor(kind: ErrorKind, message: string, options: UcspErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UcspError';
    this.kind = kind;
    this.details = options.details ?? [];
  }

  get responseCode(): ResponseCode {
    return KINDS[this.kind].responseCode;
  }

  get exitCode(): number {
    return KINDS[this.kind].exitCode;
  }
}

export function isUcspError(e: unknown): e is UcspError {
  return e instanceof UcspError;
}

/** Standard responseMsg text for each code (PROFILE §8). */
export const RESPONSE_MESSAGES: Record<ResponseCode, string> = {
  '00': 'Approved',
  '01': 'Transaction Fail',
  '05': 'Accepted, need to inquire',
  '10': 'Message Format Invalid',
  '11': 'Signature Verification Fails',
  '34': 'Transaction Order not Found',
  '36': 'Order Info is Incorrect',
  '99': 'Common Error',
};
