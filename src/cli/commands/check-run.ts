/**
 * What `check` does once the program has run.
 *
 * @module
 */
import { readLedgers } from '../../workspace/ledgers';
import { assertCheckoutLedgers } from '../../workspace/checkout-gates';
import { treeFromLedgers } from '../../synth/build';
import { releaseFilesInUse } from '../../workspace/build';
import { checkCheckout, CheckOptions } from '../../workspace/check';
import { formatFindings } from '../check-format';
import { LedgerGit } from '../../workspace/git/ledger-history';
import { assertCheckoutReadable } from '../../workspace/checkout/lock';
import { assertProductionChartsPinned } from '../../workspace/release-continuity';
import { ExitCode } from '../exit-code';
import { assertCheckoutOfRepository } from '../../workspace/checkout-repository';
import { assertChartSourcesKept } from '../../workspace/chart-sources';
import { ARGUMENTS } from './arguments';
import { CommandValues } from '../args';
import { CommandContext } from '../command';
import { ProgramRun } from '../../workspace/program/run';
import { CheckoutPrefetch } from '../../workspace/checkout/prefetch';

/**
 * What `check` does once the program has handed over its model `run`: the checkout `out`
 * compared with its tree, the findings printed; returns the exit code. Loaded while the program runs.
 */
export function checkFromProgram(
  ctx: CommandContext,
  run: ProgramRun,
  out: string,
  values: CommandValues<typeof ARGUMENTS.check.options>,
  format: 'text' | 'json',
  prefetch: CheckoutPrefetch,
): number {
  const { model, fingerprint } = run;
  assertCheckoutOfRepository(out, run);
  assertChartSourcesKept(model, out);
  assertCheckoutReadable(out);
  assertCheckoutLedgers(model, out, { now: ctx.now(), clock: ctx.clock() }, values.base === undefined ? {} : { base: values.base });
  assertProductionChartsPinned(model, out);
  const ledgers = readLedgers(model, out);
  const tree = treeFromLedgers(model, ledgers, { modelFingerprint: fingerprint, retainReleaseFiles: releaseFilesInUse(model, out) });
  const findings = checkCheckout(model, tree, ledgers, out, {
    statCacheFor: prefetch.statCacheFor,
    ...(values.base === undefined ? {} : { base: baseReader(out, values.base) }),
  });
  for (const note of tree.notes) ctx.stderr.write(`Note: ${note}\n`);
  if (format === 'json') ctx.stdout.write(`${JSON.stringify({ clean: findings.length === 0, findings }, null, 2)}\n`);
  else if (findings.length === 0) ctx.stdout.write('Clean: the checkout is exactly what the program synthesizes.\n');
  else ctx.stdout.write(formatFindings(findings));
  return findings.length === 0 ? ExitCode.OK : ExitCode.CHANGES;
}
/** The files of the commit `ref` names, for `check --base` (assertCheckoutLedgers made sure it names one). */
function baseReader(out: string, ref: string): NonNullable<CheckOptions['base']> {
  const git = LedgerGit.open(out);
  const commit = git?.commitOf(ref);
  return {
    ref,
    read: (paths) => (git === undefined || commit === undefined ? new Map() : git.at(commit, paths)),
    list: (dir) => (git === undefined || commit === undefined ? [] : git.filesAt(commit, dir, true)),
  };
}
