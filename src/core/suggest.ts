/** Close matches of a mistyped name, for "did you mean" in error messages. */

/**
 * The edit distance between two strings, where inserting, deleting or replacing a character,
 * or swapping two adjacent ones, is one edit (optimal string alignment Damerau-Levenshtein).
 *
 * @example
 * editDistance('snyth', 'synth'); // 1
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * Up to five of `names` closest to `name`, closest first: those a few edits away (about one in
 * three characters), and those that contain it or that it contains. Case is ignored.
 *
 * @example
 * closeMatches('order-api', ['orders-api', 'payments-api']); // ['orders-api']
 */
export function closeMatches(name: string, names: readonly string[]): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  return [...new Set(names)]
    .filter((n) => n !== name)
    .map((n) => {
      const other = n.toLowerCase();
      return { n, d: editDistance(lower, other), contains: lower.length > 1 && (other.includes(lower) || lower.includes(other)) };
    })
    .filter((x) => x.d <= limit || x.contains)
    .sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0))
    .slice(0, 5)
    .map((x) => x.n);
}

/**
 * ` Did you mean "x"?` (with a leading space) naming the closest of `names` (up to three as
 * close as each other), or `''` when none is close. `quote` spells each name (default: in double quotes).
 *
 * @example
 * didYouMean('prodd', ['nonprod', 'prod']); // ' Did you mean "prod"?'
 * didYouMean('--digset', ['--digest'], (n) => n); // ' Did you mean --digest?'
 */
export function didYouMean(name: string, names: readonly string[], quote: (n: string) => string = (n) => `"${n}"`): string {
  const matches = closeMatches(name, names);
  const best = matches.length > 0 ? editDistance(name.toLowerCase(), matches[0].toLowerCase()) : 0;
  const close = matches
    .filter((n) => editDistance(name.toLowerCase(), n.toLowerCase()) === best)
    .slice(0, 3)
    .map(quote);
  if (close.length === 0) return '';
  return ` Did you mean ${close.length === 1 ? close[0] : `${close.slice(0, -1).join(', ')} or ${close[close.length - 1]}`}?`;
}
