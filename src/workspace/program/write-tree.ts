/**
 * `Platform.synth()` in a program run on its own (or by `cdk8s synth`): it writes the tree into
 * its output directory, as `cdk8s-gitops synth` would.
 *
 * @module
 */
import * as path from 'path';
import type { Platform, PlatformSynthOptions } from '../../constructs/platform';
import { snapshotPlatform } from '../../constructs/snapshot';
import type { WriteReport } from '../../model/write-report';
import { modelFingerprint } from '../../synth/build';
import { checkoutTree } from '../build';
import { lockCheckout } from '../checkout/lock';
import { recoverInterruptedWrite } from '../checkout/writer';
import { writeDeclaredTree } from '../removals';
import { assertProductionChartsPinned } from '../release-continuity';
import { assertCheckoutLedgers } from '../checkout-gates';

/** @internal Writes the program's tree into `options.outdir` (default: `CDK8S_OUTDIR`, else `dist`). */
export function writeProgramTree(platform: Platform, options: PlatformSynthOptions = {}): WriteReport {
  const outdir = path.resolve(options.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist');
  const model = snapshotPlatform(platform);
  const lock = lockCheckout(outdir, 'synth');
  try {
    recoverInterruptedWrite(outdir); // before the ledgers are read: an interrupted promotion may be in the journal
    const found = checkoutTree(model, outdir, modelFingerprint(model));
    if (found.unchanged) return found.unchanged;
    // The ring rules hold here as in `cdk8s-gitops synth`: a ledger edited by hand that breaks
    // one is refused, and one they accept is recorded as such.
    const now = new Date();
    const ledgerEdits = assertCheckoutLedgers(model, outdir, { now, clock: now });
    assertProductionChartsPinned(model, outdir);
    return writeDeclaredTree(model, found.tree, outdir, { ledgerEdits });
  } finally {
    lock.release();
  }
}
