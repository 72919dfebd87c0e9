import * as fs from 'fs';
import * as path from 'path';
import { readLedgers } from '../../workspace/ledgers';
import { assertCheckoutLedgers } from '../../workspace/checkout-gates';
import { treeFromLedgers } from '../../synth/build';
import { ledgerChangeTree, releaseFilesInUse } from '../../workspace/build';
import { readManifestTexts } from '../../workspace/checkout/manifest-io';
import { productionEntryNotes, releaseOverview, resumedChartNotes, unpinnedChartNotes } from '../../synth/status';
import { checkCheckout, CheckOptions } from '../../workspace/check';
import { formatFindings } from '../check-format';
import { removedSetNotes } from '../removed-sets';
import { LedgerGit } from '../../workspace/git/ledger-history';
import { assertCheckoutReadable } from '../../workspace/checkout/lock';
import { checkoutSymlinks, mayHoldApplicationSets, previewOfCheckout, viewOfCheckout } from '../../workspace/inspect/checkout';
import { listCheckout } from '../../workspace/inspect/checkout-listing';
import { applications, notCreatedLine, notCreatedObject } from '../not-created';
import { symlinkError } from '../../workspace/checkout/checkout-fs';
import { baseOfKustomization, chartOfRelease, FluxEntry, fluxEntriesOf } from '../../workspace/inspect/flux';
import { planAndWrite, planHasChanges } from '../../workspace/plan';
import { assertProductionChartsPinned, unexplainedReleaseChanges, unpinnedChartProblems } from '../../workspace/release-continuity';
import { createdMeanwhileText, formatPlan } from '../plan-format';
import { describeFilter, FILTER_HELP, isEmptyFilter, selectsTarget, targetFilter } from '../filters';
import { recordedModel } from '../without-program';
import { applicationName, targetDirectory } from '../../model/placement';
import { filterPlan } from '../plan-filter';
import { plural } from '../plural';
import { fluxPrunesBy, undeclaredDeletionProblems, undeclaredDeletions } from '../../workspace/removals';
import { toYamlDocuments } from '../../core/yaml/emit';
import { parseCommandArgs } from '../args';
import { Command } from '../command';
import { ExitCode } from '../exit-code';
import { checkoutDir } from '../out-dir';
import { assertCheckoutOfRepository, assertRepositoryOfCheckout } from '../../workspace/checkout-repository';
import { runProgram } from '../../workspace/program/run';
import { CheckoutPrefetch } from '../../workspace/checkout/prefetch';
import { isMap } from '../../core/plain';
import { ARGUMENTS } from './arguments';
import { RootDirectories, rootApplicationDirectories, sourceToolFile } from '../../workspace/inspect/root-manifests';
import { recordedPlatform } from '../../workspace/recorded-model';
import { GitOpsError } from '../../core/errors';
import { SUMMARIES } from './summaries';

/** How many untracked or ignored directories `preview` names at most. */
const MAX_ABSENT_SHOWN = 5;

export const planCommand: Command = {
  name: 'plan',
  summary: SUMMARIES.plan,
  usage: ARGUMENTS.plan.usage,
  help: `Synthesizes the program in memory and compares it with the checkout DIR: each file
[+] created, [~] updated or [-] deleted, the values keys that change, and the Applications the
ApplicationSets would create, change or delete (expanded offline). Files whose values keys change
alike (replicaCount: 2 → 4 on every cluster of a service) are shown once, with their count.
Deleted Applications come first; those the program does not declare removed are marked, as synth
would refuse them (CG141). Applications Argo CD would not create after the write (a duplicate
name, a name or label the API server refuses, a name another ApplicationSet owns) are never shown
as created: each is a warning on stderr with the error Argo CD reports (in json: notCreated).
Writes nothing. Exit code 0 when nothing changes, 2 when something does, 1 on error.
The filters show the changes of the targets they select (their files, their services' ledgers,
their Applications) and count the others; the exit code is the whole plan's.

Options:
${FILTER_HELP}
  --app CMD   command that runs the program (default: "app" in cdk8s.yaml)
  --timeout T how long the program may run: seconds or a duration such as 90s, 5m,
              1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
              stopped with every process it started and the command fails
  --out DIR   the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
              the GitOps repository, of a platform that writes several (default:
              the platform's; without --out, its checkout from gitops.repositories)
  --format    text (default), markdown (for merge-request comments) or json
  --verbose   list every file of a group of alike changes (JSON always lists each file)

Example:
  cdk8s-gitops plan --out ../platform-gitops --format markdown > plan.md`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('plan', argv, ARGUMENTS.plan.options);
    const format = ctx.format(values.format, ['text', 'markdown', 'json']);
    const out = checkoutDir(ctx, 'plan', values.out, 'first-synth', values.repository);
    const running = runProgram('plan', values, ctx);
    // The program runs in a process of its own: meanwhile the owned files are looked at.
    const prefetch = CheckoutPrefetch.start(out, running);
    const run = await running;
    const { model, fingerprint } = run;
    assertCheckoutOfRepository(out, run);
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
    const shown = isEmptyFilter(filter) ? { plan, otherFiles: 0, otherApplications: 0 } : filterPlan(plan, model, filter);
    const hidden = [
      ...(shown.otherFiles > 0 ? [plural(shown.otherFiles, 'other file change')] : []),
      ...(shown.otherApplications > 0 ? [plural(shown.otherApplications, 'other Application change')] : []),
    ].join(' and ');
    ctx.stdout.write(
      formatPlan(shown.plan, format, ctx.style, { refused, verbose: values.verbose === true, ...(hidden === '' ? {} : { hidden }) }),
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
    // What Flux would prune, which synth refuses as it refuses deleting an Application (CG141).
    const fluxPrunes = fs.existsSync(out) ? undeclaredDeletionProblems(model, fluxPrunesBy(model, tree, out, write)) : [];
    for (const p of [
      ...write.bases,
      ...write.held,
      ...fluxPrunes,
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
    const overview = releaseOverview(model, ledgers);
    for (const note of [
      ...tree.notes,
      ...unpinnedChartNotes(overview, model),
      ...removedSetNotes(
        model,
        plan.files.filter((f) => f.change === 'delete').map((f) => f.path),
      ),
    ]) {
      ctx.stderr.write(`Note: ${note}\n`);
    }
    const created = plan.files.filter((f) => f.change === 'create').map((f) => f.path);
    const createdApplications = plan.applications.filter((a) => a.change === 'create').map((a) => a.name);
    for (const note of [...resumedChartNotes(model, ledgers, created), ...productionEntryNotes(model, ledgers, createdApplications)]) {
      ctx.stderr.write(`Note: ${note}\n`);
    }
    return planHasChanges(plan) ? ExitCode.CHANGES : ExitCode.OK;
  },
};

export const previewCommand: Command = {
  name: 'preview',
  summary: SUMMARIES.preview,
  usage: ARGUMENTS.preview.usage,
  help: `Expands every ApplicationSet found in the checkout DIR as Argo CD's ApplicationSet
controller would (git directory and files, list, matrix, merge and cluster generators, selectors,
values, templatePatch; Go's text/template with Sprig's and Argo CD's functions, or fasttemplate)
and prints the Applications (the README's "What preview expands" lists what it refuses). Cluster
generators read the clusters the checkout declares for their control plane (the cluster Secrets of a
self-managed Argo CD). It reads the tree, not the program, so it also shows what a hand-edited or stray
directory would create. Templates it cannot evaluate fail with what is unsupported. For clusters Flux
reconciles, it lists each Kustomization of their entry points (clusters/…) and the HelmRelease of the
directory it builds, with its chart and revision (Flux has no generator: a listing, not an expansion);
yaml and json give those objects after the Applications.

The filters show the Applications (and Flux entry points) of the targets they select, as the
checkout's release model (.cdk8s-gitops/model/) places them: what a hand-written ApplicationSet
generates belongs to no service and is shown only without filters.

Argo CD does not create every Application an ApplicationSet generates: a second one of the same
name (its ApplicationSet reports "contains applications with duplicate name"), one whose name or
labels the Kubernetes API server refuses (e.g. a directory Upper_Svc: "metadata.name: Invalid
value"), one another ApplicationSet owns. The table lists those after the Applications, each with
the reason and error Argo CD reports; yaml and json add, after everything else, one object of kind
ApplicationNotCreated (apiVersion cdk8s-gitops.io/v1) for each, holding the Application as
generated, and say so on stderr. Exit code 2 then, else 0.

Directories are listed as Argo CD's repo server lists them from a clone: where DIR is a Git
repository, from the files Git tracks and those cdk8s-gitops wrote (publish commits them):
untracked and ignored directories make no Application, and are named on stderr; an
ApplicationSet in a file Git does not track (untracked or ignored) is left out, as Argo CD reads
only what is committed, with a warning on stderr naming the file. Otherwise from the file system. Directories whose names start with "." are skipped with all
below them; a directory that holds only hidden files (.gitkeep) is listed.

Options:
${FILTER_HELP}
  --out DIR   the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
              the GitOps repository, of a platform that writes several (default:
              the platform's; without --out, its checkout from gitops.repositories)
  --format    table (default), yaml or json

Example:
  cdk8s-gitops preview --out ../platform-gitops --format yaml`,
  run(argv, ctx) {
    const { values } = parseCommandArgs('preview', argv, ARGUMENTS.preview.options);
    const format = ctx.format(values.format, ['table', 'yaml', 'json']);
    const out = checkoutDir(ctx, 'preview', values.out, 'existing', values.repository);
    assertCheckoutReadable(out);
    assertRepositoryOfCheckout('preview', out, values.repository);
    // A link where a reconciler reads (a manifest, or a directory that may hold some) would drop
    // what it stands for from the listing without a word.
    // (The listing follows no link: it finds them.)
    const listing = listCheckout(out, { absent: true });
    const link = checkoutSymlinks(out, listing).find(
      (l) => /\.(ya?ml|json)$/.test(l) || !/\.[A-Za-z0-9]+$/.test(l.slice(l.lastIndexOf('/') + 1)),
    );
    if (link !== undefined) throw symlinkError(link, 'read the checkout for preview');
    const { roots, projects } = previewRootDirectories(out, listing.directories);
    refuseRenderedRootDirectories(roots, [...listing.files, ...listing.links]);
    refuseSourceOverrides(projects, [...listing.files, ...listing.links]);
    const view = viewOfCheckout(out, listing, roots);
    const { created, notCreated } = previewOfCheckout(out, view);
    const absent = listing.absent ?? [];
    if (absent.length > 0) {
      const shown = absent.slice(0, MAX_ABSENT_SHOWN).join(', ');
      const more = absent.length > MAX_ABSENT_SHOWN ? ` and ${absent.length - MAX_ABSENT_SHOWN} more` : '';
      ctx.stderr.write(
        `Note: Argo CD's clone holds what Git tracks: ${absent.length} director${absent.length === 1 ? 'y' : 'ies'} here ${absent.length === 1 ? 'is' : 'are'} untracked or ignored and make${absent.length === 1 ? 's' : ''} no Application (${shown}${more}). Add what belongs in the repository to Git (git add) to preview it.\n`,
      );
    }
    // An ApplicationSet file Git does not track is not in Argo CD's clone: say so, by name.
    for (const file of untrackedApplicationSetFiles(out, listing.absentFiles ?? [])) {
      ctx.stderr.write(
        `Warning: ${file} holds an ApplicationSet that Git does not track (untracked or ignored): Argo CD reads only what is committed, so the preview leaves it out. Commit it (git add ${file}) to preview it.\n`,
      );
    }
    const allApps = [...created.values()];
    // Clusters Flux reconciles: their Kustomizations and what each deploys, listed.
    const allFlux = fluxEntriesOf(view);
    const { apps, flux } = previewFilter(values, out, allApps, allFlux);
    if (apps.length + flux.length < allApps.length + allFlux.length) {
      const hidden = [
        ...(allApps.length > apps.length ? [plural(allApps.length - apps.length, 'other Application')] : []),
        ...(allFlux.length > flux.length ? [plural(allFlux.length - flux.length, 'other Flux Kustomization')] : []),
      ];
      ctx.stderr.write(`Note: the filters show part of the preview; not shown: ${hidden.join(' and ')}.\n`);
    }
    const fluxObjects = flux.flatMap((e) => [e.kustomization, ...e.deploys]);
    // What Argo CD would not create comes last, as objects of their own kind.
    const objects = [...apps.map((a) => a.app), ...fluxObjects, ...notCreated.map(notCreatedObject)];
    if (format === 'json') ctx.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
    else if (format === 'yaml') ctx.stdout.write(toYamlDocuments(objects));
    if (format !== 'table' && notCreated.length > 0) {
      ctx.stderr.write(`Warning: Argo CD would not create ${applications(notCreated.length)} the ApplicationSets generate:\n`);
      for (const n of notCreated) ctx.stderr.write(`  ${notCreatedLine(n)}\n`);
    }
    if (format === 'table') {
      const table = (head: string[], rows: string[][]): void => {
        const widths = head.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i].length), h.length));
        for (const r of [head, ...rows])
          ctx.stdout.write(
            `${r
              .map((c, i) => c.padEnd(widths[i]))
              .join('  ')
              .trimEnd()}\n`,
          );
      };
      if (apps.length > 0 || flux.length === 0) {
        const rows = apps.map(({ app, applicationSet }) => {
          const destination = isMap(app.spec.destination) ? app.spec.destination : {};
          return [
            app.metadata.name,
            applicationSet,
            String(app.spec.project ?? ''),
            `${String(destination.name ?? destination.server ?? '')}/${String(destination.namespace ?? '')}`,
          ];
        });
        table(['APPLICATION', 'APPLICATIONSET', 'PROJECT', 'DESTINATION'], rows);
        ctx.stdout.write(`${applications(apps.length)}.\n`);
      }
      if (notCreated.length > 0) {
        ctx.stdout.write(`\nArgo CD would not create ${applications(notCreated.length)}:\n`);
        for (const n of notCreated) ctx.stdout.write(`  ${notCreatedLine(n)}\n`);
      }
      if (flux.length > 0) {
        if (apps.length > 0) ctx.stdout.write('\n');
        const rows = flux.flatMap((e) => {
          const k = e.kustomization;
          // What deploys the workload: a HelmRelease, a Kustomization of the directory, or the entry point's itself.
          const deployers = e.deploys.filter((d) => d.kind === 'HelmRelease' || d.kind === 'Kustomization');
          const base = [e.cluster, `${k.metadata.namespace ?? ''}/${k.metadata.name}`, String(k.spec?.targetNamespace ?? '')];
          return deployers.length === 0
            ? [[...base, '', String(k.spec?.path ?? '')]]
            : deployers.map((d) => [
                ...base,
                `${d.kind} ${d.metadata.name}`,
                d.kind === 'HelmRelease' ? chartOfRelease(d, e.deploys) : baseOfKustomization(d, e.deploys),
              ]);
        });
        table(['CLUSTER', 'KUSTOMIZATION', 'NAMESPACE', 'DEPLOYED BY', 'FROM'], rows);
        const clusters = new Set(flux.map((e) => e.cluster)).size;
        ctx.stdout.write(
          `${flux.length} Flux Kustomization${flux.length === 1 ? '' : 's'} on ${clusters} cluster${clusters === 1 ? '' : 's'}.\n`,
        );
      }
    }
    return notCreated.length > 0 ? ExitCode.CHANGES : ExitCode.OK;
  },
};

export const checkCommand: Command = {
  name: 'check',
  summary: SUMMARIES.check,
  usage: ARGUMENTS.check.usage,
  help: `For the GitOps repository's own CI. Lists every finding with its code and fix: owned files edited
by hand (each with the diff from what cdk8s-gitops writes; lines that may hold a secret are not
shown) or missing, changes the program declares that are not synthesized yet, directories that
would become Applications nobody declared, Applications the ApplicationSets generate that Argo CD
would not create (CG425 a name taken twice, CG426 a name or label the API server refuses), and
values whose digest disagrees with the ledger. Directories are listed as for preview.
Exit code 0 when clean, 2 with findings, 1 on error. Changes nothing.

The ring rules judge every ledger entry the change makes. With --base, that is every entry that
differs from the ledger in REF (the branch a merge request goes into), whatever the manifest
records: run it in the merge-request pipeline of the GitOps repository, so that a commit that
rewrites a ledger and the manifest together is refused too.

Options:
  --app CMD   command that runs the program (default: "app" in cdk8s.yaml)
  --timeout T how long the program may run: seconds or a duration such as 90s, 5m,
              1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
              stopped with every process it started and the command fails
  --out DIR   the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
              the GitOps repository, of a platform that writes several (default:
              the platform's; without --out, its checkout from gitops.repositories)
  --base REF  judge the ledgers against REF, e.g. origin/main (fetched)
  --format    text (default) or json

Example:
  cdk8s-gitops check --out . --base origin/main`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('check', argv, ARGUMENTS.check.options);
    const format = ctx.format(values.format, ['text', 'json']);
    const out = checkoutDir(ctx, 'check', values.out, 'existing', values.repository);
    const running = runProgram('check', values, ctx);
    // The program runs in a process of its own: meanwhile the owned files are looked at.
    const prefetch = CheckoutPrefetch.start(out, running);
    const run = await running;
    const { model, fingerprint } = run;
    assertCheckoutOfRepository(out, run);
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
  },
};

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

/**
 * The Applications and Flux entry points of the targets the filters select, read from the
 * checkout's release model (preview does not run the program): an Application the program does
 * not make (a hand-written ApplicationSet's) belongs to no service and is left out.
 */
function previewFilter<A extends { readonly app: { readonly metadata: { readonly name: string } } }>(
  values: Partial<Record<'service' | 'env' | 'ring' | 'team', string>>,
  out: string,
  apps: readonly A[],
  flux: readonly FluxEntry[],
): { apps: readonly A[]; flux: readonly FluxEntry[] } {
  if (values.service === undefined && values.env === undefined && values.ring === undefined && values.team === undefined)
    return { apps, flux };
  const model = recordedModel('preview', out, 'all').model;
  const filter = targetFilter('preview', model, values);
  const targets = model.targets.filter((t) => selectsTarget(filter, model, t));
  const names = new Set(targets.map(applicationName));
  const dirs = new Set(targets.map((t) => targetDirectory(model, t)));
  const pathOf = (e: FluxEntry): string =>
    String(e.kustomization.spec?.path ?? '')
      .replace(/^\.\//, '')
      .replace(/\/$/, '');
  return { apps: apps.filter((a) => names.has(a.app.metadata.name)), flux: flux.filter((e) => dirs.has(pathOf(e))) };
}

/**
 * The directories the control planes' root Applications deploy, and that of the AppProjects
 * files they apply, as the checkout's release model names them; without a readable one, those
 * of the default layout (the directories below `applicationsets/`, and `projects`).
 */
function previewRootDirectories(out: string, directories: readonly string[]): { roots: RootDirectories; projects: string } {
  // The platform part of the release model says where they are, whichever version wrote it.
  const model = recordedPlatform(out)?.model;
  if (model !== undefined) return { roots: rootApplicationDirectories(model), projects: model.layout.projects };
  return { roots: new Map(directories.filter((d) => /^applicationsets\/[^/]+$/.test(d)).map((d) => [d, undefined])), projects: 'projects' };
}

/**
 * Fails on a file that makes Argo CD render a root Application's directory with Helm or
 * Kustomize (its repo server detects the tool of a source with no explicit type): the
 * ApplicationSets there are not what it applies then.
 *
 * @throws GitOpsError `CG706` naming the file.
 */
function refuseRenderedRootDirectories(roots: RootDirectories, files: readonly string[]): void {
  for (const dir of roots.keys()) {
    const file = sourceToolFile(dir, files);
    if (file === undefined) continue;
    throw GitOpsError.of('CG706', {
      message: `The file ${JSON.stringify(file)} makes Argo CD render ${JSON.stringify(dir)}, which a root Application deploys, with ${file.endsWith('Chart.yaml') ? 'Helm (a file whose name ends in Chart.yaml)' : 'Kustomize (a kustomization file)'} instead of applying its ApplicationSets; the preview cannot say what it applies then.`,
      fix: 'Remove the file (git rm), or rename it.',
      file,
    });
  }
}

/**
 * Fails on an `.argocd-source*` file beside the AppProjects files: Argo CD merges it into the
 * source of each root Application that applies one of them, so that it may apply every other
 * file there (an ApplicationSet among them) instead of its own AppProjects file alone.
 *
 * @throws GitOpsError `CG706` naming the file.
 */
function refuseSourceOverrides(dir: string, files: readonly string[]): void {
  const file = files.find((f) => f.startsWith(`${dir}/.argocd-source`) && !f.includes('/', dir.length + 1));
  if (file === undefined) return;
  throw GitOpsError.of('CG706', {
    message: `The file ${JSON.stringify(file)} changes the source of each root Application that applies an AppProjects file of ${JSON.stringify(dir)} (Argo CD merges it in: which files it applies there, say); the preview cannot say what those Applications apply then.`,
    fix: 'Remove the file (git rm).',
    file,
  });
}

/** The largest untracked file read to tell whether it holds an ApplicationSet. */
const MAX_UNTRACKED_READ = 1024 * 1024;

/** The untracked or ignored files of a checkout that hold an ApplicationSet (a document of that kind). */
function untrackedApplicationSetFiles(dir: string, files: readonly string[]): string[] {
  return files.filter((file) => {
    if (!mayHoldApplicationSets(file)) return false;
    const full = path.join(dir, file);
    const stat = fs.lstatSync(full, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile() || stat.size > MAX_UNTRACKED_READ) return false;
    return /^kind:\s*["']?ApplicationSet["']?\s*$/m.test(fs.readFileSync(full, 'utf8'));
  });
}
