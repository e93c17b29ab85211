/**
 * Capability keys for the pages a browser is sent to (the cashier at paymentUrl and what follows
 * it): an HMAC of the page's id under a secret derived from UCSP's private key. 22 base64url
 * characters (132 bits), so a key cannot be guessed, while the id itself (tn: 21 digits, PROFILE
 * §5) keeps its wire format. Derived, not stored: no order carries one, and the keys of a sandbox
 * restarted on the same keys and data still open its pages.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Characters of a key: 22 base64url characters carry 132 bits. */
export const PAGE_KEY_LENGTH = 22;

export class PageKeys {
  private constructor(private readonly secret: Buffer) {}

  /**
   * Keys derived from UCSP's private key (HKDF-SHA256): stable across restarts on the same keys.
   * `scope` (a partner's insID, in a sandbox shared by several) gives each partner keys of its own:
   * two partners may hand out the same tn, never the same page.
   */
  static fromPrivateKey(key: KeyObject, scope?: string): PageKeys {
    const der = key.export({ type: 'pkcs8', format: 'der' });
    return new PageKeys(Buffer.from(hkdfSync('sha256', der, 'ucsp-sandbox', `page capability keys v1${scope === undefined ? '' : ` of partner ${scope}`}`, 32)));
  }

  /** Keys under a fresh random secret. */
  static random(): PageKeys {
    return new PageKeys(randomBytes(32));
  }

  /** The key of page `kind` for `id`. */
  key(kind: string, id: string): string {
    return createHmac('sha256', this.secret).update(`${kind}\u0000${id}`).digest('base64url').slice(0, PAGE_KEY_LENGTH);
  }

  /** Whether `given` is the key of page `kind` for `id` (compared in constant time). */
  matches(kind: string, id: string, given: unknown): boolean {
    if (typeof given !== 'string') return false;
    const bytes = Buffer.from(given);
    if (bytes.length !== PAGE_KEY_LENGTH) return false;
    return timingSafeEqual(Buffer.from(this.key(kind, id)), bytes);
  }
}
