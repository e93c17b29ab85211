/**
 * Work the sandbox has set in motion and not yet finished — a notice attempt waiting for the
 * partner's answer, a request being signed in a worker — each with a description a person can
 * read. Settling (SandboxRuntime.settle) waits on it by events, never by polling: every change
 * wakes the waiters.
 */

export interface InFlightItem {
  id: number;
  /** What kind of work: a notice attempt, an API request… */
  kind: string;
  /** In plain words, e.g. "PAYMENT_RESULT_NOTICE N00000003 to http://…/notify (order O1)". */
  what: string;
  orderId?: string;
  /** Real (wall) time it started, epoch ms. */
  since: number;
}

export class InFlight {
  private readonly items = new Map<number, InFlightItem>();
  private nextId = 1;
  private waiters: (() => void)[] = [];

  constructor(private readonly realNow: () => number = Date.now) {}

  get size(): number {
    return this.items.size;
  }

  /** Registers work; call the returned function (once) when it is done. */
  begin(kind: string, what: string, orderId?: string): () => void {
    const id = this.nextId++;
    this.items.set(id, { id, kind, what, since: this.realNow(), ...(orderId ? { orderId } : {}) });
    this.wake();
    return () => {
      if (this.items.delete(id)) this.wake();
    };
  }

  /** Tracks a promise from start to settlement. */
  track<T>(kind: string, what: string, p: Promise<T>, orderId?: string): Promise<T> {
    const done = this.begin(kind, what, orderId);
    return p.finally(done);
  }

  /** What is in flight, oldest first, with its age in real milliseconds. */
  list(): (InFlightItem & { ageMs: number })[] {
    const now = this.realNow();
    return [...this.items.values()].map((i) => ({ ...i, ageMs: now - i.since }));
  }

  /** Resolves at the next change (work begun or finished). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
