/**
 * How this partner writes its own fields on the wire (PROFILE §3, §5): times in the profile's
 * zone, unique msgIDs and orderIds, amounts in minor units.
 */
import { randomInt } from 'node:crypto';
import { CURRENCIES } from '../../src/protocol/currencies.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import type { PartnerBugs } from './bugs.js';

export interface WireOptions {
  insID: string;
  zone: string;
  now: () => number;
  bugs: PartnerBugs;
}

export class Wire {
  // Starts at a random point so that a restarted partner does not repeat the IDs it sent
  // within the same second before it stopped. Never reset (not even by /driver/reset): UCSP
  // remembers msgIDs and orderIds.
  private seq = randomInt(1_000_000);
  private firstMsgId: string | undefined;

  constructor(private readonly o: WireOptions) {}

  now(): number {
    return this.o.now();
  }

  /** yyyyMMddHHmmss of the partner's clock in the profile's zone (timeStamp, txnTime). */
  time(): string {
    return formatUcspTime(this.o.now(), this.o.bugs.wrongTimeZone ? 'Z' : this.o.zone);
  }

  private nextSeq(): string {
    this.seq = (this.seq + 1) % 1_000_000;
    return String(this.seq).padStart(6, '0');
  }

  /** `P` + insID + timeStamp + 6-digit sequence: 29 characters, unique per day. */
  msgID(timeStamp: string): string {
    const id = `P${this.o.insID}${timeStamp}${this.nextSeq()}`;
    if (!this.o.bugs.reuseMsgId) return id;
    this.firstMsgId ??= id;
    return this.firstMsgId;
  }

  /** A new orderId: a 3-letter kind, the time and a sequence (23 characters of [0-9A-Z]). */
  orderId(prefix: 'ORD' | 'ADB' | 'CNL' | 'RFD' | 'SGN'): string {
    return `${prefix}${formatUcspTime(this.o.now(), this.o.zone)}${this.nextSeq()}`;
  }

  /**
   * txnAmt as sent: the minor-unit digit string unchanged, whatever the currency's minor unit
   * (PROFILE §5). The partner compares UCSP's amounts with what it sent, so each bug below is
   * consistent with itself: only the amount on the wire is wrong.
   */
  amount(minorUnits: string, currencyCode: string): string {
    const n = BigInt(minorUnits);
    if (this.o.bugs.majorUnitAmounts) return `${n / 100n}.${String(n % 100n).padStart(2, '0')}`;
    const decimals = BigInt(CURRENCIES[currencyCode]?.decimals ?? 2);
    // BUG assumeTwoDecimals: major units × 100, as if every currency had cents (rounded half up).
    if (this.o.bugs.assumeTwoDecimals) return String((n * 100n * 2n + 10n ** decimals) / (2n * 10n ** decimals));
    // BUG amountsRoundedToCents: money kept with 2 decimals, then written in the currency's minor units.
    if (this.o.bugs.amountsRoundedToCents && decimals > 2n) {
      const unit = 10n ** (decimals - 2n);
      return String(((n * 2n + unit) / (2n * unit)) * unit);
    }
    return minorUnits;
  }
}
