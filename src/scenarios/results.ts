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
