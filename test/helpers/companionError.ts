import { expect } from 'vitest';
import { CompanionError } from '../../src/shared/errors';

/**
 * The CompanionError `work` is rejected with, for the test to look at its code and sentence.
 * The test fails if `work` succeeds or fails with anything else.
 */
export async function companionError(work: Promise<unknown>): Promise<CompanionError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CompanionError);
  return error as CompanionError;
}

/** The CompanionError `work` throws at once (for synchronous APIs); the test fails otherwise. */
export function thrownCompanionError(work: () => unknown): CompanionError {
  let thrown: unknown;
  try {
    work();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CompanionError);
  return thrown as CompanionError;
}
