import { ReleaseRequest } from '../../workspace/release-operations';
import { CommandValues, parseCommandArgs } from '../args';
import { Command, CommandContext, usageError } from '../command';
import { commitText } from '../commit-text';
import { NO_PROGRAM_HELP, withoutProgram } from '../without-program';
import { checkoutDir } from '../out-dir';
import { runProgram } from '../../workspace/program/run';
import { GitOpsError } from '../../core/errors';
import { shortDigest } from '../../model/versions';
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
  --verbose      list every file changed and every Application (else 50 of each), and
                 every problem in full
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
  // The program runs in a process of its own, started first: then what reads and parses the
  // manifest meanwhile is loaded, and what makes the release.
  if (running !== undefined) {
    const { CheckoutPrefetch } = await import('../../workspace/checkout/prefetch');
    CheckoutPrefetch.start(out, running, false);
  }
  const [{ releaseInCheckout }, fromProgram] = await Promise.all([import('./release-run'), running]);
  return releaseInCheckout(ctx, values, request, {
    out,
    format,
    ...(fromProgram ? { fromProgram } : {}),
    ...(chartFlag ? { chartFlag } : {}),
  });
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
    const reason = commitText(
      'rollback',
      '--reason',
      required('rollback', values.reason, '--reason', '--reason "error rate up after deploy"'),
    );
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
