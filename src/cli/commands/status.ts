import { applicationName } from '../../model/placement';
import { readLedgers } from '../../workspace/ledgers';
import { assertCheckoutReadable } from '../../workspace/checkout/lock';
import { explainTarget, formatExplanation, selectTargets } from '../../synth/explain';
import { formatStatus, StatusReport, statusOf } from '../../synth/status';
import type { PlatformModel } from '../../model/platform-model';
import { parseCommandArgs } from '../args';
import { Command, CommandContext, usageError } from '../command';
import { GitOpsError } from '../../core/errors';
import { assertCheckoutLedgers } from '../../workspace/checkout-gates';
import { checkoutDir } from '../out-dir';
import { describeFilter, FILTER_HELP, isEmptyFilter, selectsTarget, TargetFilter, targetFilter } from '../filters';
import { loadModelOfCheckout } from '../../workspace/checkout-repository';
import { NO_PROGRAM_HELP, recordedModel, withoutProgram } from '../without-program';
import { ARGUMENTS } from './arguments';
import { SUMMARIES } from './summaries';

export const statusCommand: Command = {
  name: 'status',
  summary: SUMMARIES.status,
  usage: ARGUMENTS.status.usage,
  help: `Reads the release ledgers of the checkout DIR and prints, for each service and ring (in
the program's ring order), the digest it runs, since when, who put it there, from which ring,
who approved it and any hold. A ring without a digest shows — : its targets are not in the
tree yet. Nothing is written; STATUS.md in the tree holds the same table. A service named
(status orders-api, or --service) and the other filters narrow it: --env and --ring to the
rings with targets there, --targets and --live to the targets they select.

Options:
${FILTER_HELP}
  --app CMD      command that runs the program (default: "app" in cdk8s.yaml)
${NO_PROGRAM_HELP}
  --timeout T    how long the program may run: seconds or a duration such as 90s, 5m,
                 1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
                 stopped with every process it started and the command fails
  --out DIR      the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
                 the GitOps repository, of a platform that writes several (default:
                 the platform's; without --out, its checkout from gitops.repositories)
  --targets      one row per target: Application, ring, digest, values file
  --live         one row per target of a control plane reconciled by Argo CD, as its Argo CD
                 reports it: sync, health and since when, the images running, and a verdict
                 (running, syncing, degraded, drifted, missing); exit code 2 when any is not
                 running. Argo CD is reached as the argocd CLI reaches it: ARGOCD_SERVER
                 (host[:port]) and ARGOCD_AUTH_TOKEN, or ARGOCD_SERVER_<CONTROL PLANE> and
                 ARGOCD_AUTH_TOKEN_<CONTROL PLANE> for each (upper case, "-" as "_"; both);
                 ARGOCD_CA_FILE for a CA of its own, ARGOCD_INSECURE=true to skip TLS
                 verification, ARGOCD_PLAINTEXT=true for plain HTTP
  --format       text (default) or json

Example:
  cdk8s-gitops status --out ../platform-gitops
  cdk8s-gitops status --targets`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('status', argv, ARGUMENTS.status.options, ARGUMENTS.status.positionals);
    if (positionals.length > 1 || (positionals.length === 1 && values.service !== undefined && values.service !== positionals[0])) {
      throw usageError(
        'status',
        `takes at most one service; received ${[...positionals, ...(values.service === undefined ? [] : [values.service])].map((p) => `"${p}"`).join(' ')}.`,
        'Run e.g. `cdk8s-gitops status orders-api`.',
      );
    }
    const format = ctx.format(values.format, ['text', 'json']);
    const out = checkoutDir(ctx, 'status', values.out, 'existing', values.repository);
    assertCheckoutReadable(out);
    // Without the program, every service's file of the release model the checkout holds.
    const model = withoutProgram('status', values, ctx)
      ? recordedModel('status', out, 'all', values.repository).model
      : await loadModelOfCheckout('status', out, values, ctx);
    const filter = targetFilter('status', model, { ...values, service: values.service ?? positionals[0] });
    const whole = statusOf(model, readLedgers(model, out));
    const report = isEmptyFilter(filter) ? whole : filtered(model, whole, filter);
    if (values.live === true) {
      // The Argo CD client loads only for --live.
      // eslint-disable-next-line @typescript-eslint/no-require-imports, no-restricted-syntax -- see above
      const { liveStatus } = require('../live-status') as typeof import('../live-status');
      return liveStatus(model, report, out, format, ctx);
    }
    ctx.stdout.write(formatStatus(report, format, { targets: values.targets === true }));
    // What a ledger says runs is what runs only while the ring rules accept it: say so when they do not.
    for (const line of refusedLedgerEntries(model, out, ctx)) ctx.stderr.write(`${line}\n`);
    // A filter that names only known things may still select nothing (a team whose services run elsewhere).
    if (format === 'text' && !isEmptyFilter(filter) && report.services.length === 0) {
      ctx.stderr.write(`Note: ${describeFilter(filter)} selects no service and no target.\n`);
    }
    return 0;
  },
};

/**
 * Warning lines for ledger entries the ring rules refuse (a hand edit): status shows what the
 * ledgers say, which synth, publish and check refuse to write or call clean; none when they accept every entry.
 */
function refusedLedgerEntries(model: PlatformModel, out: string, ctx: CommandContext): string[] {
  try {
    assertCheckoutLedgers(model, out, { now: ctx.now(), clock: ctx.clock() });
    return [];
  } catch (e) {
    if (!(e instanceof GitOpsError)) throw e;
    // The ring rules' findings (CG6xx) and the ledgers' own (CG2xx); anything else is for the commands that write to say.
    const refused = e.problems.filter((p) => p.code.startsWith('CG6') || p.code.startsWith('CG2'));
    if (refused.length === 0) return [];
    return [
      'Warning: the ledgers hold entries the ring rules refuse, so what they say above may not be what runs; synth, publish and check refuse them:',
      ...refused.map(
        (p) => `  ${p.file === undefined ? '' : `[${p.file}] `}${p.code} ${p.message}${p.fix === undefined ? '' : ` Fix: ${p.fix}`}`,
      ),
    ];
  }
}

/** The part of `report` the filter selects: its services and targets, and the rings with targets there. */
function filtered(model: PlatformModel, report: StatusReport, filter: TargetFilter): StatusReport {
  const targets = model.targets.filter((t) => selectsTarget(filter, model, t));
  const rings = new Map<string, Set<string>>();
  for (const t of targets) rings.set(t.service, (rings.get(t.service) ?? new Set()).add(t.ring));
  // A service with no target yet is shown as long as the filters that do not need one allow it.
  const bare = (service: string): boolean =>
    filter.env === undefined && filter.ring === undefined && selectsTarget(filter, model, { service, environment: '', ring: '' });
  const services = report.services
    .filter((s) => rings.has(s.service) || (bare(s.service) && !model.targets.some((t) => t.service === s.service)))
    .map((s) => (rings.has(s.service) ? { ...s, rings: s.rings.filter((r) => rings.get(s.service)!.has(r.ring)) } : s));
  const shownRings = new Set(services.flatMap((s) => s.rings.map((r) => r.ring)));
  return {
    ...report,
    rings: report.rings.filter((r) => shownRings.has(r)),
    services,
    targets: report.targets.filter((t) => selectsTarget(filter, model, t)),
  };
}

export const explainCommand: Command = {
  name: 'explain',
  summary: SUMMARIES.explain,
  usage: ARGUMENTS.explain.usage,
  help: `Shows for one target: its construct path, control plane, ring, the ApplicationSet that
generates its Application (name and file), the Application's name, project and destination,
its values file, and the digest its ring runs (from the ledger in DIR). Then every key of its
values file with the layer that set it (Platform, Environment, Cloud, Cluster, Service, …, and
the release ledger for image.digest).

Name an Application (<service>-<env>-<cloud>-<cluster>), or a service narrowed to one target
with --env, --cloud and --cluster.

Options:
  --env E        the target's environment
  --cloud C      the target's cloud
  --cluster K    the target's cluster
  --app CMD      command that runs the program (default: "app" in cdk8s.yaml)
  --timeout T    how long the program may run: seconds or a duration such as 90s, 5m,
                 1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
                 stopped with every process it started and the command fails
  --out DIR      the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
                 the GitOps repository, of a platform that writes several (default:
                 the platform's; without --out, its checkout from gitops.repositories)
  --format       text (default) or json

Example:
  cdk8s-gitops explain payments-api-prod-azure-westeurope-01
  cdk8s-gitops explain payments-api --env prod --cloud azure`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('explain', argv, ARGUMENTS.explain.options, ARGUMENTS.explain.positionals);
    if (positionals.length !== 1) {
      throw usageError(
        'explain',
        `takes one Application or service name; received ${positionals.length === 0 ? 'none' : positionals.map((p) => `"${p}"`).join(' ')}.`,
        'Run e.g. `cdk8s-gitops explain payments-api-prod-azure-westeurope-01`.',
      );
    }
    const format = ctx.format(values.format, ['text', 'json']);
    const out = checkoutDir(ctx, 'explain', values.out, 'existing', values.repository);
    assertCheckoutReadable(out);
    const model = await loadModelOfCheckout('explain', out, values, ctx);
    const targets = selectTargets(model, { name: positionals[0], environment: values.env, cloud: values.cloud, cluster: values.cluster });
    if (targets.length > 1) {
      const names = targets.map(applicationName).sort();
      throw usageError(
        'explain',
        `"${positionals[0]}" matches ${targets.length} targets; it explains one at a time.`,
        `Narrow it to one with --env, --cloud and --cluster, or name one of these Applications:\n${names.map((n) => `  ${n}`).join('\n')}`,
      );
    }
    ctx.stdout.write(formatExplanation(explainTarget(model, readLedgers(model, out), targets[0].id), format));
    return 0;
  },
};
