/**
 * What `promote`, `rollback` and `unhold` do once the program (if any) has run.
 *
 * @module
 */
import { promotedSourceOf } from '../../model/source-kinds';
import { commitDate } from '../environment';
import type { PublishResult } from '../../workspace/git/publish';
import { Operation } from '../../workspace/git/trailers';
import { ledgerFilePath } from '../../release/ledger-files';
import { runRelease, ReleaseOutcome, ReleaseRequest } from '../../workspace/release-operations';
import { Checkout } from '../../workspace/checkout/checkout-fs';
import { writeDeclaredTree } from '../../workspace/removals';
import { unpinnedChartProblems } from '../../workspace/release-continuity';
import { recoverInterruptedWrite } from '../../workspace/checkout/writer';
import { WriteReport } from '../../model/write-report';
import { CommandValues } from '../args';
import { CommandContext, personName } from '../command';
import { withCheckoutLock } from '../locking';
import { addPending, PendingOperation, pendingStore, readPending } from '../../workspace/pending-operations';
import { recordedModel, ReleaseModel } from '../without-program';
import { assertCheckoutOfRepository, remoteOfPublish, assertRingOfRepository } from '../../workspace/checkout-repository';
import { assertChartSourcesKept } from '../../workspace/chart-sources';
import { GitOpsError } from '../../core/errors';
import { PlatformModel } from '../../model/platform-model';
import { releaseKey } from '../../release/release';
import { contentHash } from '../../synth/file-tree';
import type { RollbackChangeAt, RollbackLive } from '../rollback-live';
import { printableJson } from '../terminal-text';
import { RELEASE_OPTIONS } from './arguments';
import { listedNames, printChangedFiles } from '../changed-files';

/** Where a release runs and what the command was given besides its request. */
export interface ReleaseRun {
  /** The checkout. */
  readonly out: string;
  readonly format: 'text' | 'json';
  /**
   * The program's model.
   * @default - none: the tree's release model is read under the checkout's lock
   */
  readonly fromProgram?: ReleaseModel;
  /**
   * The flag a promotion's chart was given with, checked against where the service's chart comes from.
   * @default - none
   */
  readonly chartFlag?: '--chart-revision' | '--chart-version';
}

/**
 * Runs a release request in the checkout, once the program (if any) has handed over its model.
 * Loaded while the program runs.
 */
export async function releaseInCheckout(
  ctx: CommandContext,
  values: CommandValues<typeof RELEASE_OPTIONS>,
  request: ReleaseRequest,
  { out, format, fromProgram, chartFlag }: ReleaseRun,
): Promise<number> {
  if (fromProgram !== undefined)
    assertCheckoutOfRepository(out, fromProgram, remoteOfPublish(values.publish === true ? values.remote : undefined));
  if (fromProgram !== undefined) assertChartSourcesKept(fromProgram.model, out);
  if (fromProgram !== undefined && chartFlag !== undefined) assertChartFlag(fromProgram.model, request.service, chartFlag);
  const by = personName(request.kind, '--by', values.by ?? ctx.actor(out));
  if (request.kind === 'promote' && request.approvedBy !== undefined) {
    request = { ...request, approvedBy: personName(request.kind, '--approved-by', request.approvedBy) };
  }
  const now = ctx.now();
  const clock = ctx.clock();
  const verbose = values.verbose === true;
  return withCheckoutLock(ctx, out, `${request.kind} ${request.service}`, async (takenOver) => {
    const { model, fingerprint, recordedServices } = fromProgram ?? modelFromTree(out, request, values.publish === true, values.repository);
    assertRingOfRepository(request.kind, request.ring, model);
    if (fromProgram === undefined && chartFlag !== undefined) assertChartFlag(model, request.service, chartFlag);
    const recorded = recordedServices === undefined ? {} : { recordedServices };
    const release = (): ReleaseOutcome =>
      runRelease(model, out, request, { by, now, clock }, { modelFingerprint: fingerprint, ...recorded });
    // A promotion's first attempt, when it needed no reading of Argo CD: the checkout has not changed
    // since (the lock is held, nothing was written, nothing awaited), so it is the release itself.
    let attempted: ReleaseOutcome | undefined;
    if (request.kind === 'promote') {
      recoverInterruptedWrite(out);
      const read = await withHealthReading(ctx, model, out, request, () => (attempted = release()));
      if (read !== request) attempted = undefined;
      request = read;
    }
    /** The release: the attempt's outcome when nothing came between, else worked out now. */
    const releaseOnce = (): ReleaseOutcome => {
      const made = attempted ?? release();
      attempted = undefined;
      return made;
    };
    /** Makes the change in the checkout and records it as pending, to be published as an operation of its own. */
    const apply = (branch?: PendingOperation['branch']): { outcome: ReleaseOutcome; report: WriteReport } => {
      recoverInterruptedWrite(out);
      const ledgerPath = ledgerFilePath(model, request.service);
      const before = new Checkout(out).read(ledgerPath) ?? null;
      const outcome = releaseOnce();
      const report = writeDeclaredTree(outcome.model ?? model, outcome.tree, out, {
        restoreMissing: false,
        basis: outcome.basis,
        allow: values['allow-remove'] ?? [],
      });
      const store = outcome.change.changed ? pendingStore(out) : undefined; // none outside a git work tree
      const after = store ? new Checkout(out).read(ledgerPath) : undefined;
      // An operation is its ledger change: one whose ledger the write left as it was would be
      // published as nothing (CG517), so it is never recorded, nor reported as made.
      if (store && after === before) {
        throw new Error(
          `The ${request.kind} changes ${ledgerPath}, but the write left it as it was; no pending operation was recorded. Run \`cdk8s-gitops synth\`, then the ${request.kind} again.`,
        );
      }
      if (store && after !== undefined) {
        addPending(store, {
          request,
          by,
          at: now.toISOString(),
          subject: outcome.change.summary,
          ledger: { path: ledgerPath, before, after },
          ...(report.deleted.length > 0 ? { deleted: report.deleted } : {}),
          ...(branch === undefined ? {} : { branch }),
        });
      }
      return { outcome, report };
    };
    /** For a rollback, what Argo CD runs in the ring (asked after the write: a rollback never waits for it). */
    const liveOf = async (outcome: ReleaseOutcome): Promise<RollbackLive | undefined> =>
      request.kind === 'rollback' && outcome.change.changed
        ? liveState().rollbackLive(model, out, request.service, request.ring, outcome.change.ledger, ctx.env)
        : undefined;
    if (!values.publish) {
      const made = apply();
      print(ctx, { format, verbose }, made.outcome, made.report, model.layout.environments, undefined, await liveOf(made.outcome));
      warnUnpinned(ctx, made.outcome.model ?? model, out);
      return 0;
    }
    // Git and simple-git load only here: a release without --publish does without them (30-40 ms of a
    // promotion that takes about a second on a fleet).
    const { assertCheckoutPublishable, checkedOutBranch, publishChange, releaseBranch } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports, no-restricted-syntax -- see above
      require('../../workspace/publishing') as typeof import('../../workspace/publishing');
    // Check the rules and the pending operations before anything is written, and learn the digest the branch is named after.
    recoverInterruptedWrite(out);
    const dryRun = releaseOnce();
    await assertCheckoutPublishable(model, out, recordedServices);
    // A branch is named after the release: its digest, or for one of named images or with a chart, a hash of all of it.
    const state = dryRun.change.ledger.rings[request.ring];
    const digest =
      state === undefined
        ? undefined
        : state.images === undefined && state.chart === undefined
          ? state.digest
          : `sha256:${contentHash(releaseKey(state))}`;
    const branch =
      values.branch === undefined
        ? undefined
        : values.branch || releaseBranch(request.kind, request.service, request.ring, request.kind === 'unhold' ? undefined : digest);
    // Recorded with the operation: a publish killed on the way is finished on that branch, from the one the checkout is on.
    const from = branch === undefined ? undefined : await checkedOutBranch(out);
    const made = apply(branch === undefined ? undefined : { name: branch, ...(from === undefined ? {} : { from }) });
    const dated = commitDate(ctx.env);
    if (dated.note) ctx.stderr.write(`Note: ${dated.note}\n`);
    let result: Awaited<ReturnType<typeof publishChange>>;
    try {
      result = await publishChange({
        model,
        fingerprint,
        ...recorded,
        dir: out,
        by,
        allowRemove: values['allow-remove'] ?? [],
        clock: { now, clock },
        ...(dated.date ? { commitDate: dated.date } : {}),
        ...(branch !== undefined ? { branch } : {}),
        ...(values.remote ? { remote: values.remote } : {}),
        programCommit: ctx.programCommit(),
        takenOver,
        onNote: (line: string) => ctx.stderr.write(`Note: ${line}\n`),
      });
    } catch (e) {
      if (made.outcome.change.changed && pendingStore(out) !== undefined) {
        ctx.stderr.write(
          `Note: the ${request.kind} is kept in the checkout as a pending operation: \`cdk8s-gitops publish\` publishes it${branch === undefined ? '' : ` to branch ${branch}`}; ` +
            `\`cdk8s-gitops publish --drop-pending\`, then \`git checkout -- ${ledgerFilePath(model, request.service)}\` and \`cdk8s-gitops synth\`, discard it.\n`,
        );
      }
      throw e;
    }
    print(
      ctx,
      { format, verbose, ...(branch === undefined ? {} : { branch }) },
      made.outcome,
      made.report,
      model.layout.environments,
      result,
      await liveOf(made.outcome),
    );
    if (format === 'text') {
      const others = result.commits.filter((c) => c.subject !== made.outcome.change.summary || c.operation === Operation.SYNTH);
      for (const c of others) ctx.stdout.write(`Also published: ${c.sha.slice(0, 12)} ${c.subject}\n`);
      ctx.stdout.write(
        result.pushed
          ? `Pushed ${result.sha.slice(0, 12)} to ${result.branch}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}.\n`
          : 'Nothing to publish.\n',
      );
    }
    warnUnpinned(ctx, made.outcome.model ?? model, out);
    return 0;
  });
}

/**
 * What a release leaves that keeps writes of the program refused (CG152: a team's production
 * ring whose entry still reads the chart at a tag), as warnings: the release itself is the fix,
 * made ring by ring, so it is never refused for it.
 */
function warnUnpinned(ctx: CommandContext, model: PlatformModel, out: string): void {
  for (const p of unpinnedChartProblems(model, out)) {
    ctx.stderr.write(`Warning: synth and check refuse this until it is fixed (${p.code}): ${p.message} Fix: ${p.fix}\n`);
  }
}

/**
 * What release commands ask of Argo CD (a health gate's reading, what a rollback finds running),
 * loaded only when a command asks: a promotion without a health gate does without the client.
 */
function liveState(): typeof import('../health-gate') & typeof import('../rollback-live') {
  return {
    // eslint-disable-next-line @typescript-eslint/no-require-imports, no-restricted-syntax -- see above
    ...(require('../health-gate') as typeof import('../health-gate')),
    // eslint-disable-next-line @typescript-eslint/no-require-imports, no-restricted-syntax -- see above
    ...(require('../rollback-live') as typeof import('../rollback-live')),
  };
}

/**
 * The promotion with what Argo CD reports of the ring before, when the ring it goes into has a
 * health gate and nothing else refuses it (`attempt` runs the rules without the reading): Argo CD
 * is asked only then. Refusals other than the missing reading are thrown as they are.
 */
async function withHealthReading(
  ctx: CommandContext,
  model: PlatformModel,
  out: string,
  request: Extract<ReleaseRequest, { kind: 'promote' }>,
  attempt: () => unknown,
): Promise<ReleaseRequest> {
  try {
    attempt();
    return request;
  } catch (e) {
    if (!(e instanceof GitOpsError) || !e.problems.some((p) => p.code === 'CG620')) throw e;
    const others = e.problems.filter((p) => p.code !== 'CG620');
    if (others.length > 0) throw new GitOpsError(others);
  }
  const gate = await liveState().healthGateReading(model, out, request.service, request.ring, ctx.env);
  if (gate === undefined) return request;
  if (gate.note !== undefined) ctx.stderr.write(`Note: ${gate.note}\n`);
  return { ...request, upstreamHealthy: gate.reading };
}

/**
 * The model of a release without the program, read from the checkout's release model: the
 * request's service, and with `publish` the services of the pending operations published with it.
 */
function modelFromTree(out: string, request: ReleaseRequest, publish: boolean, repository: string | undefined): ReleaseModel {
  recoverInterruptedWrite(out); // the release model as an interrupted write left it
  const store = publish ? pendingStore(out) : undefined;
  const pending = store ? readPending(store).map((op) => op.request.service) : [];
  return recordedModel(request.kind, out, [...new Set([request.service, ...pending])], repository);
}

function print(
  ctx: CommandContext,
  {
    format,
    verbose,
    branch,
  }: {
    readonly format: 'text' | 'json';
    readonly verbose: boolean;
    /** The branch of its own a published change went to, for a merge request. */
    readonly branch?: string;
  },
  o: ReleaseOutcome,
  r: WriteReport,
  environments: string,
  published?: PublishResult,
  live?: RollbackLive,
): void {
  const files = [...r.created, ...r.updated, ...r.deleted];
  if (format === 'json') {
    // What Argo CD says (a rollback's reading) reaches the terminal inert.
    ctx.stdout.write(
      `${printableJson({
        ...o.request,
        changed: o.change.changed,
        summary: o.change.summary,
        applications: o.applications,
        created: r.created,
        updated: r.updated,
        deleted: r.deleted,
        filesWritten: r.filesWritten,
        ...(published ? { published } : {}),
        ...(o.notes.length > 0 ? { notes: o.notes } : {}),
        ...(live === undefined ? {} : { argoCd: live }),
      })}\n`,
    );
    return;
  }
  for (const note of o.notes) ctx.stderr.write(`Note: ${note}\n`);
  ctx.stdout.write(`${o.change.summary}\n`);
  printChangedFiles(ctx, r, verbose);
  if (files.length === 0) ctx.stdout.write('No files changed.\n');
  else if (files.some((f) => f.startsWith(`${environments}/`))) ctx.stdout.write(`Applications: ${listedNames(o.applications, verbose)}\n`);
  if (live !== undefined) {
    const { rollbackLiveNote, rollbackLiveText } = liveState();
    const at: RollbackChangeAt =
      published === undefined
        ? { kind: 'checkout' }
        : branch === undefined
          ? { kind: 'pushed' }
          : { kind: 'branch', branch: published.branch };
    for (const line of rollbackLiveText(live, o.request.service, o.request.ring, at)) ctx.stdout.write(`${line}\n`);
    const note = rollbackLiveNote(live, o.request.ring);
    if (note !== undefined) ctx.stderr.write(`Note: ${note}\n`);
  }
}

/**
 * CG618 when a chart revision was given with the flag of the other kind of chart source:
 * `--chart-revision` names a Git revision, `--chart-version` a Helm or OCI chart version.
 */
function assertChartFlag(model: PlatformModel, service: string, flag: '--chart-revision' | '--chart-version'): void {
  const s = model.services.find((x) => x.name === service);
  const promoted = s === undefined ? undefined : promotedSourceOf(s);
  if (s === undefined || promoted === undefined) return; // the release rules say why
  const inGit = promoted.inGit;
  if (inGit === (flag === '--chart-revision')) return;
  const from =
    s.source.kind === 'kustomize'
      ? 'its Kustomize base from a Git repository'
      : `its chart from ${inGit ? 'a Git repository' : s.source.kind === 'helm' && s.source.origin === 'oci' ? 'an OCI registry' : 'a Helm repository'}`;
  throw GitOpsError.of('CG618', {
    message: `${service} reads ${from}, which is pinned by ${inGit ? 'a revision' : 'a version'}; received ${flag}.`,
    fix: inGit
      ? 'Pass --chart-revision with the full commit SHA of the chart, or its release tag (v1.4.2).'
      : 'Pass --chart-version with the exact chart version, e.g. 1.4.2.',
  });
}
