/** What every part of the example partner shares: its configuration, state, clock and UCSP client. */
import type { SignatureVariant, SignerCredentials, TrustStore } from '../../src/index.js';
import type { PartnerBugs } from './bugs.js';
import type { PartnerSlowness } from './slow.js';
import type { PartnerStore } from './store.js';
import type { UcspClient } from './ucsp-client.js';
import type { Wire } from './wire.js';

export interface PartnerContext {
  insID: string;
  merId: string;
  acqIIN: string;
  zone: string;
  variant: SignatureVariant;
  signer: SignerCredentials;
  /** UCSP's certificate(s): notices and login hand-offs must be signed by one of them. */
  ucspTrust: TrustStore;
  bugs: PartnerBugs;
  store: PartnerStore;
  wire: Wire;
  ucsp: UcspClient;
  /** The partner's own base URL, for backUrl and frontUrl. */
  publicUrl(): string;
  log(line: string): void;
  /** Slow mode (slow.ts): how late each kind of answer is sent; 0 = at once. */
  slowness: Required<PartnerSlowness>;
  /**
   * Holds an answer back `ms` (real time, the event loop runs on): resolves true when it is time
   * to send it, false when the partner closed meanwhile (then send nothing).
   */
  answerAfter(ms: number, what: string): Promise<boolean>;
}

/** An action the driver asked for that the partner refuses or cannot do; `status` is the HTTP status. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  constructor(
    readonly status: 400 | 404 | 409 | 502,
    message: string,
  ) {
    super(message);
  }
}

/** Codes with which UCSP refuses a request outright: nothing was created on its side. */
export const REFUSED_CODES: ReadonlySet<string> = new Set(['01', '10', '11', '34', '36', '99']);

export const backUrl = (ctx: PartnerContext): string => `${ctx.publicUrl()}/ucsp/notify`;
export const frontUrl = (ctx: PartnerContext, orderId: string): string => `${ctx.publicUrl()}/ucsp/return?orderId=${orderId}`;
