import * as path from 'path';
import { GitOpsError, Problem, problem } from '../core/errors';
import { PlatformModel } from '../model/platform-model';
import { initialLedger, parseLedger, serializeLedger } from './ledger';
import { applyRingMoves, ringMoveNotes, undeclaredRingProblems } from './moves';
import { Ledger, RingSpec } from './types';
import { initialRelease, Release, releaseOf } from './release';
import { formatTimestamp } from '../core/timestamp';
import { ringPolicies } from '../model/versions';

/**
 * The time recorded for a program's initial digest. It is fixed, so that two syntheses of the
 * same program give the same bytes; it reads as "since before any promotion".
 */
export const INITIAL_SINCE = new Date(0);

/**
 * Largest ledger read, from the checkout or from Git: a ledger keeps a few releases per ring,
 * kilobytes, never megabytes.
 */
export const MAX_LEDGER_BYTES = 16 * 1024 * 1024;

/** A service's ledger as found in a checkout (or made from the program's initial digest). */
export interface LedgerFile {
  /** Repository-relative path, e.g. `releases/payments-api.yaml`. */
  readonly path: string;
  /** The ledger the file holds, parsed and checked against the program's ring policies. */
  readonly ledger: Ledger;
  /** The file's text: as read, byte for byte, or as it will be written. */
  readonly text: string;
  /** True when the checkout has no ledger yet and this one comes from `initialDigest`. */
  readonly initial: boolean;
  /**
   * What the program's ring moves drop or carry over in this ledger beyond renaming entries (a
   * merge's history and holds, a removed ring's hold), as sentences for `plan`.
   * @default - nothing
   */
  readonly moveNotes?: readonly string[];
}

/** Path of a service's ledger in the tree. */
export function ledgerFilePath(model: PlatformModel, service: string): string {
  return `${model.layout.releases}/${service}.yaml`;
}

/** The program's rings as the release rules see them, in order. */
export function ringSpecs(model: PlatformModel): RingSpec[] {
  return model.rings.map((r) => ({ name: r.name, gates: { soakSeconds: r.gates.soakSeconds, requireApproval: r.gates.requireApproval } }));
}

/**
 * The ledger a service's `initialDigest` makes (one per named image, see `initialRelease`):
 * every ring of the program runs it (see {@link initialLedger}).
 */
export function programInitialLedger(model: PlatformModel, service: string, initial: string | Release): Ledger {
  return initialLedger(service, ringSpecs(model), initial, INITIAL_SINCE, 'initial', ringPolicies(model));
}

/**
 * The text of {@link programInitialLedger}: what synth writes for a service before anything is
 * promoted. Made once per model, service and release (every ledger read compares with it).
 */
export function programInitialLedgerText(model: PlatformModel, service: string, initial: string | Release): string {
  let texts = initialTexts.get(model);
  if (texts === undefined) initialTexts.set(model, (texts = new Map()));
  const key = `${service}\n${typeof initial === 'string' ? initial : JSON.stringify(initial)}`;
  let text = texts.get(key);
  if (text === undefined) texts.set(key, (text = ledgerText(model, programInitialLedger(model, service, initial))));
  return text;
}

/** The texts {@link programInitialLedgerText} made, by model, then by service and release. */
const initialTexts = new WeakMap<PlatformModel, Map<string, string>>();

/** The `since` of an initial release's entries, as a ledger writes it. */
const INITIAL_SINCE_LINE = ` since: "${formatTimestamp(INITIAL_SINCE)}"`;

/**
 * Whether every entry of a ledger's text (one of {@link isInitialLedgerText}'s, say) has the
 * initial release's time: a cheap first test, read from the text without parsing it.
 */
export function hasOnlyInitialEntries(text: string): boolean {
  const times = text.match(/^ +since: .*$/gm) ?? [];
  return times.length > 0 && times.every((t) => t.endsWith(INITIAL_SINCE_LINE));
}

/**
 * Whether `text` is, byte for byte, the ledger an initial release makes for `service` (every
 * ring of the program at it, by `initial`, no history; see {@link programInitialLedger}): what
 * synth writes before anything is promoted, for the program's initial release of its day, which
 * need not be today's (an add-on's chart version, or an `initialDigest`, changed since).
 */
export function isInitialLedgerText(model: PlatformModel, service: string, text: string): boolean {
  if (!hasOnlyInitialEntries(text)) return false;
  try {
    const first = Object.values(parseLedger(text, ledgerFilePath(model, service), { policies: ringPolicies(model) }).rings)[0];
    return first !== undefined && programInitialLedgerText(model, service, releaseOf(first)) === text;
  } catch (e) {
    if (e instanceof GitOpsError) return false;
    throw e;
  }
}

/**
 * The initial ledger `ledger` grew from, when an operation made it from an initial release rather
 * than from a file: the one of the release its entries (or their history) record as the initial
 * one (`by: initial` at the initial time). Undefined when none does.
 */
export function initialLedgerOf(model: PlatformModel, service: string, ledger: Ledger): Ledger | undefined {
  const since = formatTimestamp(INITIAL_SINCE);
  const entries = Object.values(ledger.rings).flatMap((e) => [e, ...e.previous]);
  const initial = entries.find((e) => e.since === since && e.by === 'initial');
  if (initial === undefined) return undefined;
  try {
    return programInitialLedger(model, service, releaseOf(initial));
  } catch (e) {
    if (e instanceof GitOpsError) return undefined;
    throw e;
  }
}

/** Serializes a ledger in the program's ring order. */
export function ledgerText(model: PlatformModel, ledger: Ledger): string {
  return serializeLedger(
    ledger,
    model.rings.map((r) => r.name),
  );
}

/** A service's ledger file as read from a checkout, not parsed yet; see {@link LedgerFile}. */
export type LedgerText = Omit<LedgerFile, 'ledger'>;

/**
 * Parses ledger texts read by {@link readLedgerTexts}; malformed ones fail with file and line.
 * The program's ring moves are applied (a renamed ring takes over its old entry, and the text
 * is the one the next write puts there); an entry of a ring the program neither declares nor
 * explains fails with `CG209`, for every ledger at once.
 */
export function parseLedgerTexts(model: PlatformModel, texts: ReadonlyMap<string, LedgerText>): Map<string, LedgerFile> {
  // A command reads the ledgers several times (the ring rules, the tree, the ledgers of a commit
  // between): a ledger whose text is one parsed before for the same model is not parsed again.
  let parsed = parsedLedgers.get(model);
  if (parsed === undefined) parsedLedgers.set(model, (parsed = new Map()));
  const policies = ringPolicies(model);
  const initialReleases = new Map(model.services.map((s) => [s.name, initialRelease(s)]));
  const out = new Map<string, LedgerFile>();
  const found = new Map<string, LedgerFile>();
  const problems: Problem[] = [];
  for (const [service, f] of texts) {
    const before = parsed.get(`${service}\n${f.path}`);
    if (before !== undefined && before.read.text === f.text && before.read.initial === f.initial) {
      out.set(service, before.file);
      continue;
    }
    const initial = f.initial ? initialReleases.get(service) : undefined;
    const ledger = initial !== undefined ? programInitialLedger(model, service, initial) : parseLedger(f.text, f.path, { policies });
    problems.push(...undeclaredRingProblems(model, ledger, f.path));
    const moved = applyRingMoves(model, ledger);
    const moveNotes = moved === ledger ? [] : ringMoveNotes(model, ledger, f.path);
    const file =
      moved === ledger
        ? { ...f, ledger }
        : { ...f, ledger: moved, text: ledgerText(model, moved), ...(moveNotes.length > 0 ? { moveNotes } : {}) };
    out.set(service, file);
    found.set(`${service}\n${f.path}`, file);
  }
  if (problems.length > 0) {
    throw new GitOpsError(
      problems,
      `${problems.length === 1 ? 'A release ledger records a ring' : `Release ledgers record ${problems.length} rings`} the program does not declare:`,
    );
  }
  for (const [key, file] of found) parsed.set(key, { read: texts.get(key.slice(0, key.indexOf('\n')))!, file });
  return out;
}

/** The ledgers {@link parseLedgerTexts} parsed, by model, then by service and path: as read, and parsed. */
const parsedLedgers = new WeakMap<PlatformModel, Map<string, { readonly read: LedgerText; readonly file: LedgerFile }>>();

/**
 * How cdk8s-gitops knows a missing ledger was there (`CG210`): the manifest records it, the
 * last commit holds it, a commit deleted it, or it cannot tell, because the clone is shallow.
 */
export type DeletedLedgerEvidence =
  | 'recorded'
  | 'head'
  | 'shallow'
  | {
      /** The commit that deleted it. */
      readonly deletedIn: string;
      /** Where it was, when not at the path the program keeps it at now. @default - that path */
      readonly at?: string;
    };

const DELETED_CONSEQUENCE =
  'Without it every ring of the service would start again from its initialDigest, prod included, and its holds and history would be gone. Nothing was written.';

/**
 * The problem (`CG210`) of a ledger that was deleted, or may have been: its rings would start
 * again from the service's initialDigest, prod included, and its holds and history would be gone.
 */
export function deletedLedgerProblem(file: string, evidence: DeletedLedgerEvidence): Problem {
  if (evidence === 'shallow') {
    return problem('CG210', {
      file,
      message: `${file} is missing, and this clone is shallow: the commits that would show whether the ledger existed and was deleted are not here. ${DELETED_CONSEQUENCE}`,
      fix: 'Fetch the whole history (git fetch --unshallow) and run the command again; a new service then starts from its initialDigest.',
    });
  }
  if (typeof evidence === 'object' && evidence.at !== undefined && evidence.at !== file) {
    const commit = evidence.deletedIn.slice(0, 12);
    return problem('CG210', {
      file,
      message: `${file} is missing, and the service's ledger was at ${evidence.at} until commit ${commit} deleted it. ${DELETED_CONSEQUENCE}`,
      fix: `Restore it where it was (\`git checkout ${commit}^ -- ${evidence.at}\`) and keep layout.releases as it was (releases: '${path.posix.dirname(evidence.at)}'): ledgers are not moved.`,
    });
  }
  const why =
    evidence === 'recorded'
      ? 'cdk8s-gitops wrote it and the manifest records it'
      : evidence === 'head'
        ? 'the last commit holds it'
        : `commit ${evidence.deletedIn.slice(0, 12)} deleted it`;
  return problem('CG210', {
    file,
    message: `${file} is missing, but ${why}: the ledger was deleted (by hand, or by a commit). ${DELETED_CONSEQUENCE}`,
    fix:
      typeof evidence === 'object'
        ? `Restore it from Git: \`git checkout ${evidence.deletedIn.slice(0, 12)}^ -- ${file}\`.`
        : `Restore it from Git: \`git checkout HEAD -- ${file}\` if the deletion is not committed; else find the commit that deleted it ` +
          `(\`git log --diff-filter=D --format=%h -1 -- ${file}\`) and \`git checkout <that commit>^ -- ${file}\`.`,
  });
}

/**
 * The problem (`CG211`) of a service's ledger that the program keeps at `file` while the
 * manifest records it at `recordedAt`: ledgers are not moved, since their history in Git, which
 * the ring rules read, stays at the path they were written to.
 */
export function movedLedgerProblem(file: string, recordedAt: string): Problem {
  const dir = recordedAt.slice(0, recordedAt.lastIndexOf('/'));
  return problem('CG211', {
    file,
    message: `The program keeps this ledger at ${file}, but the manifest records it at ${recordedAt}: layout.releases changed, or the ledger was moved.`,
    fix: `Keep layout.releases as it was (releases: '${dir}'), and move any ledger back to ${dir}/ (git mv).`,
  });
}
