/**
 * `Date.prototype.toISOString`'s text, built from the UTC fields. V8's toISOString goes through
 * its local-time formatter, which loads ICU's time-zone data and names on first use even though
 * the result is UTC: 0.8 MiB of resident memory in every bridge that stamps a status file
 * (bench/README.md). The UTC getters touch none of it.
 */
export function utcTimestamp(time: number | Date = Date.now()): string {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  // Outside four-digit years toISOString writes a sign and six digits; no clock gets there.
  // eslint-disable-next-line no-restricted-properties -- the rare case, kept exact.
  if (!(year >= 0 && year <= 9999)) return date.toISOString();
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}` +
    `T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}` +
    `.${String(date.getUTCMilliseconds()).padStart(3, '0')}Z`
  );
}
