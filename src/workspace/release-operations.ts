import { GitOpsError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { BuildTreeOptions, modelFingerprint, serviceTree, treeFromLedgers, treeInputs } from '../synth/build';
import { recordsInputs } from '../synth/manifest';
import { readManifest } from './checkout/manifest-io';
import { FileTree } from '../synth/file-tree';
import { PlatformModel } from '../model/platform-model';
import { applicationName } from '../model/placement';
import { LedgerFile, ledgerFilePath, ledgerText, parseLedgerTexts } from '../release/ledger-files';
import { ringPolicies } from '../model/versions';
import { readLedgerTexts } from './ledgers';
import { CheckoutGates, gateRings, soakUntil, takesEffect } from './checkout-gates';
import { arrivalOf } from '../release/gates';
import { LedgerChange, promote, PromoteOptions, rollback, unhold } from '../release/rules';
import { Ledger } from '../release/types';

/** A change to what a ring runs. */
export type ReleaseRequest =
  | {
      readonly kind: 'promote';
      readonly service: string;
      readonly ring: string;
      /** The digest to promote. @default - what `fromRing` runs */
      readonly digest?: string;
      /** Promote what this ring runs. @default - `digest` is required */
      readonly fromRing?: string;
      /** Who approved it. @default - nobody */
      readonly approvedBy?: string;
    }
  | {
      readonly kind: 'rollback';
      readonly service: string;
      readonly ring: string;
      /** The digest to go back to. @default - `previous` */
      readonly to?: string;
      /** Go back to the release before the current one. @default false */
      readonly previous?: boolean;
      readonly reason: string;
    }
  | { readonly kind: 'unhold'; readonly service: string; readonly ring: string };

/** Who asks, and when. */
export interface ReleaseContext {
  readonly by: string;
  /** The time recorded in the ledger (`CDK8S_GITOPS_NOW` sets it in the CLI). */
  readonly now: Date;
  /**
   * The system clock: `now` may be earlier (set back for a reproducible run), never later, and
   * soaks are measured up to the earlier of the two.
   * @default - `now`
   */
  readonly clock?: Date;
}

/** What a release operation did. */
export interface ReleaseOutcome {
  readonly request: ReleaseRequest;
  readonly change: LedgerChange;
  /** The service's ledger before the change (undefined when it had none). */
  readonly before?: Ledger;
  /** The tree after the change: the whole repository, or only the part the change touches (see `FileTree.part`). */
  readonly tree: FileTree;
  /** Applications (names) of the ring's targets, which the change moves. */
  readonly applications: readonly string[];
  /**
   * What the user should know: when a ring whose sync windows are closed takes the change, or
   * that soak times came from the ledger because the checkout is not in Git.
   */
  readonly notes: readonly string[];
}

/**
 * Applies a release request to the ledgers of the checkout `dir` and returns the new tree.
 * Pure but for reading the checkout; the caller writes the tree (only the changed files are
 * rendered and written, so a promotion touches one ring's values files and the ledger). When
 * the checkout was written from the same model and ledgers, the tree holds only the service's
 * part of the repository.
 */
export function runRelease(
  model: PlatformModel,
  dir: string,
  request: ReleaseRequest,
  ctx: ReleaseContext,
  options: BuildTreeOptions = {},
): ReleaseOutcome {
  const service = model.services.find((s) => s.name === request.service);
  if (!service) {
    const known = model.services.map((s) => s.name);
    throw GitOpsError.of('CG306', {
      message: `The program has no service "${request.service}"; it has ${known.length ? known.join(', ') : 'none'}.${didYouMean(request.service, known)}`,
    });
  }
  const texts = readLedgerTexts(model, dir);
  const ledgers = parseLedgerTexts(model, texts);
  const existing = ledgers.get(service.name);
  const before = existing?.ledger;
  const ledger: Ledger = before ?? { service: service.name, rings: {} };
  const rings = gateRings(model, service.name);
  const policy = ringPolicies(model)[request.ring];
  const apply = (times: Pick<PromoteOptions, 'upstreamArrival' | 'soakUntil'>): LedgerChange =>
    request.kind === 'promote'
      ? promote(ledger, rings, {
          ring: request.ring,
          digest: request.digest,
          fromRing: request.fromRing,
          approvedBy: request.approvedBy,
          by: ctx.by,
          now: ctx.now,
          policy,
          ...times,
        })
      : request.kind === 'rollback'
        ? rollback(ledger, rings, {
            ring: request.ring,
            to: request.to,
            previous: request.previous,
            reason: request.reason,
            by: ctx.by,
            now: ctx.now,
            policy,
          })
        : unhold(ledger, { ring: request.ring, by: ctx.by, now: ctx.now });
  // Refusals that do not depend on when things happened come first, before Git is read.
  try {
    apply({});
  } catch (e) {
    // A refusal that names the soak is made again below, with the times from Git.
    if (!(e instanceof GitOpsError) || !e.problems.some((p) => p.code === 'CG602')) throw e;
  }
  // Hand edits anywhere in the checkout are refused before a change is built on them.
  const gates = CheckoutGates.open(model, dir, ctx);
  gates.assertLedgers(texts);
  const path = ledgerFilePath(model, service.name);
  const onDisk = existing === undefined || existing.initial ? undefined : existing.text;
  const index = rings.findIndex((r) => r.name === request.ring);
  const upstream = index > 0 && Object.hasOwn(ledger.rings, rings[index - 1].name) ? rings[index - 1].name : undefined;
  const history = gates.inGit && upstream !== undefined ? gates.context(path, onDisk).history : undefined;
  const upstreamArrival = upstream === undefined ? undefined : arrivalOf(ledger, upstream, ledger.rings[upstream].digest, history);
  const change = apply({ ...(upstreamArrival ? { upstreamArrival } : {}), soakUntil: soakUntil(ctx) });
  if (change.changed) {
    // The ledger the change makes must pass the ring rules as any other ledger does.
    const problems = gates.problemsOf(service.name, path, onDisk, change.ledger);
    if (problems.length > 0) throw new GitOpsError(problems);
  }
  const notes: string[] = [];
  if (change.changed && request.kind !== 'unhold') {
    const effect = takesEffect(rings, request.ring, soakUntil(ctx), change.ledger.rings[request.ring]?.digest);
    if (effect !== undefined) notes.push(effect);
  }
  if (request.kind === 'promote' && !gates.inGit && (rings[index]?.gates.soakSeconds ?? 0) > 0 && gates.note !== undefined)
    notes.push(gates.note);
  const next = new Map<string, LedgerFile>(ledgers);
  if (change.changed || existing?.initial) {
    next.set(service.name, {
      path: ledgerFilePath(model, service.name),
      ledger: change.ledger,
      text: ledgerText(model, change.ledger),
      initial: false,
    });
  }
  const ring = model.rings.find((r) => r.name === request.ring);
  const targets = new Set(ring?.targets ?? []);
  const applications = model.targets
    .filter((t) => t.service === service.name && targets.has(t.id))
    .map(applicationName)
    .sort();
  // A checkout written from this model and these ledgers changes only where the service's
  // ledger shows; any other checkout is brought up to the program as a whole.
  const fingerprint = options.modelFingerprint ?? modelFingerprint(model);
  const inputs = treeInputs(fingerprint);
  const tree = recordsInputs(readManifest(dir), inputs, ledgers.values())
    ? serviceTree(model, next, service.name, inputs, { modelFingerprint: fingerprint })
    : treeFromLedgers(model, next, { modelFingerprint: fingerprint });
  return { request, change, before, tree, applications, notes };
}
