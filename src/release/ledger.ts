import { GitOpsError, Problem, problem } from '../core/errors';
import { DEFAULT_VERSION_POLICY, versionFix, versionProblem } from '../model/versions';
import { isDns1123Label } from '../core/kube-names';
import { formatTimestamp, isTimestamp, isValidDate } from '../core/timestamp';
import { yamlString } from '../core/yaml/emit';
import { ParseLedgerOptions, readLedgerDocument, serviceOfFile } from './ledger-reader';
import { Hold, Ledger, PreviousRelease, RingSpec, RingState } from './types';
import { isChartRevision, isChartTag, Release, releaseImages, releaseOf } from './release';
import { VersionPolicy } from '../model/versions';

export type { ParseLedgerOptions };

/** The first line of every ledger file. */
export const LEDGER_HEADER = '# Managed by cdk8s-gitops. Change it with `cdk8s-gitops promote`, `rollback` and `unhold`.';

/**
 * Parses a ledger file. Every problem is collected and thrown at once as a {@link GitOpsError};
 * each names the file and line, the value received and the fix. Nothing is repaired: a ledger
 * either reads exactly or is refused.
 *
 * A file in the exact form {@link serializeLedger} writes (every file cdk8s-gitops wrote) is read
 * without a YAML parser; any other text goes to the full reader, which gives the same result for
 * canonical files and reports the problems of all others.
 *
 * @param text the file's content
 * @param file the repository-relative path, `releases/<service>.yaml`; its base name must equal `service`
 * @throws GitOpsError with codes `CG201`–`CG208` ({@link LEDGER_ERROR_CODES})
 * @example
 * const ledger = parseLedger(fs.readFileSync(path, 'utf8'), 'releases/payments-api.yaml');
 */
export function parseLedger(text: string, file: string, options: ParseLedgerOptions = {}): Ledger {
  const ledger = readCanonicalLedger(text, file, options.policies ?? {});
  if (ledger !== undefined) return ledger;
  return readLedgerDocument(text, file, options);
}

/**
 * Reads a ledger in the form {@link serializeLedger} writes, line by line. Returns undefined,
 * leaving the file to the full reader, unless every field passes the full reader's checks and
 * writing the result back gives `text` byte for byte: so it never reads a file differently
 * from the full reader, nor accepts one the full reader refuses.
 */
function readCanonicalLedger(text: string, file: string, policies: Readonly<Record<string, VersionPolicy>>): Ledger | undefined {
  const lines = text.split('\n');
  if (lines[0] !== LEDGER_HEADER || lines[lines.length - 1] !== '') return undefined;
  let i = 1;
  /** The value of the line `<indent><key>: <value>`, taken as the next line. */
  const next = (prefix: string): string | undefined => {
    const line = lines[i];
    if (line === undefined || !line.startsWith(prefix)) return undefined;
    i++;
    return line.slice(prefix.length);
  };
  const decode = (raw: string | undefined): string | undefined => {
    if (raw === undefined || !raw.startsWith('"')) return raw;
    try {
      const v: unknown = JSON.parse(raw);
      return typeof v === 'string' ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const nonEmpty = (raw: string | undefined): string | undefined => {
    const v = decode(raw);
    return v !== undefined && v.trim() !== '' ? v : undefined;
  };

  const service = decode(next('service: '));
  if (!isDns1123Label(service) || service !== serviceOfFile(file)) return undefined;
  const rings: Record<string, RingState> = {};
  const ringsLine = lines[i++];
  if (ringsLine === 'rings:') {
    while (i < lines.length - 1) {
      const head = lines[i++];
      if (!/^ {2}[^ ].*:$/.test(head)) return undefined;
      const name = decode(head.slice(2, -1));
      if (!isDns1123Label(name) || Object.hasOwn(rings, name)) return undefined;
      const policy = policies[name] ?? DEFAULT_VERSION_POLICY;
      let release: Release;
      if (lines[i] === '    images:') {
        i++;
        const images: Record<string, string> = {};
        while (lines[i]?.startsWith('      ')) {
          const m = /^ {6}([^ ].*?): (.+)$/.exec(lines[i++]);
          const image = decode(m?.[1]);
          const version = decode(m?.[2]);
          if (!isDns1123Label(image) || Object.hasOwn(images, image) || version === undefined) return undefined;
          if (versionProblem(version, policy) !== undefined) return undefined;
          images[image] = version;
        }
        if (Object.keys(images).length === 0) return undefined;
        release = { images };
      } else {
        const digest = decode(next('    digest: '));
        if (digest === undefined || versionProblem(digest, policy) !== undefined) return undefined;
        release = { digest };
      }
      const chart = lines[i]?.startsWith('    chart: ') ? decode(next('    chart: ')) : null;
      if (chart !== null && (!isChartRevision(chart) || (policy.requireDigest && isChartTag(chart)))) return undefined;
      const since = decode(next('    since: '));
      const by = nonEmpty(next('    by: '));
      if (!isTimestamp(since) || by === undefined) return undefined;
      const fromRaw = next('    from: ');
      const from = fromRaw === 'null' ? null : decode(fromRaw);
      if (from === undefined || (from !== null && !isDns1123Label(from))) return undefined;
      const approvedRaw = next('    approvedBy: ');
      const approvedBy = approvedRaw === 'null' ? null : nonEmpty(approvedRaw);
      if (approvedBy === undefined) return undefined;
      let hold: Hold | null = null;
      if (lines[i] === '    hold:') {
        i++;
        const reason = nonEmpty(next('      reason: '));
        const holdSince = decode(next('      since: '));
        const holdBy = nonEmpty(next('      by: '));
        if (reason === undefined || !isTimestamp(holdSince) || holdBy === undefined) return undefined;
        hold = { reason, since: holdSince, by: holdBy };
      } else if (next('    hold: ') !== 'null') {
        return undefined;
      }
      const previous: PreviousRelease[] = [];
      if (lines[i] === '    previous:') {
        i++;
        while (lines[i]?.startsWith('      - ')) {
          const m = /^ {6}- \{ (digest: (.+?)|images: \{ (.+?) \})(?:, chart: (.+?))?, since: (".+"), by: (.+) \}$/.exec(lines[i++]);
          // History may hold tags from before a ring took only digests.
          const version = (raw: string | undefined): string | undefined => {
            const v = decode(raw);
            return v === undefined || versionProblem(v, { requireDigest: false }) !== undefined ? undefined : v;
          };
          let was: Release | undefined;
          if (m?.[2] !== undefined) {
            const d = version(m[2]);
            was = d === undefined ? undefined : { digest: d };
          } else if (m?.[3] !== undefined) {
            const images: Record<string, string> = {};
            for (const pair of m[3].split(', ')) {
              const at = pair.indexOf(': ');
              const image = decode(at < 0 ? undefined : pair.slice(0, at));
              const v = version(at < 0 ? undefined : pair.slice(at + 2));
              if (!isDns1123Label(image) || Object.hasOwn(images, image) || v === undefined) return undefined;
              images[image] = v;
            }
            was = { images };
          }
          const c = m?.[4] === undefined ? null : decode(m[4]);
          const s = decode(m?.[5]);
          const b = nonEmpty(m?.[6]);
          if (was === undefined || !isTimestamp(s) || b === undefined) return undefined;
          if (c !== null && !isChartRevision(c)) return undefined;
          previous.push(withRelease(was, c === null ? { since: s, by: b } : { chart: c, since: s, by: b }));
        }
        if (previous.length === 0) return undefined;
      } else if (next('    previous: ') !== '[]') {
        return undefined;
      }
      rings[name] = withRelease(
        release,
        chart === null ? { since, by, from, approvedBy, hold, previous } : { chart, since, by, from, approvedBy, hold, previous },
      );
    }
  } else if (ringsLine !== 'rings: {}') {
    return undefined;
  }
  const ledger: Ledger = { service, rings };
  return serializeLedger(ledger, Object.keys(rings)) === text ? ledger : undefined;
}

/**
 * Writes a ledger as YAML, byte for byte the same for the same ledger. Rings come in
 * `ringOrder` (the program's ring order); rings the program no longer declares follow,
 * sorted by name. Every field is always written, `null` or `[]` when empty, so a change
 * shows as a change of lines in a Git diff; but for `chart`, written only for a release that
 * has one, so that ledgers of services whose chart is not released with the image keep their
 * bytes. A release of named images has `images:` (one `<name>: <digest>` line per image, names
 * in code point order; in `previous`, `images: { <name>: <digest>, … }`) where one of a single
 * image has `digest:`.
 *
 * @param ringOrder ring names in program order
 * @example
 * fs.writeFileSync(`releases/${ledger.service}.yaml`, serializeLedger(ledger, rings.map((r) => r.name)));
 */
export function serializeLedger(ledger: Ledger, ringOrder: readonly string[]): string {
  const out: string[] = [LEDGER_HEADER, `service: ${yamlString(ledger.service)}`];
  const names = orderRings(Object.keys(ledger.rings), ringOrder);
  if (names.length === 0) {
    out.push('rings: {}');
  } else {
    out.push('rings:');
  }
  for (const name of names) {
    const r = ledger.rings[name]!;
    out.push(`  ${yamlString(name)}:`);
    if (r.images === undefined) {
      out.push(`    digest: ${yamlString(r.digest ?? '')}`);
    } else {
      out.push('    images:');
      for (const [image, version] of releaseImages(r)) out.push(`      ${yamlString(image!)}: ${yamlString(version)}`);
    }
    if (r.chart !== undefined) out.push(`    chart: ${yamlString(r.chart)}`);
    out.push(
      `    since: ${quoted(r.since)}`,
      `    by: ${yamlString(r.by)}`,
      `    from: ${r.from === null ? 'null' : yamlString(r.from)}`,
      `    approvedBy: ${r.approvedBy === null ? 'null' : yamlString(r.approvedBy)}`,
    );
    if (r.hold === null) {
      out.push('    hold: null');
    } else {
      out.push(
        '    hold:',
        `      reason: ${quoted(r.hold.reason)}`,
        `      since: ${quoted(r.hold.since)}`,
        `      by: ${yamlString(r.hold.by)}`,
      );
    }
    if (r.previous.length === 0) {
      out.push('    previous: []');
    } else {
      out.push('    previous:');
      for (const p of r.previous) {
        const chart = p.chart === undefined ? '' : `, chart: ${yamlString(p.chart)}`;
        const images =
          p.images === undefined
            ? `digest: ${yamlString(p.digest ?? '')}`
            : `images: { ${releaseImages(p)
                .map(([image, version]) => `${yamlString(image!)}: ${yamlString(version)}`)
                .join(', ')} }`;
        out.push(`      - { ${images}${chart}, since: ${quoted(p.since)}, by: ${yamlString(p.by)} }`);
      }
    }
  }
  return out.join('\n') + '\n';
}

/**
 * Orders ring names for writing: those in `ringOrder` first, in that order, then the others
 * sorted by name (code point order, independent of locale).
 */
export function orderRings(names: readonly string[], ringOrder: readonly string[]): string[] {
  const present = new Set(names);
  const known = ringOrder.filter((n, i) => present.has(n) && ringOrder.indexOf(n) === i);
  const rest = names.filter((n) => !ringOrder.includes(n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...known, ...rest];
}

/**
 * The ledger for a service whose program declares an initial release: every ring runs it,
 * since `now`, with no origin, approval, hold or history.
 *
 * @param initial the digest every ring runs, or the release (e.g. one digest per named image)
 * @param by who to record as having put it there
 * @param policies what each ring takes (digests only, or tags as well); a ring not named takes digests only
 * @throws GitOpsError `CG207` for a bad service or ring name, `CG608` for a version a ring does not take, `CG609` for a bad `now` or `by`
 * @example
 * initialLedger('payments-api', rings, 'sha256:2e8f…', new Date());
 */
export function initialLedger(
  service: string,
  rings: readonly RingSpec[],
  initial: string | Release,
  now: Date,
  by: string = 'initial',
  policies: Readonly<Record<string, VersionPolicy>> = {},
): Ledger {
  const problems: Problem[] = [];
  for (const name of [service, ...rings.map((r) => r.name)]) {
    if (!isDns1123Label(name)) {
      problems.push(problem('CG207', { message: `"${name}" is not a valid service or ring name.` }));
    }
  }
  const release = releaseOf(typeof initial === 'string' ? { digest: initial } : initial);
  for (const [image, digest] of releaseImages(release)) {
    const refusing = rings.find((r) => versionProblem(digest, policies[r.name] ?? DEFAULT_VERSION_POLICY) !== undefined);
    if (refusing !== undefined) {
      const policy = policies[refusing.name] ?? DEFAULT_VERSION_POLICY;
      problems.push(
        problem('CG608', {
          message: `The initial digest of "${service}"${image === undefined ? '' : ` image "${image}"`} ${versionProblem(digest, policy)}; received "${digest}".`,
          fix: versionFix(policy),
        }),
      );
    }
  }
  if (!isValidDate(now)) {
    problems.push(
      problem('CG609', { message: 'The time of the initial release is not a valid date.', fix: 'Pass a valid `Date` as `now`.' }),
    );
  }
  if (by.trim() === '') {
    problems.push(
      problem('CG609', {
        message: 'The initial release names nobody as `by`.',
        fix: 'Pass who declared it, or leave the default `initial`.',
      }),
    );
  }
  if (problems.length > 0) {
    throw new GitOpsError(problems);
  }
  const since = formatTimestamp(now);
  const states: Record<string, RingState> = {};
  for (const ring of rings) {
    states[ring.name] = withRelease(release, { since, by, from: null, approvedBy: null, hold: null, previous: [] });
  }
  return { service, rings: states };
}

/**
 * A release with the fields of its entry after it, as `{ ...release, ...fields }` makes it: but
 * `Object.assign`, since Node 20's V8 makes an object spread followed by fields some sixty times
 * slower (5 µs against 0.08 µs each), and a fleet's ledgers make thousands of entries.
 */
function withRelease<T extends object>(release: Release, fields: T): Release & T {
  return Object.assign({}, release, fields);
}

/** A string as a double-quoted YAML scalar (JSON string syntax is valid YAML). */
function quoted(s: string): string {
  return JSON.stringify(s);
}
