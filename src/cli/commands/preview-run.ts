/**
 * The `preview` command's work: the Applications the checkout's ApplicationSets generate.
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import { assertCheckoutReadable } from '../../workspace/checkout/lock';
import { checkoutSymlinks, mayHoldApplicationSets, previewOfCheckout, viewOfCheckout } from '../../workspace/inspect/checkout';
import { listCheckout } from '../../workspace/inspect/checkout-listing';
import { applications, notCreatedLine, notCreatedObject } from '../not-created';
import { symlinkError } from '../../workspace/checkout/checkout-fs';
import { baseOfKustomization, chartOfRelease, FluxEntry, fluxEntriesOf } from '../../workspace/inspect/flux';
import { selectsTarget, targetFilter } from '../filters';
import { recordedModel } from '../without-program';
import { applicationName, targetDirectory } from '../../model/placement';
import { plural } from '../plural';
import { toYamlDocuments } from '../../core/yaml/emit';
import { parseCommandArgs } from '../args';
import { ExitCode } from '../exit-code';
import { checkoutDir } from '../out-dir';
import { assertRepositoryOfCheckout } from '../../workspace/checkout-repository';
import { isMap } from '../../core/plain';
import { ARGUMENTS } from './arguments';
import { RootDirectories, rootApplicationDirectories, sourceToolFile } from '../../workspace/inspect/root-manifests';
import { recordedPlatform } from '../../workspace/recorded-model';
import { GitOpsError } from '../../core/errors';
import { CommandContext } from '../command';

/** How many untracked or ignored directories `preview` names at most. */
const MAX_ABSENT_SHOWN = 5;

/** Runs `preview` with the arguments `argv`; returns the exit code. */
export function preview(argv: string[], ctx: CommandContext): number {
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
