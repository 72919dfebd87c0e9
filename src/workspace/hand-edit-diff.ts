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
 * holds it), with three lines of context, or `undefined` when they are equal. Headers are
 * `--- a/<file>` and `+++ b/<file>`. A file that is not compared line by line (larger than
 * 1 MiB, or binary: it holds a NUL byte), or whose lines differ only in their endings (CRLF),
 * gets the headers and a line that says so instead of hunks.
 *
 * @example
 * handEditDiff('values.yaml', 'replicaCount: 2\n', 'replicaCount: 5\n');
 * // '--- a/values.yaml\n+++ b/values.yaml\n@@ -1 +1 @@\n-replicaCount: 2\n+replicaCount: 5\n'
 */
export function handEditDiff(file: string, written: string, found: string): string | undefined {
  if (written === found) return undefined;
  const said = (what: string): string => `--- a/${file}\n+++ b/${file}\n(${what})\n`;
  if (written.length > MAX_BYTES || found.length > MAX_BYTES) return said('not compared line by line: larger than 1 MiB');
  if (found.includes('\u0000')) return said('binary content: not shown');
  const lineFeeds = found.replace(/\r\n/g, '\n');
  if (lineFeeds === written) return said('only the line endings differ: the file has CRLF (\\r\\n) where cdk8s-gitops writes LF (\\n)');
  // A file with CRLF line endings is compared by its lines, and the endings said once.
  const crlf = lineFeeds !== found && !written.includes('\r');
  const compared = crlf ? lineFeeds : found;
  const patch = structuredPatch(`a/${file}`, `b/${file}`, written, compared, undefined, undefined, { context: 3 });
  // Whether each line of the file found plainly holds no secret, read from its first line, so
  // that a block scalar or a secret's map that starts above a hunk is known inside it.
  const screen = new LineScreen();
  const plain = compared.split('\n').map((line) => screen.next(line));
  const lines = [
    `--- a/${file}`,
    `+++ b/${file}`,
    ...(crlf ? ['(line endings: the file has CRLF where cdk8s-gitops writes LF; the lines are compared without them)'] : []),
  ];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`);
    let at = hunk.newStart - 1;
    for (const line of hunk.lines) {
      // Lines that are not added are what cdk8s-gitops writes, whose values synth checks for
      // secrets; an added line is shown only when it plainly holds none.
      const added = line[0] === '+';
      const shown = !added || plain[at] === true;
      if (line[0] !== '-') at++;
      lines.push(shown ? line : `${line[0]}${HIDDEN}`);
    }
  }
  const head = crlf ? 3 : 2;
  const shown =
    lines.length > MAX_LINES + head ? [...lines.slice(0, MAX_LINES + head), `… ${lines.length - MAX_LINES - head} more lines`] : lines;
  return `${shown.join('\n')}\n`;
}

/** A hunk's range as `diff -u` writes it: `start` alone for one line, `start,count` otherwise. */
function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** `key: value`, `- key: value`, `- value` or `key:` of YAML, with a plain key. */
const YAML_LINE = /^(\s*)(?:-\s+)?(?:([A-Za-z0-9_.-]+)\s*:(?:\s+(.*))?|([^:#]*))$/;

/** A value that plainly holds no secret: a number, boolean or null, a digest, a name or path. */
function isPlainValue(value: string): boolean {
  if (/^(true|false|null|~|[-+]?\d+(\.\d+)?)$/i.test(value)) return true;
  if (/^(sha256:)?([0-9a-f]{40}|[0-9a-f]{64})$/.test(value)) return true;
  const bare = value.replace(/^(["'])(.*)\1$/, '$2');
  return /^[A-Za-z0-9._/:@-]{1,63}$/.test(bare) && !/:\/\/.*@/.test(bare) && !looksRandom(bare);
}

/** Whether a key names, or sits under, what may be secret (`password`, `credentials`, `DB_TOKEN`). */
function secretish(key: string): boolean {
  return isSecretKey(key) || /pass|pwd|secret|token|cred|auth|private|key/i.test(key);
}

/**
 * Reads the lines of one hunk in order and says of each whether it plainly holds no secret: a
 * YAML `key: value` line whose key names no secret and whose value is plain, outside a block
 * scalar (`key: |`) and outside a map or list under a key that names one, and not the `value` of
 * an entry whose `name` names one (an env list).
 */
class LineScreen {
  /** The indentation below which lines are inside a block scalar or a secret's map, if any. */
  private within?: number;
  private lastName?: string;

  public next(text: string): boolean {
    const indent = text.length - text.trimStart().length;
    if (this.within !== undefined && (indent > this.within || text.trim() === '')) return false;
    this.within = undefined;
    if (secretInString(text) !== undefined) return false;
    const m = YAML_LINE.exec(text);
    if (m === null) return false;
    const [, , key, value, item] = m;
    if (key === undefined) return item !== undefined && (item.trim() === '' || isPlainValue(item.trim()));
    const v = (value ?? '').trim();
    const name = key === 'name' ? v.replace(/^(["'])(.*)\1$/, '$2') : undefined;
    const afterSecretName = key === 'value' && this.lastName !== undefined && secretish(this.lastName);
    this.lastName = name ?? (key === 'value' ? undefined : this.lastName);
    if (v === '' || /^[|>][-+0-9]*$/.test(v)) {
      // A map, a list or a block scalar follows: a block scalar's lines, or all under a secret's key, are not plain.
      if (v !== '' || secretish(key)) this.within = indent;
      return !(v !== '' && secretish(key));
    }
    if (secretish(key) || afterSecretName) return false;
    return isPlainValue(v);
  }
}
