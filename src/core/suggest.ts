// "Did you mean": the names closest to what was typed, by edit distance with transpositions (`wbe` is one
// edit from `web`), or sharing a prefix. Pure.

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] ?? 0, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] ?? 0;
}

/** At most `max` candidates close to `typed`, closest first: one edit per three letters (at least 1, at most 2), or starting with it. */
export function closeNames(typed: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.min(2, Math.max(1, Math.floor(typed.length / 3)));
  const scored: Array<[string, number]> = [];
  for (const c of new Set(candidates)) {
    if (c === typed) continue;
    const distance = editDistance(typed.toLowerCase(), c.toLowerCase());
    if (distance <= limit || (typed.length >= 3 && c.startsWith(typed))) scored.push([c, distance]);
  }
  return scored
    .sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, max)
    .map(([c]) => c);
}
