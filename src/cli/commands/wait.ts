import { GitOpsError } from '../../core/errors';
import { didYouMean } from '../../core/suggest';
import { formatDuration } from '../../core/timestamp';
import { readLedgers } from '../../workspace/ledgers';
import { assertCheckoutReadable } from '../../workspace/checkout/lock';
import { DEFAULT_PROGRAM_TIMEOUT, parseTimeout, PROGRAM_TIMEOUT_ENV } from '../../workspace/program/run';
import { loadModelOfCheckout } from '../../workspace/checkout-repository';
import { statusOf } from '../../synth/status';
import { parseCommandArgs } from '../args';
import { Command, usageError } from '../command';
import { describeRow } from '../health-gate';
import { argoCdClients, unverifiedConnectionsNote } from '../argocd-settings';
import { DRIFTED_FIX, LiveRow, liveRows, shortVersion } from '../live-status';
import { printable } from '../terminal-text';
import { checkoutDir } from '../out-dir';
import { NO_PROGRAM_HELP, recordedModel, withoutProgram } from '../without-program';
import { ARGUMENTS } from './arguments';
import { SUMMARIES } from './summaries';

/** How long `wait` waits unless told, and between two looks. */
const DEFAULT_WAIT = '10m';
const DEFAULT_INTERVAL = '5s';

export const waitCommand: Command = {
  name: 'wait',
  summary: SUMMARIES.wait,
  usage: ARGUMENTS.wait.usage,
  help: `For CI after a promotion: asks the Argo CD of each control plane of the ring's targets
(as status --live does) until every Application of <service> in ring R is Synced, Healthy and
runs the release the ledger in DIR gives the ring; then exits 0. When the timeout passes
first, fails (CG804) naming each Application that is not there yet, with its sync status,
health and last operation's message. A ring with targets on a control plane reconciled by
Flux is not waited for (CG805): their state is not read.

Options:
  --ring R       the ring to wait for
  --timeout T    how long to wait for Argo CD: seconds or a duration such as 90s, 5m,
                 1h30m (default ${DEFAULT_WAIT}); every request to it ends by then, and
                 an answer after it is never taken
  --interval I   how long between two looks (default ${DEFAULT_INTERVAL})
  --app CMD      command that runs the program (default: "app" in cdk8s.yaml)
  --program-timeout T
                 how long the program may run, which --timeout is for the other
                 commands (default: ${PROGRAM_TIMEOUT_ENV}, else ${DEFAULT_PROGRAM_TIMEOUT})
${NO_PROGRAM_HELP}
  --out DIR      the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
                 the GitOps repository, of a platform that writes several (default:
                 the platform's; without --out, its checkout from gitops.repositories)

Argo CD is reached as for status --live: ARGOCD_SERVER and ARGOCD_AUTH_TOKEN, or
ARGOCD_SERVER_<CONTROL PLANE> and ARGOCD_AUTH_TOKEN_<CONTROL PLANE>; ARGOCD_CA_FILE.

Example:
  cdk8s-gitops promote payments-api --ring prod-canary --from nonprod --publish
  cdk8s-gitops wait payments-api --ring prod-canary --timeout 15m`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('wait', argv, ARGUMENTS.wait.options, ARGUMENTS.wait.positionals);
    if (positionals.length !== 1)
      throw usageError('wait', 'takes one service name.', 'Run e.g. `cdk8s-gitops wait payments-api --ring prod-canary`.');
    const service = positionals[0];
    if (values.ring === undefined)
      throw usageError('wait', 'needs --ring.', 'Run e.g. `cdk8s-gitops wait payments-api --ring prod-canary`.');
    const seconds = (flag: string, text: string): number => {
      const s = parseTimeout(text);
      if (s === undefined)
        throw usageError('wait', `${flag} "${text}" is not a time between 1 second and 24 hours.`, `Give e.g. ${flag} 90s or ${flag} 15m.`);
      return s;
    };
    const timeout = seconds('--timeout', values.timeout ?? DEFAULT_WAIT);
    const interval = seconds('--interval', values.interval ?? DEFAULT_INTERVAL);
    const out = checkoutDir(ctx, 'wait', values.out, 'existing', values.repository);
    assertCheckoutReadable(out);
    const model = withoutProgram('wait', values, ctx)
      ? recordedModel('wait', out, [service], values.repository).model
      : await loadModelOfCheckout(
          'wait',
          out,
          {
            ...(values.app === undefined ? {} : { app: values.app }),
            ...(values.repository === undefined ? {} : { repository: values.repository }),
            ...(values['program-timeout'] === undefined ? {} : { timeout: values['program-timeout'] }),
            timeoutOption: '--program-timeout',
          },
          ctx,
        );
    if (!model.services.some((s) => s.name === service)) {
      throw usageError(
        'wait',
        `knows no service "${service}".${didYouMean(
          service,
          model.services.map((s) => s.name),
        )}`,
        'Name a service of the program.',
      );
    }
    if (!model.rings.some((r) => r.name === values.ring)) {
      throw usageError(
        'wait',
        `knows no ring "${values.ring}".${didYouMean(
          values.ring,
          model.rings.map((r) => r.name),
        )}`,
        'Name a ring of the program.',
      );
    }
    const report = statusOf(model, readLedgers(model, out));
    const only = (t: (typeof report.targets)[number]): boolean => t.service === service && t.ring === values.ring;
    // Settings are checked once, before the first look: a later look would not have them either.
    const cpOf = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
    const argoCd = new Set(model.controlPlanes.filter((cp) => cp.reconciler?.kind !== 'flux').map((cp) => cp.name));
    // Flux's state is not read: a ring with targets there is not waited for in part, as if it ran its release.
    const onFlux = report.targets.filter((t) => only(t) && t.emitted && !argoCd.has(cpOf.get(t.environment)!));
    if (onFlux.length > 0) {
      const planes = [...new Set(onFlux.map((t) => cpOf.get(t.environment)!))];
      throw GitOpsError.of('CG805', {
        message: `wait: ${onFlux.length} target${onFlux.length === 1 ? '' : 's'} of ${service} in ring ${values.ring} ${onFlux.length === 1 ? 'is' : 'are'} on control plane${planes.length === 1 ? '' : 's'} ${planes.join(', ')}, reconciled by Flux, whose state cdk8s-gitops does not read: ${onFlux.map((t) => t.application).join(', ')}. Nothing was waited for: the ring would be said to run its release with ${onFlux.length === 1 ? 'it' : 'them'} unchecked.`,
      });
    }
    const planes = [...new Set(report.targets.filter(only).map((t) => cpOf.get(t.environment)!))].filter((cp) => argoCd.has(cp));
    argoCdClients(model, planes, ctx.env);
    const unverified = unverifiedConnectionsNote(model, planes, ctx.env);
    if (unverified !== undefined) ctx.stderr.write(`Note: ${unverified}\n`);
    const deadline = Date.now() + timeout * 1000;
    const ring = values.ring;
    for (;;) {
      // An Argo CD that does not answer, or answers an error, may be back at the next look (a
      // restart, a proxy's 503); one that refuses the token will not, so that fails at once.
      // Every request ends by the deadline: an answer after it is none within the timeout.
      let look: { rows: LiveRow[] } | { failure: GitOpsError };
      try {
        look = { rows: await liveRows(model, report, out, ctx.env, only, deadline) };
      } catch (e) {
        if (!(e instanceof GitOpsError) || !e.problems.every((p) => p.code === 'CG801' || p.code === 'CG803')) throw e;
        look = { failure: e };
      }
      if ('rows' in look && look.rows.length === 0) {
        throw GitOpsError.of('CG804', {
          message: `wait: ring ${ring} of ${service} has no Application to wait for (no target on a control plane reconciled by Argo CD, or no release in the ring yet).`,
        });
      }
      if ('rows' in look && Date.now() <= deadline && look.rows.every((r) => r.verdict === 'running')) {
        const rows = look.rows;
        ctx.stdout.write(
          `${rows.length} Application${rows.length === 1 ? '' : 's'} of ${service} in ring ${ring} run${rows.length === 1 ? 's' : ''} ${shortVersion(rows[0].declared)}, Synced and Healthy.\n`,
        );
        return 0;
      }
      // The look that ends at or after the deadline is the last: the message's "after" is the time waited.
      if (Date.now() < deadline) await pause(Math.min(interval * 1000, deadline - Date.now()));
      if (Date.now() >= deadline) {
        if ('failure' in look) throw look.failure;
        const off = look.rows.filter((r) => r.verdict !== 'running');
        throw GitOpsError.of('CG804', {
          message:
            off.length === 0
              ? `wait: Argo CD answered that every Application of ${service} in ring ${ring} runs ${shortVersion(look.rows[0].declared)} only after ${formatDuration(timeout)}.`
              : `wait: after ${formatDuration(timeout)}, ${off.length} of ${look.rows.length} Application${look.rows.length === 1 ? '' : 's'} of ${service} in ring ${ring} do not run ${shortVersion(look.rows[0].declared)} Synced and Healthy: ` +
                off.map(describeRow).map(printable).join('; ') +
                '.',
          ...(off.some((r) => r.verdict === 'drifted')
            ? {
                fix: `${DRIFTED_FIX.replace(' (cdk8s-gitops wait)', ' (wait longer: --timeout)')} Else look at the Applications named (argocd app get <name>), or roll the ring back.`,
              }
            : {}),
        });
      }
    }
  },
};

/** Resolves after `ms` milliseconds. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
