/** The inquiry schedule (PROFILE §6.8, §7): doubling waits by default, offsets as a profile option. */
import { describe, expect, it } from 'vitest';
import { inquiryOffsetsMs, minimumSpacingMs } from './inquiry-schedule.js';

const SEED = [0, 1000, 2000, 4000, 8000, 16000, 32000];

describe('inquiryOffsetsMs', () => {
  it('waits of 0, 1, 2, 4, 8, 16, 32 s put the inquiries at +0, 1, 3, 7, 15, 31, 63 s', () => {
    expect(inquiryOffsetsMs(SEED, 'waits')).toEqual([0, 1000, 3000, 7000, 15000, 31000, 63000]);
  });
  it('offsets are taken as they are', () => {
    expect(inquiryOffsetsMs(SEED, 'offsets')).toEqual(SEED);
  });
  it('a first wait delays every inquiry', () => {
    expect(inquiryOffsetsMs([5000, 1000], 'waits')).toEqual([5000, 6000]);
  });
});

describe('minimumSpacingMs: how far apart a partner’s inquiries must be', () => {
  it('waits: inquiry k comes at least the k-th wait after inquiry k-1; the last wait repeats', () => {
    expect([1, 2, 3, 6].map((k) => minimumSpacingMs(SEED, 'waits', k))).toEqual([
      { fromInquiry: 0, ms: 1000 },
      { fromInquiry: 1, ms: 2000 },
      { fromInquiry: 2, ms: 4000 },
      { fromInquiry: 5, ms: 32000 },
    ]);
    expect(minimumSpacingMs(SEED, 'waits', 9)).toEqual({ fromInquiry: 8, ms: 32000 });
  });
  it('offsets: inquiry k comes at least the k-th offset after the first; beyond the schedule by the last step', () => {
    expect(minimumSpacingMs(SEED, 'offsets', 2)).toEqual({ fromInquiry: 0, ms: 2000 });
    expect(minimumSpacingMs(SEED, 'offsets', 7)).toEqual({ fromInquiry: 0, ms: 48000 });
    expect(minimumSpacingMs([0, 5000], 'offsets', 3)).toEqual({ fromInquiry: 0, ms: 15000 });
  });
});
