/** The matrix of message types × response codes that a run exercised, and what it did not. */
import { DIRECTIONS, MSG_TYPES, allowedResponseCodes, type MsgType } from '../schemas/message-types.js';
import type { Coverage, CoverageCell, ScenarioResult } from './results.js';


export function possibleCells(): { msgType: string; code: string; via: CoverageCell['via'] }[] {
  const out: { msgType: string; code: string; via: CoverageCell['via'] }[] = [];
  for (const t of MSG_TYPES as readonly MsgType[]) {
    if (DIRECTIONS[t] === 'partner-to-ucsp') {
      for (const code of allowedResponseCodes(t)) out.push({ msgType: t, code, via: 'answer' });
    } else if (t !== 'INDUSTRY_LOGIN_INFO') {
      for (const code of allowedResponseCodes(t, 'request')) out.push({ msgType: t, code, via: 'notice' });
      for (const code of allowedResponseCodes(t)) out.push({ msgType: t, code, via: 'notice-answer' });
    }
  }
  return out;
}

export function computeCoverage(results: ScenarioResult[]): Coverage {
  const counts = new Map<string, CoverageCell>();
  const bump = (msgType: string | undefined, code: string | undefined, via: CoverageCell['via']) => {
    if (!msgType || !code) return;
    const k = `${msgType}|${code}|${via}`;
    const c = counts.get(k) ?? { msgType, code, via, count: 0 };
    c.count++;
    counts.set(k, c);
  };
  for (const r of results) {
    for (const e of r.messages) {
      // an answer corrupted on purpose (control API) never reached the partner as UCSP's: not counted
      if (e.channel === 'api' && e.direction === 'out' && !e.corrupted) bump(e.msgType, e.responseCode, 'answer');
      if (e.channel === 'notice' && e.direction === 'out') bump(e.msgType, (e.parsed as { msgResponse?: { responseCode?: string } } | undefined)?.msgResponse?.responseCode, 'notice');
      if (e.channel === 'notice' && e.direction === 'in') bump(e.msgType, e.responseCode, 'notice-answer');
    }
  }
  const exercised = [...counts.values()].sort((a, b) => a.msgType.localeCompare(b.msgType) || a.via.localeCompare(b.via) || a.code.localeCompare(b.code));
  const missing = possibleCells().filter((p) => !counts.has(`${p.msgType}|${p.code}|${p.via}`));
  return { exercised, missing };
}
