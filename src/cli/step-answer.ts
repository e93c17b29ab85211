/**
 * `ucsp-sandbox step`: UCSP answers the partner's request while the partner waits, so a fault on the
 * answer is chosen before the step that makes the partner send it — "Run it?" offers to corrupt it.
 * After the step, what the partner made of the corrupted answer is judged against PROFILE §3/§4.
 */
import type { ChalkInstance } from 'chalk';
import type { ResponseCode } from '../errors/index.js';
import type { AnswerFaultKind } from '../gateway/corrupt-answer.js';
import type { JournalView } from '../scenarios/sandbox-client.js';
import { allowedResponseCodes, type MsgType } from '../schemas/message-types.js';
import { codeText } from './step-view.js';

/** The kinds of corruption, as the menu shows them. */
export const ANSWER_FAULT_CHOICES: { value: AnswerFaultKind; name: string }[] = [
  { value: 'signature', name: 'signature — one character of the signature changed' },
  { value: 'content', name: 'content — the answer changed after UCSP signed it (by default its code)' },
  { value: 'msg-id', name: "msg-id — validly signed, but echoing another request's msgID" },
  { value: 'msg-type', name: 'msg-type — validly signed, but named another message type' },
  { value: 'unsigned', name: 'unsigned — the placeholder signature "00000000" left in' },
  { value: 'no-signature', name: 'no-signature — no certificateSignature at all' },
];

/** What the corrupted answer claims: UCSP's own code (the default), or one its type allows. */
export function codeChoices(msgType: MsgType, fault: AnswerFaultKind): { value: ResponseCode | 'genuine'; name: string }[] {
  const own = fault === 'content' ? 'the default — a good answer becomes a failure, any other 00' : "UCSP's own answer, unchanged";
  return [{ value: 'genuine', name: own }, ...allowedResponseCodes(msgType).map((c) => ({ value: c as ResponseCode, name: `claiming ${codeText(c)}` }))];
}

/** The driver's result of a step (the runner's `{...result, status}`), as far as the verdict needs it. */
interface DriverResult {
  status?: unknown;
  responseCode?: unknown;
  error?: unknown;
}

/**
 * The verdict on what the partner reported after its answer was corrupted: PROFILE wants it taken
 * as no answer (could not act), or UCSP's genuine answer got by a retry of the same bytes.
 */
export function answerVerdict(result: DriverResult | 'step-failed' | undefined, corrupted: JournalView | undefined, c: ChalkInstance): string | undefined {
  if (!corrupted?.corrupted) return c.yellow('  → the partner sent no request this step: no answer was corrupted (the fault is withdrawn)');
  const { genuineCode, code } = corrupted.corrupted;
  // the runner stops a scenario whose step the partner could not do (unless the step allows it)
  if (result === 'step-failed') return c.green('  → the partner could not act: it took the corrupted answer as no answer, as PROFILE §3/§4 expect (this step of the scenario needs an answer, so the scenario stops here)');
  const status = typeof result?.status === 'number' ? result.status : undefined;
  const reported = result?.responseCode === undefined ? undefined : String(result.responseCode);
  if (status !== undefined && status >= 400) return c.green(`  → the partner could not act (${status}): it took the corrupted answer as no answer, as PROFILE §3/§4 expect`);
  if (status !== 200) return undefined;
  if (reported === genuineCode && code !== genuineCode) return c.green(`  → the partner reported ${codeText(genuineCode)}, UCSP's genuine answer: it retried and got it`);
  if (reported === code && code !== genuineCode) return c.red(`  → the partner reported ${codeText(code)} from an answer it could not have verified; PROFILE §3/§4 expect no answer (UCSP's genuine answer was ${genuineCode})`);
  if (reported === code) return c.yellow(`  → the partner reported ${codeText(code)}: the corrupted answer said what UCSP's genuine one said, so this does not show whether it checked it (claim another code to see)`);
  return c.yellow(`  → the partner reported ${reported ?? 'no code'}`);
}
