import { GitOpsError, Problem } from '../core/errors';
import { LedgerGit } from '../git/ledger-history';
import { Checkout } from '../synth/checkout-fs';
import { readManifest } from '../synth/manifest';
import { PlatformModel } from '../model/platform-model';
import { initialLedger, parseLedger, serializeLedger } from './ledger';
import { applyRingMoves, undeclaredRingProblems } from './moves';
import { Ledger, RingSpec } from './types';
import { VersionPolicy } from '../model/versions';

/**
 * The time recorded for a program's initial digest. It is fixed, so that two syntheses of the
 * same program give the same bytes; it reads as "since before any promotion".
 */
export const INITIAL_SINCE = new Date(0);

/** Largest ledger read: a ledger keeps a few releases per ring, kilobytes, never megabytes. */
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
}

/** Path of a service's ledger in the tree. */
export function ledgerFilePath(model: PlatformModel, service: string): string {
  return `${model.layout.releases}/${service}.yaml`;
}

/** The program's rings as the release rules see them, in order. */
export function ringSpecs(model: PlatformModel): RingSpec[] {
  return model.rings.map((r) => ({ name: r.name, gates: { soakSeconds: r.gates.soakSeconds, requireApproval: r.gates.requireApproval } }));
}

/** What each ring may run: digests only when any environment of its targets requires them. */
export function ringPolicies(model: PlatformModel): Record<string, VersionPolicy> {
  const strict = new Set(model.environments.filter((e) => e.requireDigest).map((e) => e.name));
  // A target's id starts with its environment: `<environment>/<cloud>/<cluster>/<service>`.
  const inStrictEnvironment = (id: string): boolean => strict.has(id.slice(0, id.indexOf('/')));
  const out: Record<string, VersionPolicy> = {};
  for (const r of model.rings) {
    out[r.name] = { requireDigest: r.targets.length === 0 || (strict.size > 0 && r.targets.some(inStrictEnvironment)) };
  }
  return out;
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
 * Reads the ledger text of every service of the program from the checkout `dir`, or makes it
 * from the service's `initialDigest` where the checkout has none; see {@link readLedgers}.
 * A ledger the manifest records but the checkout lacks was deleted: that fails with `CG210`,
 * for every such ledger at once, rather than start its rings again from `initialDigest`.
 */
export function readLedgerTexts(model: PlatformModel, dir: string): Map<string, LedgerText> {
  const rings = ringSpecs(model);
  const checkout = new Checkout(dir);
  const out = new Map<string, LedgerText>();
  const missing: string[] = [];
  for (const s of model.services) {
    const rel = ledgerFilePath(model, s.name);
    const text = checkout.read(rel, MAX_LEDGER_BYTES);
    if (text !== undefined) out.set(s.name, { path: rel, text, initial: false });
    else if (s.initialDigest) {
      missing.push(rel);
      out.set(s.name, { path: rel, text: ledgerText(model, initialLedger(s.name, rings, s.initialDigest, INITIAL_SINCE)), initial: true });
    }
  }
  if (missing.length > 0) assertNoDeletedLedgers(dir, missing);
  return out;
}

/**
 * Fails with `CG210` when any of the ledgers `missing` (checkout-relative paths) was deleted:
 * the manifest records it, or the last commit holds it (a deletion not committed yet, made
 * together with the manifest's record of it).
 */
function assertNoDeletedLedgers(dir: string, missing: readonly string[]): void {
  const recorded = readManifest(dir).files;
  const git = LedgerGit.open(dir);
  const atHead = git?.hasHead ? git.atHead(missing.filter((p) => !recorded.has(p))) : new Map<string, string | undefined>();
  const deleted = missing.filter((p) => recorded.has(p) || atHead.get(p) !== undefined);
  if (deleted.length === 0) return;
  throw new GitOpsError(
    deleted.map((p) => ({
      code: 'CG210',
      file: p,
      message:
        `${p} is missing, but ${recorded.has(p) ? 'cdk8s-gitops wrote it and the manifest records it' : 'the last commit holds it'}: the ledger was deleted (by hand, or by a commit). ` +
        'Without it every ring of the service would start again from its initialDigest, prod included, and its holds and history would be gone. Nothing was written.',
      fix:
        `Restore it from Git: \`git checkout HEAD -- ${p}\` if the deletion is not committed; else find the commit that deleted it ` +
        `(\`git log --diff-filter=D --format=%h -1 -- ${p}\`) and \`git checkout <that commit>^ -- ${p}\`.`,
    })),
    `${deleted.length === 1 ? 'A release ledger was' : `${deleted.length} release ledgers were`} deleted:`,
  );
}

/**
 * Parses ledger texts read by {@link readLedgerTexts}; malformed ones fail with file and line.
 * The program's ring moves are applied (a renamed ring takes over its old entry, and the text
 * is the one the next write puts there); an entry of a ring the program neither declares nor
 * explains fails with `CG209`, for every ledger at once.
 */
export function parseLedgerTexts(model: PlatformModel, texts: ReadonlyMap<string, LedgerText>): Map<string, LedgerFile> {
  const policies = ringPolicies(model);
  const rings = ringSpecs(model);
  const initialDigests = new Map(model.services.map((s) => [s.name, s.initialDigest]));
  const out = new Map<string, LedgerFile>();
  const problems: Problem[] = [];
  for (const [service, f] of texts) {
    const initialDigest = f.initial ? initialDigests.get(service) : undefined;
    const ledger =
      initialDigest !== undefined ? initialLedger(service, rings, initialDigest, INITIAL_SINCE) : parseLedger(f.text, f.path, { policies });
    problems.push(...undeclaredRingProblems(model, ledger, f.path));
    const moved = applyRingMoves(model, ledger);
    out.set(service, moved === ledger ? { ...f, ledger } : { ...f, ledger: moved, text: ledgerText(model, moved) });
  }
  if (problems.length > 0) {
    throw new GitOpsError(
      problems,
      `${problems.length === 1 ? 'A release ledger records a ring' : `Release ledgers record ${problems.length} rings`} the program does not declare:`,
    );
  }
  return out;
}

/**
 * Reads the ledger of every service of the program from the checkout `dir`. A service without
 * a ledger file gets one from its `initialDigest`, if it declares one; otherwise it has none
 * and its targets are not emitted yet. Malformed ledgers fail with file and line.
 */
export function readLedgers(model: PlatformModel, dir: string): Map<string, LedgerFile> {
  return parseLedgerTexts(model, readLedgerTexts(model, dir));
}
