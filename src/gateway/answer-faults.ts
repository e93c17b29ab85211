/** One-shot faults for UCSP's answers, set through the control API before the request comes. */
import type { ResponseCode } from '../errors/index.js';
import type { AnswerFaultKind } from './corrupt-answer.js';

export interface AnswerFault {
  id: number;
  fault: AnswerFaultKind;
  /** Corrupts the answer to the next valid request of this type (of any type when absent). */
  msgType?: string;
  /** The code the corrupted answer claims (default: the genuine one; for `content`, another). */
  code?: ResponseCode;
  /** How many answers it applies to (default 1). */
  remaining: number;
}

export class AnswerFaults {
  private faults: AnswerFault[] = [];
  private nextId = 1;
  /** Told after every change (shared state: the runtime writes them for the other instances). */
  onChange: (() => void) | undefined;

  add(f: Omit<AnswerFault, 'id' | 'remaining'> & { times?: number }): AnswerFault {
    const { times, ...rest } = f;
    const fault: AnswerFault = { ...rest, id: this.nextId++, remaining: Math.max(1, times ?? 1) };
    this.faults.push(fault);
    this.onChange?.();
    return { ...fault };
  }

  /** Consumes and returns the first fault that applies to an answer to `msgType`. */
  take(msgType: string): AnswerFault | undefined {
    const f = this.faults.find((x) => x.msgType === undefined || x.msgType === msgType);
    if (!f) return undefined;
    f.remaining--;
    if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
    this.onChange?.();
    return { ...f };
  }

  list(): AnswerFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
    this.onChange?.();
  }

  /** All of it, to be written (shared state). */
  snapshot(): { faults: AnswerFault[]; nextId: number } {
    return { faults: this.list(), nextId: this.nextId };
  }

  /** What another instance wrote (told to no one). */
  restore(s: { faults: AnswerFault[]; nextId: number }): void {
    this.faults = s.faults.map((f) => ({ ...f }));
    this.nextId = s.nextId;
  }
}
