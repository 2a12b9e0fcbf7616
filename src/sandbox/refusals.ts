/** The next `times` requests of one kind answer `status`, as a rate limit or a policy does. */
export interface Refusal {
  status: number;
  times: number;
}

/** A refusal the test controls asked for, counted down by the requests it refuses. */
export class PendingRefusal {
  private pending: Refusal | null = null;

  /** `null`, or no `times`, clears. */
  set(refusal: Refusal | null): void {
    this.pending = refusal && refusal.times > 0 ? { ...refusal } : null;
  }

  /** The status to refuse this request with, when one is pending; counts it as used. */
  take(): number | undefined {
    const pending = this.pending;
    if (!pending) return undefined;
    if (--pending.times <= 0) this.pending = null;
    return pending.status;
  }
}
