/**
 * resolveRef and the heading tables against docs/protocol.md itself: every table entry is a heading
 * of the document with the anchor GitHub gives it, and every numbered heading of the document is in
 * a table. (test/conformance/citations.test.ts checks every citation in the repository.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { markdownHeadings } from '../../test/support/markdown.js';
import { packageRoot } from '../errors/package-root.js';
import { PROFILE_HEADINGS, PROTOCOL_DOC, SEED_APPENDIX_HEADING, SEED_HEADINGS, githubSlug, protocolDocUrl, resolveRef } from './refs.js';

const doc = readFileSync(join(packageRoot(), PROTOCOL_DOC), 'utf8');
const headings = markdownHeadings(doc);
const appendixA = headings.findIndex((h) => h.text === SEED_APPENDIX_HEADING);
const appendixEnd = headings.findIndex((h, i) => i > appendixA && h.level <= 2);
const body = headings.slice(0, appendixA);
const seed = headings.slice(appendixA + 1, appendixEnd < 0 ? undefined : appendixEnd);
const numbered = /^\d+(?:\.\d+)*\.?\s/;
// Built so that this file itself carries no citation of a section that does not exist.
const cite = (n: string) => `PROFILE ${'§'}${n}`;
const seedCite = (flow: string) => `seed${':'} ${flow}`;

describe('the heading tables mirror docs/protocol.md', () => {
  it('has Appendix A, and no two headings share an anchor', () => {
    expect(appendixA).toBeGreaterThan(0);
    const anchors = headings.map((h) => githubSlug(h.text));
    expect(anchors.filter((a, i) => anchors.indexOf(a) !== i)).toEqual([]);
  });

  it('every profile section §1–§10 and each numbered sub-section is a heading, and only those', () => {
    expect(body.filter((h) => numbered.test(h.text)).map((h) => h.text)).toEqual(PROFILE_HEADINGS);
    const numbers = PROFILE_HEADINGS.map((h) => h.replace(/^(\d+(?:\.\d+)*).*$/s, '$1'));
    const expected = ['1', '2', '3', '4', '5', '6', ...Array.from({ length: 11 }, (_, i) => `6.${i + 1}`), '7', '7.1', '7.2', '7.3', '7.4', '8', '9', '10'];
    expect(numbers).toEqual(expected);
  });

  it('the headings of Appendix A are the seed flows', () => {
    expect(seed.map((h) => h.text)).toEqual(SEED_HEADINGS);
  });

  it('a top-level section number ends with a dot, a sub-section number does not', () => {
    for (const h of [...PROFILE_HEADINGS, ...SEED_HEADINGS]) expect(h, h).toMatch(/^(\d+\. |\d+\.\d+ )\S/);
  });

  it('every link inside the document to one of its own sections names an existing anchor', () => {
    const anchors = new Set(headings.map((h) => h.anchor));
    const links = [...doc.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((a) => !anchors.has(a))).toEqual([]);
  });
});

describe('resolveRef', () => {
  it('resolves "PROFILE §N" and "§N" to the heading and its GitHub anchor', () => {
    expect(resolveRef('PROFILE §6.3')).toEqual({
      kind: 'profile',
      section: '6.3',
      title: 'PAYMENT_RESULT_NOTICE (UCSP → partner backUrl)',
      heading: '6.3 PAYMENT_RESULT_NOTICE (UCSP → partner backUrl)',
      label: '§6.3 PAYMENT_RESULT_NOTICE (UCSP → partner backUrl)',
      anchor: '63-payment_result_notice-ucsp--partner-backurl',
      file: 'docs/protocol.md',
    });
    expect(resolveRef('§7.2')?.anchor).toBe('72-frontend-payment');
    expect(resolveRef('  PROFILE  §10 ')?.heading).toBe('10. Sandbox defaults');
    expect(resolveRef('PROFILE §7')?.title).toBe('Flows and timing');
  });

  it('resolves "seed: N. Title" to Appendix A, with or without the title', () => {
    const r = resolveRef('seed: 2. Frontend Payment Flow');
    expect(r).toMatchObject({ kind: 'seed', section: '2', anchor: '2-frontend-payment-flow', label: 'UCSP flow 2. Frontend Payment Flow (Appendix A)' });
    expect(resolveRef('seed: 3.3 Backend Payment Flow')?.anchor).toBe('33-backend-payment-flow');
    expect(resolveRef('seed: 3.1 auto-debit payment signing')?.heading).toBe('3.1 Auto-debit Payment Signing');
    expect(resolveRef('seed: 5')?.title).toBe('Refund Flow');
  });

  it('names nothing for a section that does not exist, a wrong title or another text', () => {
    for (const ref of [cite('6.12'), cite('11'), cite('0'), cite('7.5'), '§', 'PROFILE', seedCite('6. Other Flow'), seedCite('2. Refund Flow'), 'x', '', 'PROFILE 6.3']) {
      expect(resolveRef(ref), ref).toBeUndefined();
    }
  });

  it('every resolved anchor is an anchor of the document', () => {
    const anchors = new Set(headings.map((h) => h.anchor));
    const num = (h: string) => /^\d+(?:\.\d+)*/.exec(h)![0];
    for (const h of PROFILE_HEADINGS) expect(resolveRef(cite(num(h)))?.heading).toBe(h);
    for (const h of SEED_HEADINGS) expect(resolveRef(`seed: ${h}`)?.heading).toBe(h);
    for (const h of [...PROFILE_HEADINGS, ...SEED_HEADINGS]) expect(anchors.has(githubSlug(h)), h).toBe(true);
  });
});

describe('githubSlug', () => {
  it('drops punctuation and symbols, keeps letters, digits, underscores and hyphens', () => {
    expect(githubSlug('6.1 INDUSTRY_LOGIN_INFO (UCSP → partner login page)')).toBe('61-industry_login_info-ucsp--partner-login-page');
    expect(githubSlug('Appendix A. UCSP flows (sources)')).toBe('appendix-a-ucsp-flows-sources');
    expect(githubSlug("3.1 Auto-debit Payment Signing")).toBe('31-auto-debit-payment-signing');
    expect(githubSlug('Ünïcode café’s')).toBe('ünïcode-cafés');
  });
});

describe('protocolDocUrl', () => {
  it('is the file: URL of the package docs/protocol.md, with the anchor', () => {
    const url = protocolDocUrl('63-payment_result_notice-ucsp--partner-backurl');
    expect(url).toMatch(/^file:\/\/.*\/docs\/protocol\.md#63-payment_result_notice-ucsp--partner-backurl$/);
    expect(existsSync(fileURLToPath(url.replace(/#.*$/, '')))).toBe(true);
    expect(protocolDocUrl()).not.toContain('#');
  });
});
