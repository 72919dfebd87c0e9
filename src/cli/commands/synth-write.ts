/**
 * What `synth` does once the program has handed over its model: the tree for the checkout,
 * written (or found up to date), and the report. Loaded while the program runs.
 *
 * @module
 */
import * as path from 'path';
import { plural } from '../plural';
import { FileTree } from '../../synth/file-tree';
import { assertCheckoutLedgers } from '../../workspace/checkout-gates';
import { checkoutTree } from '../../workspace/build';
import { PlatformModel } from '../../model/platform-model';
import { assertProductionChartsPinned, assertReleasesExplained } from '../../workspace/release-continuity';
import { assertDeclaredRemovals } from '../../workspace/removals';
import { applyPlan, planWrite, recoverInterruptedWrite, StatCacheFor, WriteOptions } from '../../workspace/checkout/writer';
import { assertHeldFit } from '../../workspace/checkout/held-targets';
import { WriteReport } from '../../model/write-report';
import { CommandContext } from '../command';
import { withCheckoutLock } from '../locking';
import { assertCheckoutOfRepository } from '../../workspace/checkout-repository';
import { assertChartSourcesKept } from '../../workspace/chart-sources';
import { ProgramRun } from '../../workspace/program/run';
import { printWriteNotes } from '../write-notes';
import { removedSetNotes } from '../removed-sets';
import { formerControlPlaneNotes } from '../control-plane-notes';
import { FormerControlPlane, formerControlPlanes } from '../../workspace/former-control-planes';
import { printChangedFiles } from '../changed-files';

/** A write of more files than this shows a progress line (on a terminal only). */
const PROGRESS_THRESHOLD = 1000;

/** How `synth` was asked to write. */
export interface SynthWriteOptions {
  readonly format: 'text' | 'json';
  /** `--verify`: every owned file read, hand edits restored. */
  readonly verify: boolean;
  /** `--adopt`: existing files the program generates taken over. */
  readonly adopt: boolean;
  /** `--allow-remove`: Applications this write may delete although the program does not declare them removed. */
  readonly allow: readonly string[];
  /** `--verbose`: every path listed. */
  readonly verbose: boolean;
  /**
   * The stat cache filled while the program ran (see `CheckoutPrefetch`).
   * @default - none: the owned files are looked at now
   */
  readonly statCacheFor?: StatCacheFor;
}

/**
 * Writes the tree of the program's run `run` into the checkout `out` under its lock, prints
 * the report, and returns the exit code.
 */
export async function synthWrite(ctx: CommandContext, run: ProgramRun, out: string, o: SynthWriteOptions): Promise<number> {
  const { model, fingerprint } = run;
  assertCheckoutOfRepository(out, run);
  assertChartSourcesKept(model, out);
  const options = { verify: o.verify, adopt: o.adopt, statCacheFor: o.statCacheFor };
  let former: FormerControlPlane[] = [];
  const report = await withCheckoutLock(ctx, out, 'synth', () => {
    recoverInterruptedWrite(out); // before the ledgers are read: an interrupted promotion may be in the journal
    // A checkout whose every ledger is as cdk8s-gitops wrote it, written from this program, has nothing
    // for the ring rules to judge; any other is judged before anything is written.
    const found = checkoutTree(model, out, fingerprint, options);
    if (found.unchanged) return found.unchanged;
    const ledgerEdits = assertCheckoutLedgers(model, out, { now: ctx.now(), clock: ctx.clock() });
    for (const note of found.tree.notes) ctx.stderr.write(`Note: ${note}\n`);
    // What the bootstraps of control planes no longer declared applied, read before the write deletes them.
    former = formerControlPlanes(model, out);
    return write(ctx, model, found.tree, out, { ...options, ledgerEdits, allow: o.allow });
  });
  if (o.format === 'json') ctx.stdout.write(`${JSON.stringify({ out, ...report }, null, 2)}\n`);
  else printReport(ctx, out, report, o.verbose);
  for (const note of [...removedSetNotes(model, report.deleted), ...formerControlPlaneNotes(model, former, report)]) {
    ctx.stderr.write(`Note: ${note}\n`);
  }
  return 0;
}

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
  printChangedFiles(ctx, r, verbose);
  printWriteNotes(ctx, r, verbose);
  const changed = r.created.length + r.updated.length + r.deleted.length;
  ctx.stdout.write(
    changed === 0 && r.recorded.length > 0
      ? `Recorded ${plural(r.recorded.length, 'file')} in the manifest of ${rel} again; no file changed.\n`
      : changed === 0
        ? `No changes in ${rel}: ${plural(r.unchanged, 'file')} up to date.\n`
        : `Wrote ${rel}: ${r.created.length} created, ${r.updated.length} updated, ${r.deleted.length} deleted, ${r.unchanged} unchanged.\n`,
  );
}
