/**
 * The unified diff of a file edited by hand: from what cdk8s-gitops writes to what the checkout
 * holds, for `check` to show what a hand edit changed. Lines that may hold a secret are never
 * shown, only said to be there.
 */
import { structuredPatch } from 'diff';
import { isSecretKey, looksRandom, secretInString } from '../constructs/values-check';

/** At most this many lines of diff per file; the rest are counted. */
const MAX_LINES = 200;

/** Files larger than this are not compared line by line. */
const MAX_BYTES = 1024 * 1024;

/** What a line that may hold a secret shows instead. */
const HIDDEN = '(a line that may hold a secret: not shown)';

/**
 * The unified diff from `written` (as cdk8s-gitops writes `file`) to `found` (as the checkout
 * holds it), with three lines of context, or `undefined` when they are equal or too large to
 * compare. Headers are `--- a/<file>` and `+++ b/<file>`.
 *
 * @example
 * handEditDiff('values.yaml', 'replicaCount: 2\n', 'replicaCount: 5\n');
 * // '--- a/values.yaml\n+++ b/values.yaml\n@@ -1 +1 @@\n-replicaCount: 2\n+replicaCount: 5\n'
 */
export function handEditDiff(file: string, written: string, found: string): string | undefined {
  if (written === found || written.length > MAX_BYTES || found.length > MAX_BYTES) return undefined;
  const patch = structuredPatch(`a/${file}`, `b/${file}`, written, found, undefined, undefined, { context: 3 });
  const lines = [`--- a/${file}`, `+++ b/${file}`];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`);
    for (const line of hunk.lines) lines.push(mayHoldSecret(line.slice(1)) ? `${line[0]}${HIDDEN}` : line);
  }
  const shown = lines.length > MAX_LINES + 2 ? [...lines.slice(0, MAX_LINES + 2), `… ${lines.length - MAX_LINES - 2} more lines`] : lines;
  return `${shown.join('\n')}\n`;
}

/** A hunk's range as `diff -u` writes it: `start` alone for one line, `start,count` otherwise. */
function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

/**
 * Whether a line may hold a secret: a private key, a URL with a password, a value under a key
 * that names a secret (`password: …`), or a random-looking token under any key (a line alone
 * does not say that an env entry's `value` is `API_TOKEN`'s).
 */
function mayHoldSecret(line: string): boolean {
  if (secretInString(line) !== undefined) return true;
  const pair = /^\s*(?:-\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*:\s*(.*)$/.exec(line);
  const value = (pair?.[2] ?? line).trim().replace(/^["']|["']$/g, '');
  if (pair !== null && value !== '' && isSecretKey(pair[1]!)) return true;
  // A commit SHA or a bare sha256 (a chart's revision, a digest's hex) is random but no secret.
  const tokens = value.split(/[\s,]+/).map((token) => token.replace(/^["']|["']$/g, ''));
  return tokens.some((token) => looksRandom(token) && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(token));
}
