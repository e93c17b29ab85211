/** What a run produces: per scenario a status, every check with evidence, and the run's summary. */
import type { JournalEntry } from '../journal/journal.js';
import type { PartnerProcessInfo } from './partner-process.js';
import type { PartnerSetup } from './partner-setup.js';

export type ScenarioStatus = 'PASSED' | 'FAILED' | 'WARNING' | 'SKIPPED';
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'waived';

export interface CheckResult {
  /** `<scenario id>#<check id>`: how waivers and reports name it. */
  key: string;
  id: string;
  title: string;
  severity: 'failure' | 'warning';
  ref: string;
  hint: string;
  status: CheckStatus;
  /** What was found, in a sentence. */
  message: string;
  expected?: unknown;
  actual?: unknown;
  /** For a failed check: the cause that explains it (src/scenarios/causes.ts), when there is one. */
  cause?: CheckCause;
}

/** What made the partner fail, found in the journal: a request UCSP refused, or a notice answer UCSP could not accept. */
export type CauseKind = 'amount-format' | 'schema' | 'signature' | 'clock' | 'msgid-reuse' | 'orderid-reuse' | 'notice-answer';

export interface CauseOccurrence {
  scenario: string;
  /** Journal seq of the partner's request (or of its notice answer). */
  seq: number;
  msgType: string;
  msgID?: string;
}

export interface CheckCause {
  /** The group in RunSummary.causes. */
  id: string;
  kind: CauseKind;
  /**
   * `owner`: the check that exists to catch this cause; `same`: another check that sees the same
   * fault directly; `downstream`: the check failed because of it (e.g. the order UCSP refused never got paid).
   */
  role: 'owner' | 'same' | 'downstream';
  /** UCSP's code (10, 11, 36…) or, for a notice answer, what the partner answered (HTTP 500, 00 unsigned…). */
  code: string;
  /** UCSP's reason, as in the journal (in plain words for format errors). */
  reason: string;
  /** Key of the check that owns the cause: the one whose hint says how to fix it. */
  owner: string;
  /** Where this scenario met it. */
  seenAt: CauseOccurrence;
  /** One line to lead with: `downstream of: UCSP refused SUBMIT_PAYMENT_ORDER with 10 — …`. */
  summary: string;
}

/** Failed checks that share one cause, for every reporter's summary. */
export interface CauseGroup {
  id: string;
  kind: CauseKind;
  code: string;
  /** The message types it was seen on. */
  msgTypes: string[];
  /** UCSP's reason where it was first seen. */
  reason: string;
  /** One line: `UCSP answered 10 to SUBMIT_PAYMENT_ORDER — txnAmt: minor units, …`. */
  summary: string;
  owner: string;
  /** The owner check's ref and hint, when it ran. */
  ownerRef?: string;
  ownerHint?: string;
  firstSeen: CauseOccurrence;
  /** How many failed checks it explains, and which. */
  failures: number;
  checks: string[];
}

export interface ScenarioResult {
  id: string;
  title: string;
  capability: string;
  refs: string[];
  status: ScenarioStatus;
  /** Why it was skipped, or the step that broke it. */
  reason?: string;
  durationMs: number;
  checks: CheckResult[];
  /** The messages exchanged during the scenario (journal view: raw, parsed, signature verdicts). */
  messages: (JournalEntry & { parsed?: unknown })[];
  /** The steps as they ran, for the report. */
  log: string[];
}

export interface CoverageCell {
  msgType: string;
  code: string;
  /** What carried it: UCSP's answer, a notice, or the partner's answer to a notice. */
  via: 'answer' | 'notice' | 'notice-answer';
  count: number;
}

export interface Coverage {
  exercised: CoverageCell[];
  /** Pairs the protocol allows that the run never produced. */
  missing: { msgType: string; code: string; via: CoverageCell['via'] }[];
}

export interface StaleWaiver {
  key: string;
  reason?: string;
}

export interface RunSummary {
  startedAt: string;
  wallMs: number;
  mode: 'driver' | 'interactive' | 'passive';
  counts: { total: number; passed: number; failed: number; warning: number; skipped: number };
  scenarios: ScenarioResult[];
  coverage: Coverage;
  /** Causes shared by failed checks, most failures first (src/scenarios/causes.ts). */
  causes: CauseGroup[];
  /** Waivers whose check no longer fails: each fails the run. */
  staleWaivers: StaleWaiver[];
  interrupted: boolean;
  /** 0 all passed (warnings allowed), 1 a failure (or a stale waiver), 130 interrupted. */
  exitCode: number;
  /** What the partner had to be configured with for this run. */
  setup?: PartnerSetup;
  /** The partner's own process (run --exec) and its last output lines, when something failed. */
  partnerProcess?: PartnerProcessInfo;
}
