/**
 * A conformance run takes a running sandbox's clock over: manual (scale 0) for the run, so that
 * nothing falls due unless a scenario advances it, then back to the scale it had. The hold is a
 * lease: the run renews it; if the run dies without giving it back, the lease runs out and the
 * sandbox goes back to its own scale by itself. One holder at a time — a second run against the
 * same sandbox is refused rather than allowed to reset the first one's state.
 */
import { randomBytes } from 'node:crypto';
import type { VirtualClock } from '../clock/virtual-clock.js';
import { UcspError } from '../errors/index.js';

export interface HoldInfo {
  holder: string;
  /** The scale given back when the hold ends. */
  previousScale: number;
  /** Real epoch ms when the lease runs out unless renewed. */
  expiresAt: number;
  since: number;
}

export const MAX_HOLD_TTL_MS = 60 * 60 * 1000;

export class ClockHold {
  private current: HoldInfo | undefined;
  private expiry: NodeJS.Timeout | undefined;

  constructor(private readonly clock: VirtualClock) {}

  get info(): HoldInfo | undefined {
    return this.current;
  }

  /** Takes the clock (no holder) or renews a hold (its holder). */
  hold(ttlMs: number, holder?: string): HoldInfo {
    const now = Date.now();
    if (this.current && this.current.holder !== holder) {
      const who = holder ? `hold ${holder} is not the current one` : 'the clock is already held';
      throw new UcspError('incorrect', `${who}: another conformance run has held this sandbox's clock since ${new Date(this.current.since).toISOString()} (its lease runs out at ${new Date(this.current.expiresAt).toISOString()})`);
    }
    if (!this.current && holder) throw new UcspError('not-found', `no hold ${holder}: it ran out or was released`);
    this.current ??= { holder: randomBytes(9).toString('base64url'), previousScale: this.clock.timeScale, since: now, expiresAt: 0 };
    this.current.expiresAt = now + ttlMs;
    this.clock.setScale(0);
    this.arm(ttlMs);
    return { ...this.current };
  }

  /** Gives the clock back at the scale it had. */
  release(holder: string): { timeScale: number } {
    if (!this.current || this.current.holder !== holder) throw new UcspError('not-found', `no hold ${holder}: it ran out or was released`);
    this.end();
    return { timeScale: this.clock.timeScale };
  }

  /** Ends any hold (shutdown): the clock goes back to its scale. */
  close(): void {
    if (this.current) this.end();
  }

  private end(): void {
    const { previousScale } = this.current!;
    this.current = undefined;
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = undefined;
    this.clock.setScale(previousScale);
  }

  private arm(ttlMs: number): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.end(), ttlMs);
    this.expiry.unref();
  }
}
