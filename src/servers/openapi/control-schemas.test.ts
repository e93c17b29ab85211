/**
 * The document's objects have exactly the fields, optionality and types of the TypeScript types the
 * sandbox answers with. These are type-level checks: `npm run typecheck` (tsc) fails when one
 * drifts; vitest runs them as no-ops. Real answers are checked against the document at run time in
 * test/integration/control-openapi.test.ts.
 */
import type { Static } from '@sinclair/typebox';
import { describe, expectTypeOf, it } from 'vitest';
import type { InFlightItem } from '../../clock/in-flight.js';
import type { ErrorKind } from '../../errors/index.js';
import type { AnswerFault } from '../../gateway/answer-faults.js';
import type { JournalEntry } from '../../journal/journal.js';
import type { NoticeFault } from '../../notices/faults.js';
import type { Contract, SigningRequest } from '../../protocol/contract-machine.js';
import type { TestCard } from '../../protocol/issuer-rules.js';
import type { NoticeAttempt, NoticeRecord } from '../../protocol/notice-machine.js';
import type { PaymentOrder } from '../../protocol/payment-machine.js';
import type { RefundOrder } from '../../protocol/refund-machine.js';
import type { HoldInfo } from '../../sandbox/clock-hold.js';
import type { SettleReport } from '../../sandbox/runtime.js';
import type { SandboxUrls } from '../../sandbox/runtime.js';
import { CONTROL_SCHEMAS as S } from './control-schemas.js';

type Of<K extends keyof typeof S> = Static<(typeof S)[K]>;
/** An intersection as one object type (what the answer is), for exact comparison. */
type Flat<T> = { [K in keyof T]: T[K] };
type Settled<T> = Extract<T, { settled: true }>;
type Unsettled<T> = Extract<T, { settled: false }>;

describe('the control API schemas match the TypeScript types (checked by tsc)', () => {
  it('orders, contracts', () => {
    expectTypeOf<Of<'PaymentOrder'>>().toEqualTypeOf<PaymentOrder>();
    expectTypeOf<Of<'RefundOrder'>>().toEqualTypeOf<RefundOrder>();
    expectTypeOf<Of<'SigningRequest'>>().toEqualTypeOf<SigningRequest>();
    expectTypeOf<Of<'Order'>>().toEqualTypeOf<PaymentOrder | RefundOrder | SigningRequest>();
    expectTypeOf<Of<'Contract'>>().toEqualTypeOf<Contract>();
  });

  it('notices, faults, the journal', () => {
    expectTypeOf<Of<'Notice'>>().toEqualTypeOf<NoticeRecord>();
    expectTypeOf<Of<'NoticeAttempt'>>().toEqualTypeOf<NoticeAttempt>();
    // the faults' msgType is a string in TypeScript; the document names the types the route accepts
    expectTypeOf<Flat<Omit<Of<'NoticeFault'>, 'msgType'>>>().toEqualTypeOf<Flat<Omit<NoticeFault, 'msgType'>>>();
    expectTypeOf<Of<'NoticeFault'>['msgType']>().toExtend<NoticeFault['msgType']>();
    expectTypeOf<Flat<Omit<Of<'AnswerFault'>, 'msgType'>>>().toEqualTypeOf<Flat<Omit<AnswerFault, 'msgType'>>>();
    expectTypeOf<Of<'AnswerFault'>['msgType']>().toExtend<AnswerFault['msgType']>();
    expectTypeOf<Of<'JournalEntry'>>().toEqualTypeOf<Flat<JournalEntry & { parsed?: unknown }>>();
  });

  it('the clock, settling, cards, errors, urls', () => {
    expectTypeOf<Of<'ClockHold'>>().toEqualTypeOf<HoldInfo>();
    expectTypeOf<Of<'InFlightItem'>>().toEqualTypeOf<Flat<InFlightItem & { ageMs: number }>>();
    expectTypeOf<Settled<Of<'SettleReport'>>>().toEqualTypeOf<Settled<SettleReport>>();
    expectTypeOf<Flat<Omit<Unsettled<Of<'SettleReport'>>, 'inFlight'>>>().toEqualTypeOf<Flat<Omit<Unsettled<SettleReport>, 'inFlight'>>>();
    expectTypeOf<Unsettled<Of<'SettleReport'>>['inFlight'][number]>().toEqualTypeOf<Flat<Unsettled<SettleReport>['inFlight'][number]>>();
    expectTypeOf<Of<'TestCard'>>().toEqualTypeOf<TestCard>();
    expectTypeOf<NonNullable<Of<'ErrorAnswer'>['kind']>>().toEqualTypeOf<ErrorKind>();
    expectTypeOf<Of<'Urls'>>().toEqualTypeOf<SandboxUrls>();
  });
});
