/**
 * Citations of the protocol document, docs/protocol.md ("the profile"): checks, hints and scenarios
 * cite its sections as "PROFILE §6.3" (or "§6.3"), and the flows of the public UCSP pages (its
 * Appendix A) as "seed: 2. Frontend Payment Flow". resolveRef() turns such a citation into the
 * section's heading and its GitHub-style anchor. The heading tables below mirror the document;
 * src/scenarios/refs.test.ts fails when the two drift apart.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../errors/package-root.js';

/** The protocol document, relative to the package root. */
export const PROTOCOL_DOC = 'docs/protocol.md';

export interface ResolvedRef {
  /** `profile` for "PROFILE §N", `seed` for "seed: N. Title". */
  kind: 'profile' | 'seed';
  /** The section number as cited: "6.3", "7", "3.3". */
  section: string;
  /** The section's title, without its number: "PAYMENT_RESULT_NOTICE (UCSP → partner backUrl)". */
  title: string;
  /** The full heading text in the document. */
  heading: string;
  /** What it names, for people: "§6.3 PAYMENT_RESULT_NOTICE (…)", "UCSP flow 2. Frontend Payment Flow (Appendix A)". */
  label: string;
  /** The heading's GitHub-style anchor (without '#'). */
  anchor: string;
  file: typeof PROTOCOL_DOC;
}

/** §1–§10 of the profile and their numbered sub-sections: the headings of docs/protocol.md, in order. */
export const PROFILE_HEADINGS: readonly string[] = [
  '1. Parties',
  '2. Transport',
  '3. Envelope',
  '4. Signature',
  '5. Field formats',
  '6. Messages',
  '6.1 INDUSTRY_LOGIN_INFO (UCSP → partner login page)',
  '6.2 SUBMIT_PAYMENT_ORDER (partner → UCSP)',
  '6.3 PAYMENT_RESULT_NOTICE (UCSP → partner backUrl)',
  '6.4 PAYMENT_RESULT_INQUIRY (partner → UCSP)',
  '6.5 SIGN_AUTO_DEBIT (partner → UCSP)',
  '6.6 SIGN_AUTO_DEBIT_NOTICE (UCSP → partner backUrl)',
  '6.7 CLOSE_AUTO_DEBIT (partner → UCSP)',
  '6.8 SUBMIT_AUTO_DEBIT (partner → UCSP)',
  '6.9 PAYMENT_CANCELLATION (partner → UCSP)',
  '6.10 PAYMENT_REFUND (partner → UCSP)',
  '6.11 REFUND_RESULT_INQUIRY (partner → UCSP)',
  '7. Flows and timing',
  '7.1 Authorized login',
  '7.2 Frontend payment',
  '7.3 Backend payment',
  '7.4 Cancellation and refund',
  '8. Response codes',
  '9. The partner test driver',
  '10. Sandbox defaults',
];

/** The flows of the public UCSP pages ("the seed"): the headings of Appendix A of docs/protocol.md, in order. */
export const SEED_HEADINGS: readonly string[] = [
  '1. Authorized Login Flow',
  '2. Frontend Payment Flow',
  '3. Backend Payment Flow',
  '3.1 Auto-debit Payment Signing',
  '3.2 Auto-debit Payment Closing',
  '3.3 Backend Payment Flow',
  '4. Payment Cancellation Flow',
  '5. Refund Flow',
];

/** The heading of Appendix A, under which the seed headings live. */
export const SEED_APPENDIX_HEADING = 'Appendix A. UCSP flows (sources)';

/**
 * GitHub's anchor for a heading's text (as github-slugger does it): lower case, every character
 * that is not a letter, mark, digit, connector (`_`), space or hyphen dropped, spaces → hyphens.
 */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

const PROFILE_RE = /^(?:PROFILE\s*)?§\s*(\d+(?:\.\d+)*)$/;
const SEED_RE = /^seed:\s*(\d+(?:\.\d+)*)\.?(?:\s+(.*\S))?$/i;

const numberOf = (heading: string) => /^\d+(?:\.\d+)*/.exec(heading)?.[0] ?? '';
const byNumber = (headings: readonly string[]) => new Map(headings.map((h) => [numberOf(h), h]));
const PROFILE_BY_NUMBER = byNumber(PROFILE_HEADINGS);
const SEED_BY_NUMBER = byNumber(SEED_HEADINGS);

function titleOf(heading: string): string {
  return heading.replace(/^\d+(?:\.\d+)*\.?\s+/, '');
}

/**
 * Resolves one citation — "PROFILE §6.3", "§6.3", "seed: 2. Frontend Payment Flow" or "seed: 2" —
 * to its section of docs/protocol.md; undefined when it names no section (a seed citation's title,
 * when given, must be the flow's title).
 */
export function resolveRef(ref: string): ResolvedRef | undefined {
  const text = ref.trim().replace(/\s+/g, ' ');
  const p = PROFILE_RE.exec(text);
  if (p) {
    const heading = PROFILE_BY_NUMBER.get(p[1]!);
    return heading === undefined ? undefined : resolved('profile', p[1]!, heading);
  }
  const s = SEED_RE.exec(text);
  if (s) {
    const heading = SEED_BY_NUMBER.get(s[1]!);
    if (heading === undefined) return undefined;
    if (s[2] !== undefined && s[2].toLowerCase() !== titleOf(heading).toLowerCase()) return undefined;
    return resolved('seed', s[1]!, heading);
  }
  return undefined;
}

function resolved(kind: ResolvedRef['kind'], section: string, heading: string): ResolvedRef {
  const title = titleOf(heading);
  const label = kind === 'profile' ? `§${section} ${title}` : `UCSP flow ${heading} (Appendix A)`;
  return { kind, section, title, heading, label, anchor: githubSlug(heading), file: PROTOCOL_DOC };
}

/** The absolute file: URL of the installed package's docs/protocol.md, with `#anchor` when given. */
export function protocolDocUrl(anchor?: string): string {
  const url = pathToFileURL(join(packageRoot(), PROTOCOL_DOC)).href;
  return anchor ? `${url}#${anchor}` : url;
}
