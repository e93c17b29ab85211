import { expect } from 'vitest';
import { UcspError } from '../../src/errors/index.js';

/** An illegal transition of a state machine: a UcspError of kind 'incorrect', answered 36. */
export function expectIllegal(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(UcspError);
  expect((caught as UcspError).kind).toBe('incorrect');
  expect((caught as UcspError).responseCode).toBe('36');
}
