/**
 * Commits read as their objects hold them (`git cat-file --batch`), not as `git log` formats them:
 * a commit's text is framed by its size, so no character of a message or a name can pass for the
 * end of a field or of a commit, and nothing of the clone's configuration (trailer settings,
 * mailmap) changes what is read.
 */

/** The author and message of a commit, decoded as its `encoding` header says (UTF-8 without one). */
export interface CommitText {
  /** The author's name, as recorded. */
  readonly author: string;
  /** The author's email, as recorded. */
  readonly authorEmail: string;
  /** The message: everything after the headers. */
  readonly message: string;
}

/**
 * The objects of `git cat-file --batch` output, in order: each is a header line
 * (`<id> <type> <size>`, or `<name> missing`) and then, unless missing, `size` bytes and a newline.
 * Undefined for an object that is missing or not a commit.
 */
export function splitBatch(out: Buffer): (Buffer | undefined)[] {
  const objects: (Buffer | undefined)[] = [];
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const m = /^\S+ (\S+) (\d+)$/.exec(out.subarray(at, eol).toString('latin1'));
    if (m === null) {
      objects.push(undefined);
      at = eol + 1;
      continue;
    }
    const size = Number(m[2]);
    objects.push(m[1] === 'commit' ? out.subarray(eol + 1, eol + 1 + size) : undefined);
    at = eol + 1 + size + 1;
  }
  return objects;
}

/**
 * The author and message of the raw commit object `bytes`. The headers end at the first empty
 * line; continuation lines of a header (a signature's) begin with a space.
 */
export function parseCommit(bytes: Buffer): CommitText {
  const end = bytes.indexOf('\n\n');
  const headers = (end < 0 ? bytes : bytes.subarray(0, end)).toString('latin1').split('\n');
  const encoding = headers.find((h) => h.startsWith('encoding '))?.slice('encoding '.length);
  const text = decode(bytes, encoding);
  const split = text.indexOf('\n\n');
  const authorLine = text
    .slice(0, split < 0 ? text.length : split)
    .split('\n')
    .find((h) => h.startsWith('author '));
  const { name, email } = ident(authorLine?.slice('author '.length) ?? '');
  return { author: name, authorEmail: email, message: split < 0 ? '' : text.slice(split + 2) };
}

/** Git's subject of a message (`%s`): its first paragraph, lines joined with a space. */
export function subjectOf(message: string): string {
  const lines = message.replace(/^(?:[ \t]*\n)+/, '').split('\n');
  const subject: string[] = [];
  for (const line of lines) {
    const trimmed = line.replace(/\s+$/, '');
    if (trimmed === '') break;
    subject.push(trimmed);
  }
  return subject.join(' ');
}

/** Name and email of an ident (`Name <email> 1700000000 +0100`), as Git splits it. */
function ident(line: string): { readonly name: string; readonly email: string } {
  const lt = line.indexOf('<');
  const gt = lt < 0 ? -1 : line.indexOf('>', lt);
  if (gt < 0) return { name: line.trim(), email: '' };
  return { name: line.slice(0, lt).trim(), email: line.slice(lt + 1, gt) };
}

/** `bytes` decoded as `encoding` (a commit's header), as UTF-8 when it names none or one Node does not know. */
function decode(bytes: Buffer, encoding: string | undefined): string {
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    try {
      return new TextDecoder(encoding).decode(bytes);
    } catch {
      // An encoding TextDecoder does not know: read as UTF-8, as for none.
    }
  }
  return bytes.toString('utf8');
}
