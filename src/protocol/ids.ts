/** Identifiers UCSP hands out: tn (21 digits), queryId (21 alnum), contractId, UCSP msgIDs. */
import { randomBytes } from 'node:crypto';

export class IdGenerator {
  private n = 0;

  constructor(private readonly insID: string) {}

  private next(): number {
    return ++this.n;
  }

  /** 21 digits: yyyyMMddHHmmss + 7-digit sequence. */
  tn(wireTime: string): string {
    return `${wireTime}${String(this.next() % 10_000_000).padStart(7, '0')}`;
  }

  /** 21 chars: Q + yyyyMMddHHmmss + 6-digit sequence. */
  queryId(wireTime: string): string {
    return `Q${wireTime}${String(this.next() % 1_000_000).padStart(6, '0')}`;
  }

  contractId(wireTime: string): string {
    return `C${wireTime}${String(this.next() % 1_000_000).padStart(6, '0')}`;
  }

  /**
   * Signing-page ID, the path segment of signUrl (the sandbox's own, in no wire field): 128 random
   * bits in base64url, so that the page — which agrees to a contract — cannot be found by guessing.
   */
  signId(): string {
    return randomBytes(16).toString('base64url');
  }

  noticeId(): string {
    return `N${String(this.next()).padStart(8, '0')}`;
  }

  /** PROFILE §3 suggestion: U + insID + timeStamp + 6-digit sequence. */
  msgID(timeStamp: string): string {
    return `U${this.insID}${timeStamp}${String(this.next() % 1_000_000).padStart(6, '0')}`;
  }

  get counter(): number {
    return this.n;
  }

  set counter(v: number) {
    this.n = v;
  }
}
