/**
 * The inquiry schedule of PROFILE §6.8 and §7: UCSP inquires the downstream system "at intervals
 * of 0s, 1s, 2s, 4s, 8s, 16s, 32s" — waits that double between inquiries, so the inquiries fall at
 * +0, 1, 3, 7, 15, 31 and 63 s — and a partner without a notice inquires with the same spacing.
 * Reading the numbers as offsets from the start (+0, 1, 2, 4, 8, 16, 32 s) is a profile option.
 * Pure: numbers in, numbers out.
 */
export const INQUIRY_SCHEDULE_MODES = ['waits', 'offsets'] as const;
export type InquiryScheduleMode = (typeof INQUIRY_SCHEDULE_MODES)[number];

/** When each inquiry falls, counted from the start (ms): the running sum of the waits, or the offsets as given. */
export function inquiryOffsetsMs(scheduleMs: readonly number[], mode: InquiryScheduleMode): number[] {
  if (mode === 'offsets') return [...scheduleMs];
  let at = 0;
  return scheduleMs.map((w) => (at += w));
}

/**
 * How far apart a partner's inquiries k-1 and k (k ≥ 1, by time) must at least be, and from which
 * inquiry that is counted: with waits, from the one before (the last wait repeats beyond the
 * schedule); with offsets, from the first (growing by the last step beyond the schedule).
 */
export function minimumSpacingMs(scheduleMs: readonly number[], mode: InquiryScheduleMode, k: number): { fromInquiry: number; ms: number } {
  const s = scheduleMs;
  if (mode === 'waits') return { fromInquiry: k - 1, ms: s[k] ?? s.at(-1)! };
  const ms = s[k] ?? s.at(-1)! + (k - s.length + 1) * (s.at(-1)! - (s.at(-2) ?? 0));
  return { fromInquiry: 0, ms };
}
