import * as path from 'path';
import { runRelease, ReleaseOutcome, ReleaseRequest } from '../../release/operations';
import { writeTree, WriteReport, recoverInterruptedWrite } from '../../synth/writer';
import { parseCommandArgs, PROGRAM_OPTIONS } from '../args';
import { Command, CommandContext, usageError } from '../command';
import { loadModel, readProjectConfig } from '../program';

const COMMON_HELP = `  --app CMD      command that runs the program (default: "app" in cdk8s.yaml)
  --out DIR      the GitOps checkout (default: "output" in cdk8s.yaml, else dist)
  --by NAME      who does it (default: CI user variables, else git user.name, else $USER)
  --format       text (default) or json`;

function release(ctx: CommandContext, values: Record<string, any>, request: ReleaseRequest): number {
  const out = path.resolve(ctx.cwd, values.out ?? readProjectConfig(ctx.cwd).output ?? 'dist');
  const model = loadModel(values.app, ctx.cwd);
  recoverInterruptedWrite(out);
  const outcome = runRelease(model, out, request, { by: values.by ?? ctx.actor(), now: ctx.now() });
  const report = writeTree(outcome.tree, out);
  print(ctx, values.format, outcome, report);
  return 0;
}

function print(ctx: CommandContext, formatValue: string | undefined, o: ReleaseOutcome, r: WriteReport): void {
  const format = ctx.format(formatValue, ['text', 'json']);
  const files = [...r.created, ...r.updated, ...r.deleted];
  if (format === 'json') {
    ctx.stdout.write(`${JSON.stringify({ ...o.request, changed: o.change.changed, summary: o.change.summary, applications: o.applications, created: r.created, updated: r.updated, deleted: r.deleted }, null, 2)}\n`);
    return;
  }
  ctx.stdout.write(`${o.change.summary}\n`);
  for (const p of r.created) ctx.stdout.write(`${ctx.style('[+]')} ${p}\n`);
  for (const p of r.updated) ctx.stdout.write(`${ctx.style('[~]')} ${p}\n`);
  for (const p of r.deleted) ctx.stdout.write(`${ctx.style('[-]')} ${p}\n`);
  if (files.length === 0) ctx.stdout.write('No files changed.\n');
  else if (files.some((f) => f.endsWith('/values.yaml'))) ctx.stdout.write(`Applications: ${o.applications.join(', ')}\n`);
}

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'Move a digest into a promotion ring',
  usage: 'cdk8s-gitops promote <service> --ring RING (--digest sha256:… | --from RING) [--approved-by NAME] [--by NAME]',
  help: `Records in the service's release ledger that RING now runs the digest, and rewrites only
that ring's values files. The first ring takes any digest; a later ring takes only the digest the
ring before it runs, after that ring's soak time, never while it is held, and with
--approved-by where the ring requires approval.

Options:
  --ring RING        the ring to promote into
  --digest D         the image digest, sha256:<64 hex>
  --from RING        promote what RING (the ring before) runs
  --approved-by NAME who approved it
${COMMON_HELP}

Example:
  cdk8s-gitops promote payments-api --ring nonprod --digest sha256:2e8f1a31…
  cdk8s-gitops promote payments-api --ring prod --from prod-canary --approved-by alice`,
  run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('promote', argv, {
      ...PROGRAM_OPTIONS, ring: { type: 'string' }, digest: { type: 'string' }, from: { type: 'string' },
      'approved-by': { type: 'string' }, by: { type: 'string' }, format: { type: 'string' },
    }, true);
    const service = oneService('promote', positionals);
    const ring = required('promote', values.ring, '--ring', '--ring nonprod');
    if (values.digest === undefined && values.from === undefined) {
      throw usageError('promote', 'needs --digest or --from.', 'Pass --digest sha256:<64 hex>, or --from <the ring before>.');
    }
    return release(ctx, values, { kind: 'promote', service, ring, digest: values.digest, fromRing: values.from, approvedBy: values['approved-by'] });
  },
};

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Put a previous digest back into a ring and hold it',
  usage: 'cdk8s-gitops rollback <service> --ring RING (--previous | --to sha256:…) --reason TEXT [--by NAME]',
  help: `Puts a digest from the ring's own history back and holds the ring, so that neither
promotions nor automation override the rollback until someone runs \`unhold\`.

Options:
  --ring RING     the ring to roll back
  --previous      go back to the release before the current one
  --to D          go back to this digest (one from the ring's history)
  --reason TEXT   why; kept on the hold
${COMMON_HELP}

Example:
  cdk8s-gitops rollback payments-api --ring prod --previous --reason "p99 latency doubled"`,
  run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('rollback', argv, {
      ...PROGRAM_OPTIONS, ring: { type: 'string' }, to: { type: 'string' }, previous: { type: 'boolean' },
      reason: { type: 'string' }, by: { type: 'string' }, format: { type: 'string' },
    }, true);
    const service = oneService('rollback', positionals);
    const ring = required('rollback', values.ring, '--ring', '--ring prod');
    const reason = required('rollback', values.reason, '--reason', '--reason "error rate up after deploy"');
    if ((values.to === undefined) === (values.previous !== true)) {
      throw usageError('rollback', 'needs exactly one of --previous and --to.', 'Pass --previous, or --to <digest from the ring\'s history>.');
    }
    return release(ctx, values, { kind: 'rollback', service, ring, to: values.to, previous: values.previous === true, reason });
  },
};

export const unholdCommand: Command = {
  name: 'unhold',
  summary: 'Lift the hold a rollback put on a ring',
  usage: 'cdk8s-gitops unhold <service> --ring RING [--by NAME]',
  help: `Lifts a ring's hold, so that promotions into it are accepted again.

Options:
  --ring RING   the held ring
${COMMON_HELP}

Example:
  cdk8s-gitops unhold payments-api --ring prod`,
  run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('unhold', argv, {
      ...PROGRAM_OPTIONS, ring: { type: 'string' }, by: { type: 'string' }, format: { type: 'string' },
    }, true);
    const service = oneService('unhold', positionals);
    const ring = required('unhold', values.ring, '--ring', '--ring prod');
    return release(ctx, values, { kind: 'unhold', service, ring });
  },
};

function oneService(command: string, positionals: string[]): string {
  if (positionals.length !== 1) {
    throw usageError(command, `takes one service name; received ${positionals.length === 0 ? 'none' : positionals.map((p) => `"${p}"`).join(' ')}.`, `Run e.g. \`cdk8s-gitops ${command} payments-api --ring nonprod …\`.`);
  }
  return positionals[0];
}

function required(command: string, value: string | undefined, flag: string, example: string): string {
  if (value === undefined || value.trim() === '') throw usageError(command, `needs ${flag}.`, `Pass ${example}.`);
  return value;
}
