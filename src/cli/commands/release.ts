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
import { CommandValues, parseCommandArgs } from '../args';
import { Command, CommandContext, personName, usageError } from '../command';
import { withCheckoutLock } from '../locking';
import { addPending, pendingStore, readPending } from '../../workspace/pending-operations';
import { NO_PROGRAM_HELP, recordedModel, ReleaseModel, withoutProgram } from '../without-program';
import { checkoutDir } from '../out-dir';
import { assertCheckoutOfRepository, assertRingOfRepository } from '../../workspace/checkout-repository';
import { runProgram } from '../../workspace/program/run';
import { CheckoutPrefetch } from '../../workspace/checkout/prefetch';
import { GitOpsError } from '../../core/errors';
import { PlatformModel } from '../../model/platform-model';
import { shortDigest } from '../../model/versions';
import { releaseKey } from '../../release/release';
import { contentHash } from '../../synth/file-tree';
import type { RollbackLive } from '../rollback-live';
import { printableJson } from '../terminal-text';
import { ARGUMENTS, RELEASE_OPTIONS } from './arguments';
import { SUMMARIES } from './summaries';

const COMMON_HELP = `  --app CMD      command that runs the program (default: "app" in cdk8s.yaml; with
                 neither, what the program decides is read from the checkout, see
                 --no-program)
${NO_PROGRAM_HELP}
  --timeout T    how long the program may run: seconds or a duration such as 90s, 5m,
                 1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
                 stopped with every process it started and the command fails
  --out DIR      the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
                 the GitOps repository, of a platform that writes several (default:
                 the platform's; without --out, its checkout from gitops.repositories)
  --by NAME      who does it (default: CI user variables, else git user.name, else $USER)
  --publish      commit the change in the checkout and push it (with any operations
                 still pending in the checkout, each as a commit of its own). Without
                 it the change stays in the checkout as a pending operation, which a
                 later \`publish\` commits under its own subject, operation and author
  --branch [NAME] with --publish: push to a new branch for a merge request
                 (default name: <command>/<service>/<ring>[/<short digest>])
  --remote NAME  with --publish: the remote to push to (default: origin)
  --allow-remove APP
                 let this write delete the Application APP (a name, or a glob with * and ?)
                 although the program does not declare it removed; repeatable
  --format       text (default) or json`;

/**
 * Runs a release request in the checkout. `chartFlag` is the flag a promotion's chart revision
 * was given with, checked against where the service's chart comes from.
 */
async function release(
  ctx: CommandContext,
  values: CommandValues<typeof RELEASE_OPTIONS>,
  request: ReleaseRequest,
  chartFlag?: '--chart-revision' | '--chart-version',
): Promise<number> {
  const out = checkoutDir(ctx, request.kind, values.out, 'existing', values.repository);
  if (values.branch !== undefined && !values.publish) {
    throw usageError(request.kind, 'takes --branch only with --publish.', 'Add --publish, or drop --branch.');
  }
  const format = ctx.format(values.format, ['text', 'json']);
  // With the program, it runs before the lock is taken; without it, the tree's release model is read under the lock.
  const running = withoutProgram(request.kind, values, ctx) ? undefined : runProgram(request.kind, values, ctx);
  // The program runs in a process of its own: meanwhile the manifest is read and parsed.
  if (running !== undefined) CheckoutPrefetch.start(out, running, false);
  const fromProgram: ReleaseModel | undefined = running === undefined ? undefined : await running;
  if (fromProgram !== undefined) assertCheckoutOfRepository(out, fromProgram);
  if (fromProgram !== undefined && chartFlag !== undefined) assertChartFlag(fromProgram.model, request.service, chartFlag);
  const by = personName(request.kind, '--by', values.by ?? ctx.actor(out));
  if (request.kind === 'promote' && request.approvedBy !== undefined) {
    request = { ...request, approvedBy: personName(request.kind, '--approved-by', request.approvedBy) };
  }
  const now = ctx.now();
  const clock = ctx.clock();
  return withCheckoutLock(ctx, out, `${request.kind} ${request.service}`, async (takenOver) => {
    const { model, fingerprint, recordedServices } = fromProgram ?? modelFromTree(out, request, values.publish === true, values.repository);
    assertRingOfRepository(request.kind, request.ring, model);
    if (fromProgram === undefined && chartFlag !== undefined) assertChartFlag(model, request.service, chartFlag);
    const recorded = recordedServices === undefined ? {} : { recordedServices };
    if (request.kind === 'promote') {
      recoverInterruptedWrite(out);
      request = await withHealthReading(ctx, model, out, request, () =>
        runRelease(model, out, request, { by, now, clock }, { modelFingerprint: fingerprint, ...recorded }),
      );
    }
    /** Makes the change in the checkout and records it as pending, to be published as an operation of its own. */
    const apply = (): { outcome: ReleaseOutcome; report: WriteReport } => {
      recoverInterruptedWrite(out);
      const ledgerPath = ledgerFilePath(model, request.service);
      const before = new Checkout(out).read(ledgerPath) ?? null;
      const outcome = runRelease(model, out, request, { by, now, clock }, { modelFingerprint: fingerprint, ...recorded });
      const report = writeDeclaredTree(outcome.model ?? model, outcome.tree, out, {
        restoreMissing: false,
        basis: outcome.basis,
        allow: values['allow-remove'] ?? [],
      });
      const store = outcome.change.changed ? pendingStore(out) : undefined; // none outside a git work tree
      const after = store ? new Checkout(out).read(ledgerPath) : undefined;
      if (store && after !== undefined) {
        addPending(store, {
          request,
          by,
          at: now.toISOString(),
          subject: outcome.change.summary,
          ledger: { path: ledgerPath, before, after },
          ...(report.deleted.length > 0 ? { deleted: report.deleted } : {}),
        });
      }
      return { outcome, report };
    };
    /** For a rollback, what Argo CD runs in the ring (asked after the write: a rollback never waits for it). */
    const liveOf = async (outcome: ReleaseOutcome): Promise<RollbackLive | undefined> =>
      request.kind === 'rollback' && outcome.change.changed
        ? liveState().rollbackLive(model, out, request.service, request.ring, ctx.env)
        : undefined;
    if (!values.publish) {
      const made = apply();
      print(ctx, format, made.outcome, made.report, model.layout.environments, undefined, await liveOf(made.outcome));
      warnUnpinned(ctx, made.outcome.model ?? model, out);
      return 0;
    }
    // Git and simple-git load only here: a release without --publish does without them (30-40 ms of a
    // promotion that takes about a second on a fleet).
    const { assertCheckoutPublishable, publishChange, releaseBranch } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports, no-restricted-syntax -- see above
      require('../../workspace/publishing') as typeof import('../../workspace/publishing');
    // Check the rules and the pending operations before anything is written, and learn the digest the branch is named after.
    recoverInterruptedWrite(out);
    const dryRun = runRelease(model, out, request, { by, now, clock }, { modelFingerprint: fingerprint, ...recorded });
    await assertCheckoutPublishable(model, out, recordedServices);
    // A branch is named after the release: its digest, or for one of named images or with a chart, a hash of all of it.
    const state = dryRun.change.ledger.rings[request.ring];
    const digest =
      state === undefined
        ? undefined
        : state.images === undefined && state.chart === undefined
          ? state.digest
          : `sha256:${contentHash(releaseKey(state))}`;
    const made = apply();
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
        ...(values.branch !== undefined
          ? {
              branch:
                values.branch || releaseBranch(request.kind, request.service, request.ring, request.kind === 'unhold' ? undefined : digest),
            }
          : {}),
        ...(values.remote ? { remote: values.remote } : {}),
        programCommit: ctx.programCommit(),
        takenOver,
        onNote: (line: string) => ctx.stderr.write(`Note: ${line}\n`),
      });
    } catch (e) {
      if (made.outcome.change.changed && pendingStore(out) !== undefined) {
        ctx.stderr.write(
          `Note: the ${request.kind} is kept in the checkout as a pending operation: \`cdk8s-gitops publish\` publishes it; ` +
            `\`cdk8s-gitops publish --drop-pending\`, then \`git checkout -- ${ledgerFilePath(model, request.service)}\` and \`cdk8s-gitops synth\`, discard it.\n`,
        );
      }
      throw e;
    }
    print(ctx, format, made.outcome, made.report, model.layout.environments, result, await liveOf(made.outcome));
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
  format: 'text' | 'json',
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
  for (const p of r.created) ctx.stdout.write(`${ctx.style('[+]')} ${p}\n`);
  for (const p of r.updated) ctx.stdout.write(`${ctx.style('[~]')} ${p}\n`);
  for (const p of r.deleted) ctx.stdout.write(`${ctx.style('[-]')} ${p}\n`);
  if (files.length === 0) ctx.stdout.write('No files changed.\n');
  else if (files.some((f) => f.startsWith(`${environments}/`))) ctx.stdout.write(`Applications: ${o.applications.join(', ')}\n`);
  if (live !== undefined) {
    const { rollbackLiveNote, rollbackLiveText } = liveState();
    for (const line of rollbackLiveText(live, o.request.service, o.request.ring)) ctx.stdout.write(`${line}\n`);
    const note = rollbackLiveNote(live, o.request.ring);
    if (note !== undefined) ctx.stderr.write(`Note: ${note}\n`);
  }
}

export const promoteCommand: Command = {
  name: 'promote',
  summary: SUMMARIES.promote,
  usage: ARGUMENTS.promote.usage,
  help: `Records in the service's release ledger that RING now runs the release, and rewrites
only that ring's files (values files, release files of a promoted chart; for a
rendered service: the image of its objects). A release is the image digest (one per
image, for a service with named images) and, for a service whose chart is promoted
with it (promoted: true), the chart revision. The
first ring takes any release; a later ring takes only the release the ring before it
runs, after that ring's soak time (from the commit that recorded the release there,
counting only time its sync windows were open), never while it is held, and with
--approved-by (someone other than --by, one of the ring's approvers) where the ring
requires approval. CDK8S_GITOPS_NOW may set the time back, never forward.

Options:
  --ring RING           the ring to promote into
  --digest D            the image digest, sha256:<64 hex> (default: what the ring
                        takes from: the ring before, or into the first ring its own)
  --digest IMAGE=D      for a service with named images, the digest of one image;
                        repeat it for several. An image not named keeps its digest
                        (as above: the ring before's, or into the first ring its own)
  --chart-revision R    a promoted chart in Git: the full commit SHA, or a tag v1.4.2
                        where the ring takes tags (requireDigest: false)
  --chart-version V     a promoted chart in a Helm or OCI repository: the exact version
                        (default for both: the chart of the ring before, or into the
                        first ring the chart it runs)
  --from RING           promote what RING (the ring before) runs: images and chart
  --approved-by NAME    who approved it
${COMMON_HELP}

Example:
  cdk8s-gitops promote payments-api --ring nonprod --digest sha256:2e8f1a31…
  cdk8s-gitops promote payments-api --ring nonprod --digest sha256:2e8f1a31… --chart-revision 3f2a9c01…(40 hex)
  cdk8s-gitops promote orders --ring nonprod --digest api=sha256:2e8f1a31… --digest worker=sha256:9c0d4b7e…
  cdk8s-gitops promote payments-api --ring prod --from prod-canary --approved-by alice`,
  run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('promote', argv, ARGUMENTS.promote.options, ARGUMENTS.promote.positionals);
    const service = oneService('promote', positionals);
    const ring = required('promote', values.ring, '--ring', '--ring nonprod');
    const revision = values['chart-revision'];
    const version = values['chart-version'];
    if (revision !== undefined && version !== undefined) {
      throw usageError(
        'promote',
        'takes --chart-revision or --chart-version, not both.',
        'Pass --chart-revision for a chart in Git, --chart-version for a chart in a Helm or OCI repository.',
      );
    }
    const chart = revision ?? version;
    if (values.digest === undefined && values.from === undefined && chart === undefined) {
      throw usageError('promote', 'needs --digest or --from.', 'Pass --digest sha256:<64 hex>, or --from <the ring before>.');
    }
    const { digest, images } = digestFlags(service, values.digest ?? []);
    return release(
      ctx,
      values,
      {
        kind: 'promote',
        service,
        ring,
        digest,
        ...(images === undefined ? {} : { images }),
        ...(chart === undefined ? {} : { chart }),
        fromRing: values.from,
        approvedBy: values['approved-by'],
      },
      chart === undefined ? undefined : revision !== undefined ? '--chart-revision' : '--chart-version',
    );
  },
};

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: SUMMARIES.rollback,
  usage: ARGUMENTS.rollback.usage,
  help: `Puts a digest from the ring's own history back and holds the ring, so that neither
promotions nor automation override the rollback until someone runs \`unhold\`.

Options:
  --ring RING     the ring to roll back
  --previous      go back to the release before the current one
  --to D          go back to this digest (one from the ring's history); for a
                  service with named images, the newest release in which an image
                  ran it, or with IMAGE=D in which that image did
  --keep-chart    for a promoted chart: put back only the image, keeping the chart
                  the ring runs (a release recorded before the chart was pinned
                  needs it: its chart revision has moved since)
  --reason TEXT   why; kept on the hold
${COMMON_HELP}

Example:
  cdk8s-gitops rollback payments-api --ring prod --previous --reason "p99 latency doubled"`,
  run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('rollback', argv, ARGUMENTS.rollback.options, ARGUMENTS.rollback.positionals);
    const service = oneService('rollback', positionals);
    const ring = required('rollback', values.ring, '--ring', '--ring prod');
    const reason = required('rollback', values.reason, '--reason', '--reason "error rate up after deploy"');
    if ((values.to === undefined) === (values.previous !== true)) {
      throw usageError(
        'rollback',
        'needs exactly one of --previous and --to.',
        "Pass --previous, or --to <digest from the ring's history>.",
      );
    }
    return release(ctx, values, {
      kind: 'rollback',
      service,
      ring,
      to: values.to,
      previous: values.previous === true,
      ...(values['keep-chart'] === true ? { keepChart: true } : {}),
      reason,
    });
  },
};

export const unholdCommand: Command = {
  name: 'unhold',
  summary: SUMMARIES.unhold,
  usage: ARGUMENTS.unhold.usage,
  help: `Lifts a ring's hold, so that promotions into it are accepted again.

Options:
  --ring RING   the held ring
${COMMON_HELP}

Example:
  cdk8s-gitops unhold payments-api --ring prod`,
  run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('unhold', argv, ARGUMENTS.unhold.options, ARGUMENTS.unhold.positionals);
    const service = oneService('unhold', positionals);
    const ring = required('unhold', values.ring, '--ring', '--ring prod');
    return release(ctx, values, { kind: 'unhold', service, ring });
  },
};

function oneService(command: string, positionals: string[]): string {
  if (positionals.length !== 1) {
    throw usageError(
      command,
      `takes one service name; received ${positionals.length === 0 ? 'none' : positionals.map((p) => `"${p}"`).join(' ')}.`,
      `Run e.g. \`cdk8s-gitops ${command} payments-api --ring nonprod …\`.`,
    );
  }
  return positionals[0];
}

function required(command: string, value: string | undefined, flag: string, example: string): string {
  if (value === undefined || value.trim() === '') throw usageError(command, `needs ${flag}.`, `Pass ${example}.`);
  return value;
}

/**
 * The `--digest` options of a promotion: one digest without a name (a service with one image),
 * or `<image>=<digest>` per named image. Two digests without a name, or one image named twice,
 * are refused (CG619); whether the names fit the service's images is for the release rules,
 * which know them.
 */
function digestFlags(service: string, given: readonly string[]): { digest?: string; images?: Record<string, string> } {
  let digest: string | undefined;
  const images: Record<string, string> = {};
  for (const value of given) {
    const at = value.indexOf('=');
    if (at < 0) {
      if (digest !== undefined) {
        throw GitOpsError.of('CG619', {
          message: `promote ${service} received two digests without an image name: --digest ${shortDigest(digest)} and --digest ${shortDigest(value)}.`,
          fix: 'Pass one --digest sha256:… for a service with one image; for a service with named images, name each: --digest <image>=sha256:….',
        });
      }
      digest = value;
      continue;
    }
    const name = value.slice(0, at);
    const version = value.slice(at + 1);
    if (name === '' || version === '') {
      throw usageError(
        'promote',
        `takes --digest <image>=<digest> with both parts; received --digest ${JSON.stringify(value)}.`,
        'Pass --digest api=sha256:<64 hex>.',
      );
    }
    if (Object.hasOwn(images, name)) {
      throw GitOpsError.of('CG619', {
        message: `promote ${service} names image "${name}" twice: --digest ${name}=${shortDigest(images[name])} and --digest ${name}=${shortDigest(version)}.`,
        fix: `Pass --digest ${name}=sha256:… once.`,
      });
    }
    images[name] = version;
  }
  return { ...(digest === undefined ? {} : { digest }), ...(Object.keys(images).length === 0 ? {} : { images }) };
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
