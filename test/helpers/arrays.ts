/** Elements that differ (a plain loop: toEqual on millions of elements is slow). */
export function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let bad = 0;
  for (let v = 0; v < a.length; v++) if (!Object.is(a[v], b[v])) bad++;
  return bad;
}
