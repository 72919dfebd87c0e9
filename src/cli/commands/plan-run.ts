/**
 * What `plan` does once the program has run.
 *
 * @module
 */
import * as fs from 'fs';
import { promotedSourceOf } from '../../model/source-kinds';
import { readLedgers } from '../../workspace/ledgers';
import { assertCheckoutLedgers } from '../../workspace/checkout-gates';
import { treeFromLedgers } from '../../synth/build';
import { ledgerChangeTree, releaseFilesInUse } from '../../workspace/build';
import { readManifestTexts } from '../../workspace/checkout/manifest-io';
import { productionEntryNotes, releaseOverview, resumedChartNotes, unpinnedChartNotes } from '../../synth/status';
import { removedSetNotes } from '../removed-sets';
import { formerControlPlaneNotes, WrittenPaths } from '../control-plane-notes';
import { formerControlPlanes } from '../../workspace/former-control-planes';
import { assertCheckoutReadable } from '../../workspace/checkout/lock';
import { applications, notCreatedLine } from '../not-created';
import { Plan, planAndWrite, planHasChanges } from '../../workspace/plan';
import { unexplainedReleaseChanges, unpinnedChartProblems } from '../../workspace/release-continuity';
import { createdMeanwhileText, formatPlan } from '../plan-format';
import { describeFilter, isEmptyFilter, targetFilter } from '../filters';
import { filterPlan } from '../plan-filter';
import { plural } from '../plural';
import { fluxPruneList, fluxPrunesBy, undeclaredDeletions } from '../../workspace/removals';
import { ExitCode } from '../exit-code';
import { assertCheckoutOfRepository } from '../../workspace/checkout-repository';
import { assertChartSourcesKept } from '../../workspace/chart-sources';
import { ARGUMENTS } from './arguments';
import { CommandValues } from '../args';
import { CommandContext } from '../command';
import { ProgramRun } from '../../workspace/program/run';
import { CheckoutPrefetch } from '../../workspace/checkout/prefetch';

/**
 * What `plan` does once the program has handed over its model `run`: the plan of its tree
 * against the checkout `out`, printed; returns the exit code. Loaded while the program runs.
 */
export function planFromProgram(
  ctx: CommandContext,
  run: ProgramRun,
  out: string,
  values: CommandValues<typeof ARGUMENTS.plan.options>,
  format: 'text' | 'markdown' | 'json',
  prefetch: CheckoutPrefetch,
): number {
  const { model, fingerprint } = run;
  assertCheckoutOfRepository(out, run);
  assertChartSourcesKept(model, out);
  const filter = targetFilter('plan', model, values);
  assertCheckoutReadable(out);
  if (!fs.existsSync(out)) ctx.stderr.write(`Note: ${out} does not exist yet; this is the plan of a first synth, which creates it.\n`);
  const ledgerEdits = fs.existsSync(out) ? assertCheckoutLedgers(model, out, { now: ctx.now(), clock: ctx.clock() }) : [];
  const ledgers = readLedgers(model, out);
  const retainReleaseFiles = releaseFilesInUse(model, out);
  // The owned files looked at while the program ran: when only ledgers changed, their services' part of the tree.
  const drift = fs.existsSync(out) ? prefetch.statCacheFor(readManifestTexts(out)) : undefined;
  const tree =
    (drift && ledgerChangeTree(model, out, ledgers, { modelFingerprint: fingerprint, retainReleaseFiles, drift })) ??
    treeFromLedgers(model, ledgers, { modelFingerprint: fingerprint, retainReleaseFiles });
  const { plan, write } = planAndWrite(tree, out, { ledgerEdits, ...(drift ? { statCache: drift } : {}) });
  const refused = undeclaredDeletions(
    model,
    plan.applications.filter((a) => a.change === 'delete'),
  );
  // What Flux would prune, which synth refuses as it refuses deleting an Application (CG141).
  const fluxPrunes = fs.existsSync(out) ? fluxPruneList(model, fluxPrunesBy(model, tree, out, write)) : [];
  const shown = isEmptyFilter(filter) ? { plan, otherFiles: 0, otherApplications: 0 } : filterPlan(plan, model, filter);
  const hidden = [
    ...(shown.otherFiles > 0 ? [plural(shown.otherFiles, 'other file change')] : []),
    ...(shown.otherApplications > 0 ? [plural(shown.otherApplications, 'other Application change')] : []),
  ].join(' and ');
  ctx.stdout.write(
    formatPlan(shown.plan, format, ctx.style, {
      refused,
      verbose: values.verbose === true,
      ...(hidden === '' ? {} : { hidden }),
      ...(fluxPrunes.length > 0 ? { fluxPrunes } : {}),
    }),
  );
  if (hidden !== '') ctx.stderr.write(`Note: ${describeFilter(filter)} shows part of the plan; not shown: ${hidden}.\n`);
  // Never among the created: what Argo CD would not create, with its error (in json as notCreated).
  if ((plan.notCreated ?? []).length > 0) {
    ctx.stderr.write(
      `Warning: after this write Argo CD would not create ${applications(plan.notCreated!.length)} the ApplicationSets generate; while a create fails, its ApplicationSet deletes none of its Applications:\n`,
    );
    for (const n of plan.notCreated!) ctx.stderr.write(`  ${notCreatedLine(n)}\n`);
  }
  // Old specs × new tree: an Application another ApplicationSet's old spec creates first (see Plan).
  const meanwhile = plan.applications.filter((a) => a.createdMeanwhileBy !== undefined);
  if (meanwhile.length > 0) {
    ctx.stderr.write(
      `Warning: until Argo CD applies the new ApplicationSet specs (apart from the commit that brings the tree), ${applications(meanwhile.length)} would first be created by the wrong ApplicationSet, ` +
        'which deletes them again, with what they run. For a cluster with its own destination, declare it first without deploying to it, publish, then deploy to it in a later change; ' +
        'for a service with settings of its own, apply the ApplicationSets of this change to Argo CD before it reads the commit:\n',
    );
    for (const a of meanwhile) ctx.stderr.write(`  ${a.name}: ${createdMeanwhileText(a)}\n`);
  }
  if (refused.length > 0 && format !== 'text') {
    ctx.stderr.write(
      `Warning: ${refused.length} Application${refused.length === 1 ? '' : 's'} would be deleted without a declaration in the program; synth refuses (CG141).\n`,
    );
  }
  const fluxRefused = fluxPrunes.filter((p) => p.refused).length;
  if (fluxRefused > 0 && format !== 'text') {
    ctx.stderr.write(
      `Warning: Flux would prune what ${fluxRefused === 1 ? '1 target runs' : `${fluxRefused} targets run`} without a declaration in the program; synth refuses (CG141).\n`,
    );
  }
  for (const p of [
    ...write.bases,
    ...write.held,
    ...(fs.existsSync(out) ? unexplainedReleaseChanges(model, tree, out, write) : []),
    ...(fs.existsSync(out) ? unpinnedChartProblems(model, out) : []),
  ]) {
    ctx.stderr.write(`Warning: synth refuses this (${p.code}): ${p.message} Fix: ${p.fix}\n`);
  }
  for (const d of write.waiting) {
    ctx.stderr.write(
      `Note: ${d} is new to a ring held at its release: synth writes it once the ring runs a release of the program's images.\n`,
    );
  }
  for (const note of [...ledgers.values()].flatMap((l) => l.moveNotes ?? [])) ctx.stderr.write(`Note: ${note}\n`);
  // Only a service whose chart is promoted with the image has rings that may read it unpinned.
  const overview = releaseOverview({ ...model, services: model.services.filter((s) => promotedSourceOf(s) !== undefined) }, ledgers);
  for (const note of [
    ...tree.notes,
    ...unpinnedChartNotes(overview, model),
    ...removedSetNotes(
      model,
      plan.files.filter((f) => f.change === 'delete').map((f) => f.path),
    ),
    ...(fs.existsSync(out) ? formerControlPlaneNotes(model, formerControlPlanes(model, out), plannedPaths(plan)) : []),
  ]) {
    ctx.stderr.write(`Note: ${note}\n`);
  }
  const created = plan.files.filter((f) => f.change === 'create').map((f) => f.path);
  const createdApplications = plan.applications.filter((a) => a.change === 'create').map((a) => a.name);
  for (const note of [...resumedChartNotes(model, ledgers, created), ...productionEntryNotes(model, ledgers, createdApplications)]) {
    ctx.stderr.write(`Note: ${note}\n`);
  }
  return planHasChanges(plan) ? ExitCode.CHANGES : ExitCode.OK;
}

/** The paths a plan's write creates, updates and deletes. */
function plannedPaths(plan: Plan): WrittenPaths {
  const of = (change: 'create' | 'update' | 'delete'): string[] => plan.files.filter((f) => f.change === change).map((f) => f.path);
  return { created: of('create'), updated: of('update'), deleted: of('delete') };
}
