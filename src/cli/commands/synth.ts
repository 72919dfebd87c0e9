import { plural } from '../plural';
import * as path from 'path';
import { FileTree } from '../../synth/file-tree';
import { RELEASE_MODEL_DIR } from '../../synth/release-model';
import { assertCheckoutLedgers } from '../../workspace/checkout-gates';
import { checkoutTree } from '../../workspace/build';
import { PlatformModel } from '../../model/platform-model';
import { assertProductionChartsPinned, assertReleasesExplained } from '../../workspace/release-continuity';
import { assertDeclaredRemovals } from '../../workspace/removals';
import { applyPlan, planWrite, recoverInterruptedWrite, WriteOptions } from '../../workspace/checkout/writer';
import { assertHeldFit } from '../../workspace/checkout/held-targets';
import { WriteReport } from '../../model/write-report';
import { parseCommandArgs } from '../args';
import { ARGUMENTS } from './arguments';
import { Command, CommandContext } from '../command';
import { withCheckoutLock } from '../locking';
import { checkoutDir } from '../out-dir';
import { assertCheckoutOfRepository } from '../../workspace/checkout-repository';
import { runProgram } from '../../workspace/program/run';
import { CheckoutPrefetch } from '../../workspace/checkout/prefetch';
import { printWriteNotes } from '../write-notes';
import { removedSetNotes } from '../removed-sets';
import { SUMMARIES } from './summaries';

/** How many paths of each kind are listed before the rest are counted. */
const LIST_LIMIT = 50;

/** A write of more files than this shows a progress line (on a terminal only). */
export const PROGRESS_THRESHOLD = 1000;

export const synthCommand: Command = {
  name: 'synth',
  summary: SUMMARIES.synth,
  usage: ARGUMENTS.synth.usage,
  help: `Runs the program, writes its tree into DIR (a checkout of the GitOps repository), and
prints what it created, updated, deleted and left unchanged. Files cdk8s-gitops did not write
are never touched. A second run with the same program changes nothing. A write that would
delete an Application the program does not declare removed (platform.removed(...), or a ring's
movedFrom) fails with CG141 and writes nothing.

Options:
  --app CMD      command that runs the program (default: "app" in cdk8s.yaml)
  --timeout T    how long the program may run: seconds or a duration such as 90s, 5m,
                 1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
                 stopped with every process it started and the command fails
  --out DIR      the checkout to write into (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
                 the GitOps repository, of a platform that writes several (default:
                 the platform's; without --out, its checkout from gitops.repositories)
  --verify       read every owned file and restore hand edits
  --adopt        take ownership of existing files the program generates
  --allow-remove APP
                 let this write delete the Application APP (a name, or a glob with * and ?)
                 although the program does not declare it removed; repeatable
  --verbose      list every path
  --format       text (default) or json

Example:
  cdk8s-gitops synth --app "npx tsx platform.ts" --out ../platform-gitops`,
  async run(argv: string[], ctx: CommandContext): Promise<number> {
    const { values } = parseCommandArgs('synth', argv, ARGUMENTS.synth.options);
    const format = ctx.format(values.format, ['text', 'json']);
    const out = checkoutDir(ctx, 'synth', values.out, 'create', values.repository);
    const running = runProgram('synth', values, ctx);
    // The program runs in a process of its own: meanwhile the owned files are looked at.
    const prefetch = values.verify === true ? undefined : CheckoutPrefetch.start(out, running);
    const run = await running;
    const { model, fingerprint } = run;
    assertCheckoutOfRepository(out, run);
    const options = { verify: values.verify === true, adopt: values.adopt === true, statCacheFor: prefetch?.statCacheFor };
    const report = await withCheckoutLock(ctx, out, 'synth', () => {
      recoverInterruptedWrite(out); // before the ledgers are read: an interrupted promotion may be in the journal
      // A checkout whose every ledger is as cdk8s-gitops wrote it, written from this program, has nothing
      // for the ring rules to judge; any other is judged before anything is written.
      const found = checkoutTree(model, out, fingerprint, options);
      if (found.unchanged) return found.unchanged;
      const ledgerEdits = assertCheckoutLedgers(model, out, { now: ctx.now(), clock: ctx.clock() });
      for (const note of found.tree.notes) ctx.stderr.write(`Note: ${note}\n`);
      return write(ctx, model, found.tree, out, { ...options, ledgerEdits, allow: values['allow-remove'] ?? [] });
    });
    if (format === 'json') ctx.stdout.write(`${JSON.stringify({ out, ...report }, null, 2)}\n`);
    else printReport(ctx, out, report, values.verbose === true);
    for (const note of removedSetNotes(model, report.deleted)) ctx.stderr.write(`Note: ${note}\n`);
    return 0;
  },
};

/** `writeTree`, with a progress line when the tree is large. */
function write(
  ctx: CommandContext,
  model: PlatformModel,
  tree: FileTree,
  out: string,
  options: WriteOptions & { verify: boolean; adopt: boolean; ledgerEdits: readonly string[]; allow: readonly string[] },
): WriteReport {
  const large = tree.size > PROGRESS_THRESHOLD;
  if (large) ctx.progress.update(`synth: rendering ${tree.size} files…`, true);
  try {
    const plan = planWrite(tree, out, options);
    assertHeldFit(plan);
    assertDeclaredRemovals(model, tree, out, plan, options);
    assertReleasesExplained(model, tree, out, plan);
    if (plan.writes.size > 0) assertProductionChartsPinned(model, out);
    const total = plan.writes.size + plan.manifestWrites.size;
    return applyPlan(plan, out, {
      ...options,
      ...(large ? { onStage: (n: number) => ctx.progress.update(`synth: writing ${n}/${total} files`, n === total) } : {}),
    });
  } finally {
    ctx.progress.done();
  }
}

function printReport(ctx: CommandContext, out: string, r: WriteReport, verbose: boolean): void {
  const rel = path.relative(ctx.cwd, out) || '.';
  const list = (mark: string, all: readonly string[]): void => {
    // The files Argo CD reads first; the release model (cdk8s-gitops's own bookkeeping) after them.
    const paths = [
      ...all.filter((p) => !p.startsWith(`${RELEASE_MODEL_DIR}/`)),
      ...all.filter((p) => p.startsWith(`${RELEASE_MODEL_DIR}/`)),
    ];
    const shown = verbose ? paths : paths.slice(0, LIST_LIMIT);
    for (const p of shown) ctx.stdout.write(`${ctx.style(mark)} ${p}\n`);
    if (shown.length < paths.length) ctx.stdout.write(`    … and ${paths.length - shown.length} more (--verbose lists them)\n`);
  };
  list('[+]', r.created);
  list('[~]', r.updated);
  list('[-]', r.deleted);
  printWriteNotes(ctx, r);
  const changed = r.created.length + r.updated.length + r.deleted.length;
  ctx.stdout.write(
    changed === 0 && r.recorded.length > 0
      ? `Recorded ${plural(r.recorded.length, 'file')} in the manifest of ${rel} again; no file changed.\n`
      : changed === 0
        ? `No changes in ${rel}: ${plural(r.unchanged, 'file')} up to date.\n`
        : `Wrote ${rel}: ${r.created.length} created, ${r.updated.length} updated, ${r.deleted.length} deleted, ${r.unchanged} unchanged.\n`,
  );
}
