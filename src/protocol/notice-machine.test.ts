/**
 * Delivery of one notice (PROFILE §6.3): every (state × event) pair, and the retry schedule
 * +0 s, 15 s, 30 s, 1 min, 5 min, 15 min, 1 h, 6 h counted from the first attempt.
 */
import { describe, expect, it } from 'vitest';
import { UcspError } from '../errors/index.js';
import { noticeTransition, type NoticeEvent, type NoticeRecord, type NoticeStatus } from './notice-machine.js';
import { expectIllegal } from '../../test/support/expect-illegal.js';

const SCHEDULE_S = [0, 15, 30, 60, 300, 900, 3600, 21600] as const;
const SCHEDULE = SCHEDULE_S.map((s) => s * 1000);
const T0 = 1_764_000_000_000;

function notice(over: Partial<NoticeRecord> = {}): NoticeRecord {
  return {
    id: 'N00000001',
    msgType: 'PAYMENT_RESULT_NOTICE',
    orderId: 'ORDER0001',
    backUrl: 'https://partner.example/notify',
    text: '{"msgInfo":{}}',
    msgID: 'U1234567820261125173000000001',
    status: 'PENDING',
    createdAt: T0,
    nextIndex: 0,
    nextAt: T0,
    attempts: [],
    ...over,
  };
}


type EventName = 'attempted-ok' | 'attempted-failed' | 'drop' | 'hold' | 'release' | 'delay';
const EVENTS: Record<EventName, NoticeEvent> = {
  'attempted-ok': { type: 'attempted', ok: true, at: T0 + 1, schedule: SCHEDULE },
  'attempted-failed': { type: 'attempted', ok: false, at: T0 + 1, schedule: SCHEDULE },
  drop: { type: 'drop' },
  hold: { type: 'hold' },
  release: { type: 'release', at: T0 + 50_000 },
  delay: { type: 'delay', until: T0 + 60_000 },
};
const STATES: NoticeStatus[] = ['PENDING', 'HELD', 'DELIVERED', 'GAVE_UP', 'DROPPED'];

function inState(status: NoticeStatus): NoticeRecord {
  switch (status) {
    case 'PENDING':
      return notice();
    case 'HELD':
      return notice({ status: 'HELD', nextAt: undefined });
    case 'DELIVERED':
      return notice({ status: 'DELIVERED', nextAt: undefined, nextIndex: 1, firstAttemptAt: T0 });
    case 'GAVE_UP':
      return notice({ status: 'GAVE_UP', nextAt: undefined, nextIndex: 8, firstAttemptAt: T0 });
    case 'DROPPED':
      return notice({ status: 'DROPPED', nextAt: undefined });
  }
}

describe('noticeTransition: every state × event', () => {
  // [state, event, expected | null when illegal]
  const table: [NoticeStatus, EventName, NoticeStatus | null][] = [
    ['PENDING', 'attempted-ok', 'DELIVERED'],
    ['PENDING', 'attempted-failed', 'PENDING'],
    ['PENDING', 'drop', 'DROPPED'],
    ['PENDING', 'hold', 'HELD'],
    ['PENDING', 'release', null],
    ['PENDING', 'delay', 'PENDING'],

    ['HELD', 'attempted-ok', null],
    ['HELD', 'attempted-failed', null],
    ['HELD', 'drop', 'DROPPED'],
    ['HELD', 'hold', null],
    ['HELD', 'release', 'PENDING'],
    ['HELD', 'delay', null],

    ['DELIVERED', 'attempted-ok', null],
    ['DELIVERED', 'attempted-failed', null],
    ['DELIVERED', 'drop', null],
    ['DELIVERED', 'hold', null],
    ['DELIVERED', 'release', null],
    ['DELIVERED', 'delay', null],

    ['GAVE_UP', 'attempted-ok', null],
    ['GAVE_UP', 'attempted-failed', null],
    ['GAVE_UP', 'drop', null],
    ['GAVE_UP', 'hold', null],
    ['GAVE_UP', 'release', null],
    ['GAVE_UP', 'delay', null],

    ['DROPPED', 'attempted-ok', null],
    ['DROPPED', 'attempted-failed', null],
    ['DROPPED', 'drop', null],
    ['DROPPED', 'hold', null],
    ['DROPPED', 'release', null],
    ['DROPPED', 'delay', null],
  ];

  it('the table covers every pair exactly once', () => {
    expect(new Set(table.map(([s, e]) => `${s}|${e}`)).size).toBe(STATES.length * Object.keys(EVENTS).length);
    expect(table.length).toBe(STATES.length * Object.keys(EVENTS).length);
  });

  it.each(table)('%s + %s → %s', (state, event, expected) => {
    const n = inState(state);
    const frozen = structuredClone(n);
    if (expected === null) expectIllegal(() => noticeTransition(n, EVENTS[event]));
    else expect(noticeTransition(n, EVENTS[event]).status).toBe(expected);
    expect(n).toEqual(frozen);
  });
});

describe('noticeTransition: what drop, hold, release and delay do to the next attempt', () => {
  // [why, before, event, expected fields]
  const table: [string, NoticeRecord, NoticeEvent, Partial<NoticeRecord>][] = [
    ['drop a pending notice: never sent', notice(), { type: 'drop' }, { status: 'DROPPED', nextAt: undefined, nextIndex: 0 }],
    ['drop a held notice', inState('HELD'), { type: 'drop' }, { status: 'DROPPED', nextAt: undefined }],
    ['hold a pending notice: no next attempt', notice({ nextIndex: 3, nextAt: T0 + 60_000, firstAttemptAt: T0 }), { type: 'hold' }, { status: 'HELD', nextAt: undefined, nextIndex: 3 }],
    ['release: attempted at once, schedule position kept', notice({ status: 'HELD', nextAt: undefined, nextIndex: 3, firstAttemptAt: T0 }), { type: 'release', at: T0 + 400_000 }, { status: 'PENDING', nextAt: T0 + 400_000, nextIndex: 3, firstAttemptAt: T0 }],
    ['delay: next attempt moved', notice({ nextIndex: 2, nextAt: T0 + 30_000, firstAttemptAt: T0 }), { type: 'delay', until: T0 + 90_000 }, { status: 'PENDING', nextAt: T0 + 90_000, nextIndex: 2, firstAttemptAt: T0 }],
  ];
  it.each(table)('%s', (_why, before, event, expected) => {
    const next = noticeTransition(before, event);
    for (const [k, v] of Object.entries(expected)) expect(next[k as keyof NoticeRecord], k).toEqual(v);
  });
});

/** Fails every attempt exactly when due; returns the attempt times and the final record. */
function failUntilDone(start: NoticeRecord, schedule: readonly number[], limit = 50): { times: number[]; last: NoticeRecord } {
  let n = start;
  const times: number[] = [];
  while (n.status === 'PENDING' && times.length < limit) {
    const at = n.nextAt!;
    times.push(at);
    n = noticeTransition(n, { type: 'attempted', ok: false, at, schedule });
  }
  return { times, last: n };
}

describe('the retry schedule [0, 15, 30, 60, 300, 900, 3600, 21600] s', () => {
  it('attempts exactly at those offsets from the first attempt, then gives up after the 8th failure', () => {
    const { times, last } = failUntilDone(notice(), SCHEDULE);
    expect(times.map((t) => (t - T0) / 1000)).toEqual([...SCHEDULE_S]);
    expect(last.status).toBe('GAVE_UP');
    expect(last.nextAt).toBeUndefined();
    expect(last.nextIndex).toBe(8);
    expect(last.firstAttemptAt).toBe(T0);
  });

  // [failures so far, expected status, expected next attempt offset in s (undefined when none)]
  const rows: [number, NoticeStatus, number | undefined][] = [
    [1, 'PENDING', 15],
    [2, 'PENDING', 30],
    [3, 'PENDING', 60],
    [4, 'PENDING', 300],
    [5, 'PENDING', 900],
    [6, 'PENDING', 3600],
    [7, 'PENDING', 21600],
    [8, 'GAVE_UP', undefined],
  ];
  it.each(rows)('after %d failed attempt(s): %s, next at +%s s', (failures, status, offset) => {
    let n = notice();
    for (let i = 0; i < failures; i++) n = noticeTransition(n, { type: 'attempted', ok: false, at: T0 + SCHEDULE[i]!, schedule: SCHEDULE });
    expect(n.status).toBe(status);
    expect(n.nextIndex).toBe(failures);
    expect(n.nextAt).toBe(offset === undefined ? undefined : T0 + offset * 1000);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('a valid 00 at attempt %d delivers and stops the schedule', (k) => {
    let n = notice();
    for (let i = 0; i < k - 1; i++) n = noticeTransition(n, { type: 'attempted', ok: false, at: n.nextAt!, schedule: SCHEDULE });
    expect(n.nextAt).toBe(T0 + SCHEDULE[k - 1]!);
    n = noticeTransition(n, { type: 'attempted', ok: true, at: n.nextAt!, schedule: SCHEDULE });
    expect(n.status).toBe('DELIVERED');
    expect(n.nextAt).toBeUndefined();
    expect(n.firstAttemptAt).toBe(T0);
    expectIllegal(() => noticeTransition(n, { type: 'attempted', ok: false, at: T0 + 99_999_999, schedule: SCHEDULE }));
  });

  it('counts from the first attempt, not from when the notice was created (a delayed first attempt)', () => {
    const delayed = noticeTransition(notice(), { type: 'delay', until: T0 + 120_000 });
    const { times, last } = failUntilDone(delayed, SCHEDULE);
    expect(times.map((t) => (t - (T0 + 120_000)) / 1000)).toEqual([...SCHEDULE_S]);
    expect(last.firstAttemptAt).toBe(T0 + 120_000);
    expect(last.status).toBe('GAVE_UP');
  });

  it('a late attempt does not shift the schedule: overdue offsets run at once, later ones stay anchored', () => {
    let n = noticeTransition(notice(), { type: 'attempted', ok: false, at: T0, schedule: SCHEDULE });
    expect(n.nextAt).toBe(T0 + 15_000);
    // the second attempt happens 100 s late (e.g. held and released)
    n = noticeTransition(n, { type: 'attempted', ok: false, at: T0 + 100_000, schedule: SCHEDULE });
    expect(n.nextAt).toBe(T0 + 100_000); // +30 s is overdue: at once
    n = noticeTransition(n, { type: 'attempted', ok: false, at: T0 + 100_000, schedule: SCHEDULE });
    expect(n.nextAt).toBe(T0 + 100_000); // +60 s is overdue too
    n = noticeTransition(n, { type: 'attempted', ok: false, at: T0 + 100_000, schedule: SCHEDULE });
    expect(n.nextAt).toBe(T0 + 300_000); // +5 min is still ahead: from the first attempt
    expect(n.firstAttemptAt).toBe(T0);
  });

  it('hold and release mid-schedule keep the position; the count still ends after 8 scheduled attempts', () => {
    let n = notice();
    n = noticeTransition(n, { type: 'attempted', ok: false, at: T0, schedule: SCHEDULE });
    n = noticeTransition(n, { type: 'attempted', ok: false, at: T0 + 15_000, schedule: SCHEDULE });
    n = noticeTransition(n, { type: 'hold' });
    expect(n.nextAt).toBeUndefined();
    n = noticeTransition(n, { type: 'release', at: T0 + 20_000 });
    expect(n).toMatchObject({ status: 'PENDING', nextAt: T0 + 20_000, nextIndex: 2 });
    n = noticeTransition(n, { type: 'attempted', ok: false, at: T0 + 20_000, schedule: SCHEDULE });
    expect(n.nextAt).toBe(T0 + 60_000);
    const { times, last } = failUntilDone(n, SCHEDULE);
    expect(times.map((t) => (t - T0) / 1000)).toEqual([60, 300, 900, 3600, 21600]);
    expect(last.status).toBe('GAVE_UP');
  });

  it('a one-entry schedule gives up after the first failure', () => {
    const n = noticeTransition(notice(), { type: 'attempted', ok: false, at: T0, schedule: [0] });
    expect(n).toMatchObject({ status: 'GAVE_UP', nextAt: undefined, nextIndex: 1 });
  });
});
