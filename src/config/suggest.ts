// "did you mean ...?": the known name nearest to a misspelt one, for config keys, fields and rule ids.

/** Optimal string alignment distance (Levenshtein plus swapping two neighbours), case-insensitive. */
export function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name nearest to `name`, when it is near enough to be a typo (or a prefix/suffix of it); else undefined. */
export function nearest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = distance(name, k);
    if (dist < bestDistance) {
      best = k;
      bestDistance = dist;
    }
  }
  if (best === undefined) return undefined;
  const lower = name.toLowerCase();
  const close = bestDistance <= Math.max(2, Math.floor(best.length / 4)) || (lower.length >= 4 && best.toLowerCase().startsWith(lower));
  return close ? best : undefined;
}

/** " (did you mean X?)" or "". */
export function didYouMean(name: string, known: Iterable<string>): string {
  const n = nearest(name, known);
  return n ? `; did you mean ${n}?` : '';
}
