import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../errors';
import { ExistingBranch, publish, PublishResult } from '../git/publish';
import { GitOpsRepository } from '../git/repository';
import { gitopsTrailers, Operation, TrailerInput } from '../git/trailers';
import { LedgerFile, ledgerFilePath, readLedgers, ringPolicies } from '../release/checkout';
import { describeChange, summarizeChange } from '../release/change-summary';
import { shortDigest } from '../release/digest';
import { parseLedger } from '../release/ledger';
import { Ledger } from '../release/types';
import { Checkout } from '../synth/checkout-fs';
import type { LockHolder } from '../synth/checkout-lock';
import { MANIFEST_PATH, readManifest } from '../synth/manifest';
import { PlatformModel } from '../synth/model';
import { recoverInterruptedWrite } from '../synth/writer';

/** How a change is published. */
export interface PublishRequest {
  readonly model: PlatformModel;
  /** The GitOps checkout. */
  readonly dir: string;
  /**
   * Makes the change on the checkout as it is now (called again on the new remote tip after a
   * rejected push), and returns the commit subject.
   */
  readonly apply: () => string;
  readonly operation: Operation;
  readonly promotedBy: string;
  /** @default - nobody */
  readonly approvedBy?: string;
  /** Push to this new branch (for a merge request). @default - the checkout's branch */
  readonly branch?: string;
  /** Replaces the subject line. @default - what `apply` returns */
  readonly message?: string;
  /** @default 'origin' */
  readonly remote?: string;
  /** Commit of the platform program, recorded as a trailer. @default - none */
  readonly programCommit?: string;
  /** The holder of a lock left by a killed command, which this one took over. @default - none */
  readonly takenOver?: LockHolder;
  /** Told in one line what was cleaned up after a killed command. @default - not told */
  readonly onNote?: (line: string) => void;
}

interface PendingLedger {
  readonly path: string;
  readonly text: string;
  /** The file at HEAD when the change was made (undefined: it did not exist). */
  readonly base?: string;
}

/**
 * Commits exactly the owned files that changed, with a message saying which services, rings and
 * Applications changed and trailers that `history` reads back, then pushes. A rejected push is
 * retried on the new remote tip by making the change again; nothing is ever force-pushed.
 *
 * Ledger edits already in the checkout (a `promote` without `--publish`) are carried over:
 * they are set aside, and re-applied on each base unless the remote changed the same ledger.
 */
export async function publishChange(req: PublishRequest): Promise<PublishResult> {
  recoverInterruptedWrite(req.dir);
  const repo = await GitOpsRepository.open(req.dir);
  if (req.takenOver) await removeStaleIndexLock(repo, req.takenOver, req.onNote);
  const prefix = path.relative(repo.root, path.resolve(req.dir)).split(path.sep).join('/');
  const toRepo = (p: string): string => (prefix ? `${prefix}/${p}` : p);
  const fromRepo = (p: string): string => (prefix ? p.slice(prefix.length + 1) : p);
  const owned = (): string[] => [...new Set([...readManifest(req.dir).files.keys(), MANIFEST_PATH, ...req.model.services.map((s) => ledgerFilePath(req.model, s.name))])].map(toRepo);

  const pending = await setAsidePendingLedgers(repo, req, owned(), toRepo, fromRepo);
  let subject = '';
  let trailers: TrailerInput = {};
  let body = '';
  let scope: string[] = [];
  return publish({
    dir: req.dir,
    remote: req.remote,
    ...(req.branch ? { pushBranch: req.branch, ifBranchExists: ExistingBranch.FAIL } : {}),
    paths: () => [...new Set([...scope, ...owned()])],
    apply: async () => {
      scope = owned();
      restorePendingLedgers(req.dir, pending);
      const made = req.apply();
      subject = req.message ?? made;
      const changed = (await repo.changedFiles([...new Set([...scope, ...owned()])])).map(fromRepo);
      const ledgers = readLedgers(req.model, req.dir);
      const summary = summarizeChange(req.model, changed, ledgers, await ledgersAtHead(repo, req.model, ledgers, changed, toRepo));
      body = describeChange(summary);
      trailers = gitopsTrailers({
        operation: req.operation,
        services: summary.services,
        rings: summary.rings,
        digests: summary.digests,
        promotedBy: req.promotedBy,
        ...(req.approvedBy ? { approvedBy: [req.approvedBy] } : {}),
        ...(req.programCommit ? { programCommit: req.programCommit } : {}),
      });
    },
    message: () => (body ? `${subject}\n\n${body}` : subject),
    trailers: () => trailers,
    ...(req.onNote ? { onNote: req.onNote } : {}),
  });
}

/**
 * Removes the `index.lock` a killed command's git left behind: only when this command took over
 * the lock of a cdk8s-gitops command that is gone, and git's lock was made while that command ran.
 */
async function removeStaleIndexLock(repo: GitOpsRepository, holder: LockHolder, onNote?: (line: string) => void): Promise<void> {
  const file = await repo.gitPath('index.lock');
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  const started = Date.parse(holder.started);
  if (!stat?.isFile() || !(stat.mtimeMs >= started - 1000)) return;
  fs.unlinkSync(file);
  onNote?.(`Removed ${path.relative(repo.root, file)} left by the interrupted cdk8s-gitops ${holder.command}.`);
}

async function setAsidePendingLedgers(
  repo: GitOpsRepository, req: PublishRequest, owned: string[], toRepo: (p: string) => string, fromRepo: (p: string) => string,
): Promise<PendingLedger[]> {
  const ledgerPaths = new Set(req.model.services.map((s) => toRepo(ledgerFilePath(req.model, s.name))));
  const changes = await repo.changes(owned);
  if (changes.length === 0) return [];
  const pending: PendingLedger[] = [];
  const checkout = new Checkout(repo.root);
  for (const c of changes) {
    if (!ledgerPaths.has(c.path)) continue;
    const text = checkout.read(c.path);
    if (text === undefined) continue;
    pending.push({ path: fromRepo(c.path), text, base: await repo.show('HEAD', c.path) });
  }
  await repo.discardChanges(owned);
  return pending;
}

/** The changed ledgers as `HEAD` has them, by service; one `HEAD` lacks or cannot read is left out. */
async function ledgersAtHead(
  repo: GitOpsRepository, model: PlatformModel, ledgers: ReadonlyMap<string, LedgerFile>, changed: readonly string[], toRepo: (p: string) => string,
): Promise<Map<string, Ledger>> {
  const out = new Map<string, Ledger>();
  for (const [service, file] of ledgers) {
    if (!changed.includes(file.path)) continue;
    const text = await repo.show('HEAD', toRepo(file.path));
    if (text === undefined) continue;
    try {
      out.set(service, parseLedger(text, file.path, { policies: ringPolicies(model) }));
    } catch (e) {
      if (!(e instanceof GitOpsError)) throw e;
    }
  }
  return out;
}

function restorePendingLedgers(dir: string, pending: readonly PendingLedger[]): void {
  const checkout = new Checkout(dir);
  for (const p of pending) {
    const current = checkout.read(p.path);
    if (current !== p.base && current !== p.text) {
      throw new GitOpsError({
        code: 'CG517', file: p.path,
        message: `The remote changed ${p.path} since the local change to it was made; publishing would lose one of the two.`,
        fix: 'Run the promotion again on an up-to-date checkout (git pull), or use --publish on the promote command so it is re-applied on the new base.',
      });
    }
    checkout.writeFile(p.path, p.text);
  }
}

/** A default merge-request branch: `<operation>/<service>/<ring>/<short digest>`. */
export function releaseBranch(operation: string, service: string, ring: string, digest?: string): string {
  const short = digest ? shortDigest(digest).replace('sha256:', '') : undefined;
  return [operation, service, ring, ...(short ? [short] : [])].join('/');
}
