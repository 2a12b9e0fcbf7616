/**
 * `promise`, or a rejection once `ms` have passed without it settling; the timer goes with it.
 * `what` names what did not answer, for the log: "no answer from <what> within <ms> ms".
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const from = what ? ` from ${what}` : '';
    timer = setTimeout(() => reject(new Error(`no answer${from} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
