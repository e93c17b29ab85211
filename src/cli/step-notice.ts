/**
 * `ucsp-sandbox step`: before UCSP sends a notice, a person decides what it does with it — send,
 * edit, delay, duplicate, drop, or send a tampered copy first and decide again.
 */
import type { Tamper } from '../notices/tamper.js';
import type { NoticeRecord } from '../protocol/notice-machine.js';
import type { SandboxClient } from '../scenarios/sandbox-client.js';
import { c, out } from './output.js';
import { codeText } from './step-view.js';

export interface NoticeDesk {
  sandbox: SandboxClient;
  /** Prints the journal entries not shown yet (the copies sent and the partner's answers). */
  showNew(): Promise<void>;
  /** Whether a later step of the scenario moves the sandbox clock (a delayed notice is sent then). */
  clockMovesLater: boolean;
}

/** What the partner must answer to each tampered copy (PROFILE §6.3, §8); each copy has its own msgID and timeStamp. */
const TAMPERS: { value: Tamper; name: string; expected: string[]; needs?: string }[] = [
  { value: 'signature', name: 'signature — one byte of the signature changed', expected: ['11'] },
  { value: 'amount', name: 'amount — txnAmt + 1, validly signed', expected: ['36'], needs: 'txnAmt' },
  { value: 'currency', name: 'currency — another currencyCode, validly signed', expected: ['36'], needs: 'currencyCode' },
  { value: 'unknown-order', name: 'unknown-order — an orderId the partner does not know, validly signed', expected: ['34'] },
  { value: 'txn-type', name: 'txn-type — PAY → REFUND, REFUND ↔ CANCEL, validly signed', expected: ['34', '36'], needs: 'txnType' },
  { value: 'mer-id', name: 'mer-id — another merId, validly signed', expected: ['36'] },
  { value: 'orig-qry-id', name: 'orig-qry-id — another origQryId, validly signed', expected: ['34', '36'], needs: 'origQryId' },
];

type Attempt = { responseCode?: string; httpStatus?: number };

export function editorName(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL || env.EDITOR || (process.platform === 'win32' ? 'notepad' : 'vim');
}

/** The edited trxInfo (an object of strings, ≤ 512 characters each) or why it is not one. */
export function parseEditedTrxInfo(text: string): Record<string, string> | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'must be a JSON object of trxInfo fields';
  const bad = Object.entries(v).find(([, x]) => typeof x !== 'string' || x.length > 512);
  if (bad) return `${bad[0]} must be a string of at most 512 characters`;
  return v as Record<string, string>;
}

function tamperVerdict(how: Tamper, a: Attempt): string {
  const expected = TAMPERS.find((t) => t.value === how)!.expected;
  const want = expected.map((e) => codeText(e)).join(' or ');
  if (a.responseCode && expected.includes(a.responseCode)) return c.green(`  → refused, as PROFILE §6.3 expects`);
  if (a.responseCode === '00') return c.red(`  → ACCEPTED a tampered notice; PROFILE §6.3 expects ${want}`);
  return c.yellow(`  → PROFILE §6.3 expects ${want}`);
}

export async function decide(n: NoticeRecord, desk: NoticeDesk): Promise<void> {
  const { input, select, editor } = await import('@inquirer/prompts');
  const { sandbox } = desk;
  const msg = JSON.parse(n.text) as { trxInfo: Record<string, string>; msgResponse?: { responseCode?: string } };
  const code = msg.msgResponse?.responseCode;
  out(`\n${c.yellow('▶')} UCSP is about to send ${c.bold(n.msgType)}${code ? ` ${codeText(code)}` : ''} to ${n.backUrl}`);
  out(c.dim(`       ${JSON.stringify(msg.trxInfo)}`));
  const call = <T = unknown>(path: string, body: unknown = {}) => sandbox.call<T>(`/notices/${n.id}${path}`, body);
  for (;;) {
    const choice = await select({
      message: 'What should UCSP do with this notice?',
      theme: { indexMode: 'number' },
      choices: [
        { value: 'send', name: 'send it' },
        { value: 'edit', name: `edit it — send an edited copy, re-signed by UCSP, instead (opens ${editorName()})` },
        { value: 'delay', name: 'delay it — send it later on the sandbox clock' },
        { value: 'duplicate', name: 'duplicate it — send it, then the same message again' },
        { value: 'drop', name: 'drop it — never send it; the partner must inquire' },
        { value: 'tamper', name: 'tamper — send a tampered copy first, then decide again' },
      ],
    });
    if (choice === 'send') return void (await call('/release'));
    if (choice === 'drop') {
      await call('/drop');
      return out(c.dim('  dropped: UCSP will not send this notice'));
    }
    if (choice === 'duplicate') {
      await call('/release');
      await sandbox.advance(0);
      await call('/send');
      return;
    }
    if (choice === 'delay') {
      const seconds = Number(await input({ message: 'Delay by how many seconds of the sandbox clock?', default: '15', validate: (v) => (/^\d{1,6}$/.test(v.trim()) ? true : 'a whole number of seconds, 0 to 999999') }));
      // in one call: a release followed by a delay would let the notice go at once
      await call('/release', { ms: seconds * 1000 });
      return out(c.dim(`  UCSP sends it when the sandbox clock has moved on ${seconds} s: ${desk.clockMovesLater ? "a later step of this scenario moves it" : 'no later step of this scenario moves it, so it is not sent in this run'}`));
    }
    if (choice === 'edit') {
      out(c.dim(`  Change the values you want; UCSP signs the edited copy (a field you delete keeps its value).`));
      const edited = await editor({
        message: `Edit the notice's trxInfo in ${editorName()}`,
        default: `${JSON.stringify(msg.trxInfo, null, 2)}\n`,
        postfix: '.json',
        validate: (text) => {
          const v = parseEditedTrxInfo(text);
          return typeof v === 'string' ? v : true;
        },
      });
      const trxInfo = parseEditedTrxInfo(edited) as Record<string, string>;
      const changed = Object.fromEntries(Object.entries(trxInfo).filter(([k, v]) => msg.trxInfo[k] !== v));
      if (Object.keys(changed).length === 0) {
        out(c.yellow('  nothing changed; choose again'));
        continue;
      }
      await call('/send', { trxInfo: changed });
      await desk.showNew();
      await call('/drop');
      return out(c.dim('  the original notice is dropped: UCSP sends only the edited copy'));
    }
    // only the tampers this notice has the field for (a signing notice has no amount)
    const choices = TAMPERS.filter((t) => !t.needs || msg.trxInfo[t.needs] !== undefined).map(({ value, name }) => ({ value, name }));
    const how = await select({ message: 'Tamper how?', theme: { indexMode: 'number' }, choices });
    const r = await call<{ attempt: Attempt }>('/send', { tamper: how });
    await desk.showNew();
    out(tamperVerdict(how, r.attempt));
  }
}
