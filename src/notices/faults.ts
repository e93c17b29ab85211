/** One-shot faults for notices, set through the control API before the notice exists. */
import type { Tamper } from './tamper.js';

export type NoticeFaultAction = 'drop' | 'delay' | 'duplicate' | 'reorder' | 'hold' | 'tamper' | 'backdate';
export const NOTICE_FAULT_ACTIONS: readonly NoticeFaultAction[] = ['drop', 'delay', 'duplicate', 'reorder', 'hold', 'tamper', 'backdate'];

export interface NoticeFault {
  id: number;
  action: NoticeFaultAction;
  /** Matches the next notice for this order (any order when absent). */
  orderId?: string;
  msgType?: string;
  /** delay: how long (virtual ms). */
  delayMs?: number;
  /** tamper: how. */
  tamper?: Tamper;
  /**
   * backdate: how old (real ms) the notice's timeStamp is when it is first sent, as a retry long
   * after its first attempt would be (PROFILE §6.3: retries are byte-identical).
   */
  ageMs?: number;
  /** How many notices it applies to (default 1). */
  remaining: number;
}

export class NoticeFaults {
  private faults: NoticeFault[] = [];
  private nextId = 1;
  /** Told after every change (shared state: the runtime writes them for the other instances). */
  onChange: (() => void) | undefined;

  add(f: Omit<NoticeFault, 'id' | 'remaining'> & { times?: number }): NoticeFault {
    const { times, ...rest } = f;
    const fault: NoticeFault = { ...rest, id: this.nextId++, remaining: Math.max(1, times ?? 1) };
    this.faults.push(fault);
    this.onChange?.();
    return fault;
  }

  /**
   * Consumes and returns the faults that apply to a new notice. `applies` can pass over a fault
   * (a tamper of a field the notice lacks), which then waits for a later notice.
   */
  take(n: { orderId: string; msgType: string }, applies: (f: NoticeFault) => boolean = () => true): NoticeFault[] {
    const hit: NoticeFault[] = [];
    for (const f of this.faults) {
      if ((f.orderId === undefined || f.orderId === n.orderId) && (f.msgType === undefined || f.msgType === n.msgType) && applies(f)) {
        hit.push({ ...f });
        f.remaining--;
      }
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    if (hit.length) this.onChange?.();
    return hit;
  }

  list(): NoticeFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
    this.onChange?.();
  }

  /** All of it, to be written (shared state). */
  snapshot(): { faults: NoticeFault[]; nextId: number } {
    return { faults: this.list(), nextId: this.nextId };
  }

  /** What another instance wrote (told to no one). */
  restore(s: { faults: NoticeFault[]; nextId: number }): void {
    this.faults = s.faults.map((f) => ({ ...f }));
    this.nextId = s.nextId;
  }
}
