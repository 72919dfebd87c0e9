import { GitOpsError } from '../../core/errors';

/** The trailer keys cdk8s-gitops writes on the commits it publishes. */
export enum TrailerKey {
  /** A service the commit changes; repeated when it changes several. */
  SERVICE = 'Cdk8s-Gitops-Service',
  /** A promotion ring the commit changes; repeated when it changes several. */
  RING = 'Cdk8s-Gitops-Ring',
  /** An image digest the commit deploys, `sha256:…`. */
  DIGEST = 'Cdk8s-Gitops-Digest',
  /** A chart revision the commit deploys, for a chart promoted with the image. */
  CHART = 'Cdk8s-Gitops-Chart-Revision',
  /** Who asked for the promotion (a person or a CI job). */
  PROMOTED_BY = 'Cdk8s-Gitops-Promoted-By',
  /** The commit of the platform program that produced the change. */
  PROGRAM_COMMIT = 'Cdk8s-Gitops-Program-Commit',
  /** What kind of change this is; see {@link Operation}. */
  OPERATION = 'Cdk8s-Gitops-Operation',
  /** Who approved the change; repeated for several approvers. */
  APPROVED_BY = 'Cdk8s-Gitops-Approved-By',
  /** The merge-request branch the commit was made for (`--branch`); see `FileVersion.fastForward`. */
  PROPOSED = 'Cdk8s-Gitops-Proposed-On',
}

/** Values of the {@link TrailerKey.OPERATION} trailer. */
export enum Operation {
  /** A digest moves into a ring. */
  PROMOTE = 'promote',
  /** A ring goes back to an earlier digest. */
  ROLLBACK = 'rollback',
  /** A hold on a ring is lifted. */
  UNHOLD = 'unhold',
  /** The platform program was synthesized into the tree. */
  SYNTH = 'synth',
}

/** Trailers to write: each key maps to one value or to values repeated in order; `undefined` is skipped. */
export type TrailerInput = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The trailers of a commit: one set, or one paragraph each for the several releases of a commit
 * that makes several (see {@link releaseTrailers}); git reads the last as the commit's trailers.
 */
export type CommitTrailers = TrailerInput | readonly TrailerInput[];

/** Trailers read back: each key maps to its values in the order they appear. */
export type Trailers = Record<string, string[]>;

/** The trailers of a cdk8s-gitops commit, as named fields. */
export interface GitOpsTrailerFields {
  /** @default - no service trailer */
  readonly services?: readonly string[];
  /** @default - no ring trailer */
  readonly rings?: readonly string[];
  /** @default - no digest trailer */
  readonly digests?: readonly string[];
  /** @default - no chart revision trailer */
  readonly charts?: readonly string[];
  /** @default - no promoted-by trailer */
  readonly promotedBy?: string;
  /** @default - no program-commit trailer */
  readonly programCommit?: string;
  /** @default - no operation trailer */
  readonly operation?: Operation;
  /** @default - no approved-by trailer */
  readonly approvedBy?: readonly string[];
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
// Git's own trailer token: letters, digits and '-', then optional blanks, then the separator.
const TRAILER_LINE = /^([A-Za-z0-9-]+)[ \t]*:(.*)$/;
// Lines git counts as trailers even in a paragraph that also holds other text.
const GIT_PREFIXES = ['Signed-off-by: ', '(cherry picked from commit '];

const CANONICAL = new Map<string, string>(Object.values(TrailerKey).map((k) => [k.toLowerCase(), k]));

/** The start of a trailer key of cdk8s-gitops, in any case, as git reads keys. */
const OWN_KEY_PREFIX = 'cdk8s-gitops-';

/**
 * The lines of `text` that read as a trailer of cdk8s-gitops (`Cdk8s-Gitops-…`, in any case,
 * indented or not, as {@link releaseTrailers} reads the paragraphs of a squash merge): text a
 * person gives a commit (a message, a reason) must hold none, or `history` would read it as a
 * release nobody made.
 *
 * @example
 * ownTrailerLines('Release api\n\n  cdk8s-gitops-ring: prod'); // ['  cdk8s-gitops-ring: prod']
 */
export function ownTrailerLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => line.trimStart().toLowerCase().startsWith(OWN_KEY_PREFIX));
}

/** Our spelling of a trailer key: keys are case-insensitive, so `cdk8s-gitops-ring` becomes `Cdk8s-Gitops-Ring`. */
export function canonicalTrailerKey(key: string): string {
  return CANONICAL.get(key.toLowerCase()) ?? key;
}

/**
 * Builds the trailers of a cdk8s-gitops commit in a fixed order.
 *
 * @example
 * gitopsTrailers({ services: ['payments-api'], rings: ['prod'], digests: ['sha256:2e8f…'], operation: Operation.PROMOTE });
 */
export function gitopsTrailers(fields: GitOpsTrailerFields): Trailers {
  const entries: Array<[TrailerKey, readonly string[] | undefined]> = [
    [TrailerKey.OPERATION, fields.operation === undefined ? undefined : [fields.operation]],
    [TrailerKey.SERVICE, fields.services],
    [TrailerKey.RING, fields.rings],
    [TrailerKey.DIGEST, fields.digests],
    [TrailerKey.CHART, fields.charts],
    [TrailerKey.PROMOTED_BY, fields.promotedBy === undefined ? undefined : [fields.promotedBy]],
    [TrailerKey.APPROVED_BY, fields.approvedBy],
    [TrailerKey.PROGRAM_COMMIT, fields.programCommit === undefined ? undefined : [fields.programCommit]],
  ];
  const out: Trailers = {};
  for (const [key, values] of entries) {
    if (values && values.length > 0) {
      out[key] = [...values];
    }
  }
  return out;
}

/** One release of a commit, for {@link releaseParagraphs}. */
export interface ReleaseFields {
  readonly service: string;
  readonly rings: readonly string[];
  readonly digests: readonly string[];
  /** @default - no chart revision */
  readonly chart?: string;
}

/**
 * The trailers of a commit that makes `releases`: a paragraph for each, which holds its service,
 * rings, digests and chart and the commit's other fields, so that each reads back as a release of
 * its own (see {@link releaseTrailers}) and no value of one service is taken for another's. A
 * commit of one release, or of none, has one paragraph, as {@link gitopsTrailers} makes it.
 *
 * @example
 * releaseParagraphs({ operation: Operation.SYNTH, promotedBy: 'alice' }, [
 *   { service: 'otel', rings: ['dev'], digests: ['sha256:1…'], chart: '1.0.0' },
 *   { service: 'web', rings: ['dev'], digests: ['sha256:2…'] },
 * ]);
 */
export function releaseParagraphs(
  fields: Omit<GitOpsTrailerFields, 'services' | 'rings' | 'digests' | 'charts'>,
  releases: readonly ReleaseFields[],
): Trailers[] {
  if (releases.length === 0) return [gitopsTrailers(fields)];
  return releases.map((r) =>
    gitopsTrailers({
      ...fields,
      services: [r.service],
      rings: r.rings,
      digests: r.digests,
      ...(r.chart === undefined ? {} : { charts: [r.chart] }),
    }),
  );
}

/**
 * Formats trailers as `Key: value` lines, one per value, keys in the order given.
 * Values are trimmed. Fails with `CG510` for a key git would not read back as a
 * trailer key, or for an empty or multi-line value.
 */
export function formatTrailers(input: TrailerInput): string {
  const lines: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    if (raw === undefined) {
      continue;
    }
    if (!KEY.test(key)) {
      throw invalidTrailer(
        `Trailer key "${key}" is not a git trailer key`,
        'Use letters, digits and "-" only, such as "Cdk8s-Gitops-Ring".',
      );
    }
    const values: readonly string[] = typeof raw === 'string' ? [raw] : raw;
    for (const value of values) {
      const trimmed = value.trim();
      if (trimmed === '' || /[\r\n]/.test(trimmed)) {
        throw invalidTrailer(
          `Trailer "${key}" has value ${JSON.stringify(value)}, which is ${trimmed === '' ? 'empty' : 'on several lines'}`,
          'Give each trailer a non-empty, one-line value; repeat the key for several values.',
        );
      }
      lines.push(`${key}: ${trimmed}`);
    }
  }
  return lines.join('\n');
}

/**
 * Appends trailers to a commit message. When the message already ends in a trailer
 * block, the new trailers join it (as `git interpret-trailers` does); otherwise they
 * form a new last paragraph. Several paragraphs of trailers (the releases of a commit
 * that makes several) follow the message, each a paragraph of its own. Returns the
 * message unchanged (less trailing blanks) when there are no trailers.
 */
export function appendTrailers(message: string, input: CommitTrailers = {}): string {
  const body = message.replace(/\r\n/g, '\n').replace(/\s+$/, '');
  if (body.trim() === '') {
    throw GitOpsError.of('CG510', {
      message: 'The commit message is empty.',
      fix: 'Give a one-line subject that says what changed, such as "Promote payments-api to prod".',
    });
  }
  const blocks = (isParagraphs(input) ? input : [input]).map(formatTrailers).filter((b) => b !== '');
  if (blocks.length === 0) {
    return body;
  }
  if (blocks.length > 1) {
    return `${body}\n\n${blocks.join('\n\n')}`;
  }
  return findTrailerBlock(body.split('\n')) ? `${body}\n${blocks[0]}` : `${body}\n\n${blocks[0]}`;
}

/**
 * `trailers` with `key: value` added to its last paragraph, the one git reads as the commit's
 * trailers.
 */
export function withCommitTrailer(trailers: CommitTrailers | undefined, key: string, value: string): CommitTrailers {
  if (!isParagraphs(trailers)) return { ...trailers, [key]: value };
  return trailers.length === 0 ? [{ [key]: value }] : [...trailers.slice(0, -1), { ...trailers.at(-1), [key]: value }];
}

function isParagraphs(trailers: CommitTrailers | undefined): trailers is readonly TrailerInput[] {
  return Array.isArray(trailers);
}

/**
 * Reads the trailers of a commit message with git's rules (`git interpret-trailers --parse`):
 * the trailers are the last paragraph, never the first (the subject); the paragraph counts
 * when all its lines are `Key: value` lines (indented lines continue the previous value),
 * or when at least a quarter are and one is a line git writes itself (`Signed-off-by: `).
 * Keys of {@link TrailerKey} come back in our spelling whatever their case.
 */
export function parseTrailers(message: string): Trailers {
  const lines = message.replace(/\r\n/g, '\n').replace(/\s+$/, '').split('\n');
  const block = findTrailerBlock(lines);
  return block ? collect(block) : {};
}

/**
 * The trailers of each release a commit message records: one set (those {@link parseTrailers}
 * reads) for a commit cdk8s-gitops made; one per squashed commit for a squash merge of several,
 * whose message holds each one's trailers in a paragraph of its own (GitHub's squash message) or
 * indented under its commit (`git merge --squash`'s). A paragraph counts when each of its lines,
 * the indentation they share taken off, is a `Key: value` trailer and one key is ours.
 */
export function releaseTrailers(message: string): Trailers[] {
  const last = parseTrailers(message);
  const lines = message.replace(/\r\n/g, '\n').replace(/\s+$/, '').split('\n');
  const blocks: Trailers[] = [];
  let paragraph: string[] = [];
  const close = (): void => {
    if (paragraph.length > 0) {
      const indent = Math.min(...paragraph.map((l) => l.length - l.trimStart().length));
      const dedented = paragraph.map((l) => l.slice(indent));
      if (dedented.every((l) => TRAILER_LINE.test(l)) && dedented.some((l) => CANONICAL.has(TRAILER_LINE.exec(l)![1]!.toLowerCase())))
        blocks.push(collect(dedented));
    }
    paragraph = [];
  };
  // The first paragraph is the subject's, never trailers.
  const firstBlank = lines.findIndex((l) => l.trim() === '');
  for (const line of firstBlank < 0 ? [] : lines.slice(firstBlank + 1)) {
    if (line.trim() === '') close();
    else paragraph.push(line);
  }
  close();
  const ours = (t: Trailers): boolean => Object.keys(t).some((k) => CANONICAL.has(k.toLowerCase()));
  return blocks.length > 1 || (blocks.length === 1 && !ours(last)) ? blocks : [last];
}

/** Adds values to trailers under the canonical key. */
export function addTrailer(trailers: Trailers, key: string, value: string): void {
  const k = canonicalTrailerKey(key);
  (trailers[k] ??= []).push(value);
}

function findTrailerBlock(lines: readonly string[]): string[] | undefined {
  const firstBlank = lines.findIndex((l) => l.trim() === '');
  if (firstBlank < 0) {
    return undefined; // one paragraph: the subject only
  }
  let start = lines.length;
  while (start > firstBlank + 1 && lines[start - 1]!.trim() !== '') {
    start--;
  }
  const paragraph = lines.slice(start);
  if (paragraph.length === 0) {
    return undefined;
  }
  let trailers = 0;
  let others = 0;
  let recognised = false;
  let inTrailer = false;
  for (const line of paragraph) {
    if (/^[ \t]/.test(line) && inTrailer) {
      continue;
    }
    if (TRAILER_LINE.test(line) || GIT_PREFIXES.some((p) => line.startsWith(p))) {
      trailers++;
      inTrailer = true;
      recognised ||= GIT_PREFIXES.some((p) => line.startsWith(p));
    } else {
      others++;
      inTrailer = false;
    }
  }
  const accepted = (trailers > 0 && others === 0) || (recognised && trailers * 3 >= others);
  return accepted ? paragraph : undefined;
}

function collect(paragraph: readonly string[]): Trailers {
  const out: Trailers = {};
  let last: { key: string; value: string } | undefined;
  const flush = (): void => {
    if (last) {
      addTrailer(out, last.key, last.value.trim());
      last = undefined;
    }
  };
  for (const line of paragraph) {
    if (/^[ \t]/.test(line) && last) {
      last.value = `${last.value.trim()} ${line.trim()}`;
      continue;
    }
    flush();
    const m = TRAILER_LINE.exec(line);
    if (m) {
      last = { key: m[1]!, value: m[2]! };
    }
  }
  flush();
  return out;
}

function invalidTrailer(message: string, fix: string): GitOpsError {
  return GitOpsError.of('CG510', { message: `${message}.`, fix });
}
