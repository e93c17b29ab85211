/**
 * The form of UCSP's synchronous answers, a profile option: the UCSP pages' answer tables disagree
 * on whether an answer carries msgInfo and a signature (PROFILE §3 says it does; one table shows
 * only trxInfo and msgResponse). Pure: text in, text out.
 */
/** How UCSP answers the partner's requests (a profile option; see `minimalAnswer`). */
export const ANSWER_FORMS = ['signed', 'minimal'] as const;
export type AnswerForm = (typeof ANSWER_FORMS)[number];

/**
 * The minimal unsigned form of an answer, made from its placeholder text: `trxInfo` and
 * `msgResponse` only, no msgInfo and no certificateSignature — the form one of the answer tables of
 * the UCSP pages shows ("Transaction Information, R" and "Message Response, M"). The partner ties
 * it to its request by the HTTP exchange alone.
 */
export function minimalAnswer(placeholder: string): string {
  const m = JSON.parse(placeholder) as { trxInfo: unknown; msgResponse: unknown };
  return JSON.stringify({ trxInfo: m.trxInfo, msgResponse: m.msgResponse });
}
