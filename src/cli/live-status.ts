/**
 * `status --live`: what each target of a control plane reconciled by Argo CD runs, as that Argo
 * CD reports it, against what Git declares; a verdict per target, exit code 2 when any target
 * does not run what Git declares.
 *
 * @module
 */
import type { LiveApplication } from '../live/argocd-client';
import { DeclaredChart, DeclaredImage, LiveVerdict, runsDeclared, verdictOf } from '../live/verdict';
import type { PlatformModel, ServiceModel } from '../model/platform-model';
import { chartLocator, promotedSourceOf } from '../model/source-kinds';
import { shortDigests } from '../model/versions';
import { applicationProject } from '../model/teams';
import type { StatusReport } from '../synth/status';
import type { CommandContext } from './command';
import { argoCdClients, unverifiedConnectionsNote } from './argocd-settings';
import { printable, printableJson } from './terminal-text';
import { isCommitSha } from '../release/release';
import { gitSync } from '../core/git-sync';
import { readYaml } from '../core/yaml/read';
import { targetDirectory } from '../model/placement';
import { BASE_DIRECTORY, baseRevisionIn, KUSTOMIZATION_FILE } from '../synth/sources/kustomize';

/** What to do about a drifted Application, most often one Argo CD has not read the release of yet. */
export const DRIFTED_FIX =
  'A drifted Application is most often one Argo CD has not compared with the release yet: wait for it to refresh (cdk8s-gitops wait), or refresh it now (argocd app get <name> --refresh).';

/** One row of `status --live`. */
export interface LiveRow {
  readonly application: string;
  readonly controlPlane: string;
  readonly ring: string;
  readonly declared: string | null;
  /** The chart (or Kustomize base) revision the ring's release pins, for a service whose chart is promoted with its image. */
  readonly declaredChart: string | null;
  readonly sync: string | null;
  readonly health: string | null;
  readonly since: string | null;
  readonly revisions: readonly string[];
  readonly images: readonly string[];
  /**
   * The versions of the service's own images among `images` (`api=…,worker=…` for named images),
   * as the table compares them with `declared`; `null` when none of them is seen.
   */
  readonly running: string | null;
  /**
   * Whether every image of the ring's release is seen running, whatever the sync status and
   * health; false without an Application, or where Argo CD reports no image.
   */
  readonly runsDeclared: boolean;
  readonly operation: LiveApplication['operation'] | null;
  /** Whether Argo CD syncs it on its own; `null` without an Application. */
  readonly autoSync: boolean | null;
  /** The last successful sync, from the Application's history. */
  readonly deployedAt: string | null;
  readonly verdict: LiveVerdict;
  /** Why the verdict is not `running`, where Argo CD's report says more than its sync status and health. */
  readonly why: string | null;
}

/**
 * What the targets of `report` (those `only` keeps) run, as their control planes' Argo CD report
 * it: a row per emitted target of a control plane reconciled by Argo CD, every answer by
 * `deadline` (epoch milliseconds) when given. The GitOps commits Argo CD reports are read in
 * `checkout` (a Kustomize base's revision is in the overlay there).
 */
export async function liveRows(
  model: PlatformModel,
  report: StatusReport,
  checkout: string,
  env: CommandContext['env'],
  only: (t: StatusReport['targets'][number]) => boolean = () => true,
  deadline?: number,
): Promise<LiveRow[]> {
  const argoCd = new Map(model.controlPlanes.filter((cp) => cp.reconciler?.kind !== 'flux').map((cp) => [cp.name, cp]));
  const cpOf = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  const services = new Map(model.services.map((s) => [s.name, s]));
  const charts = new Map(
    report.services.flatMap((s) =>
      s.rings.flatMap((r) => (r.chart?.pinned === true ? [[`${s.service}\u0000${r.ring}`, r.chart.revision] as const] : [])),
    ),
  );
  // The revision of its source every ring of a service that promotes it reads, pinned or not: a part of what it runs.
  const ringSources = new Map(
    report.services.flatMap((s) =>
      s.rings.flatMap((r) => (r.chart === undefined ? [] : [[`${s.service}\u0000${r.ring}`, r.chart.revision] as const])),
    ),
  );
  // A target whose ring runs nothing yet has no Application by design.
  const targets = report.targets.filter((t) => t.emitted && argoCd.has(cpOf.get(t.environment) ?? '') && only(t));
  const live = new Map<string, LiveApplication>();
  for (const [cp, client] of argoCdClients(model, [...new Set(targets.map((t) => cpOf.get(t.environment)!))], env)) {
    // Only the control plane's own Applications: one of the same name elsewhere is not the target's.
    const namespace = argoCd.get(cp)!.namespace;
    for (const app of await client.applications(undefined, deadline))
      if (app.namespace === namespace) live.set(`${cp}\u0000${app.name}`, app);
  }
  const rows: LiveRow[] = targets.map((t) => {
    const cp = cpOf.get(t.environment)!;
    const found = live.get(`${cp}\u0000${t.application}`);
    const service = services.get(t.service)!;
    const chart = charts.get(`${t.service}\u0000${t.ring}`);
    // In the project the program gives it: one in another project is not the target's.
    const app = found !== undefined && found.project === applicationProject(t.environment, service) ? found : undefined;
    const source = ringSources.get(`${t.service}\u0000${t.ring}`);
    const declared = declaredImages(service, t.digest);
    const { verdict, why } = verdictOf(app, {
      images: declared,
      ...(source === undefined ? {} : { chart: declaredChart(service, source, checkout, targetDirectory(model, { id: t.target })) }),
    });
    return {
      application: t.application,
      controlPlane: cp,
      ring: t.ring,
      declared: t.digest,
      declaredChart: chart ?? null,
      sync: app?.sync ?? null,
      health: app?.health ?? null,
      since: app?.healthSince ?? null,
      revisions: app?.revisions ?? [],
      images: app?.images ?? [],
      running: runningVersions(service, app?.images ?? []),
      runsDeclared: app !== undefined && declared.length > 0 && runsDeclared(app.images, declared) === true,
      operation: app?.operation ?? null,
      deployedAt: app?.deployedAt ?? null,
      autoSync: app?.autoSync ?? null,
      verdict,
      why: why ?? null,
    };
  });
  return rows;
}

/** Runs `status --live`: prints the rows and returns the exit code. */
export async function liveStatus(
  model: PlatformModel,
  report: StatusReport,
  checkout: string,
  format: 'text' | 'json',
  ctx: CommandContext,
): Promise<number> {
  const rows = await liveRows(model, report, checkout, ctx.env);
  const unverified = unverifiedConnectionsNote(
    model,
    rows.map((r) => r.controlPlane),
    ctx.env,
  );
  if (unverified !== undefined) ctx.stderr.write(`Note: ${unverified}\n`);
  if (format === 'json') ctx.stdout.write(`${printableJson({ targets: rows })}\n`);
  else if (rows.length === 0) {
    ctx.stdout.write('No target is read: none is on a control plane reconciled by Argo CD with a release yet.\n');
  } else {
    // The chart a release pins, where one does: beside the digest, as Argo CD's REVISION shows it.
    const charts = rows.some((r) => r.declaredChart !== null);
    const head = [
      'APPLICATION',
      'RING',
      'DECLARED',
      ...(charts ? ['CHART'] : []),
      'RUNNING',
      'REVISION',
      'SYNC',
      'HEALTH',
      'SINCE',
      'VERDICT',
    ];
    const cells = rows.map((r) =>
      [
        r.application,
        r.ring,
        shortVersion(r.declared),
        ...(charts ? [r.declaredChart === null ? '—' : shortRevision(r.declaredChart)] : []),
        shortVersion(r.running),
        r.revisions.length === 0 ? '—' : r.revisions.map(shortRevision).join(','),
        r.sync ?? '—',
        r.health ?? '—',
        r.since ?? '—',
        r.verdict,
      ].map(printable),
    );
    const widths = head.map((h, i) => cells.reduce((w, c) => Math.max(w, c[i].length), h.length));
    for (const r of [head, ...cells])
      ctx.stdout.write(
        `${r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd()}\n`,
      );
    const off = rows.filter((r) => r.verdict !== 'running');
    ctx.stdout.write(
      off.length === 0
        ? `${rows.length} target${rows.length === 1 ? '' : 's'}: all run what Git declares.\n`
        : `${off.length} of ${rows.length} target${rows.length === 1 ? '' : 's'} do not run what Git declares.\n`,
    );
    for (const r of off.filter((x) => x.operation?.message !== undefined))
      ctx.stdout.write(`  ${r.application}: ${printable(r.operation!.phase)}: ${printable(r.operation!.message!)}\n`);
    for (const r of off.filter((x) => x.why !== null)) ctx.stdout.write(`  ${r.application}: ${printable(r.why!)}.\n`);
    if (off.some((r) => r.verdict === 'drifted')) ctx.stdout.write(`${DRIFTED_FIX}\n`);
  }
  return rows.every((r) => r.verdict === 'running') ? 0 : 2;
}

/** A revision as a table shows it: a commit SHA by its first 8 characters. */
function shortRevision(revision: string): string {
  return isCommitSha(revision) ? revision.slice(0, 8) : revision;
}

/** A version as a table shows it: a digest by its first 8 hex characters. */
export function shortVersion(v: string | null): string {
  return v === null ? '—' : shortDigests(v);
}

/** The images target of `service` runs at `version` (`api=sha256:…,worker=…` for named images), each with its repository. */
function declaredImages(service: ServiceModel, version: string | null): DeclaredImage[] {
  if (version === null) return [];
  if (service.images === undefined) return service.imageRepository === undefined ? [] : [{ repository: service.imageRepository, version }];
  const versions = new Map(version.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  return service.images.flatMap((i) => (versions.has(i.name) ? [{ repository: i.repository, version: versions.get(i.name)! }] : []));
}

/**
 * The versions of `service`'s images among the live `images`, as `declared` spells a release: the
 * version alone for one image, `name=version` joined by `,` for named images (a tag and a digest
 * of one image as `tag@digest`). Null when none is seen.
 */
function runningVersions(service: ServiceModel, images: readonly string[]): string | null {
  const repositories =
    service.images?.map((i) => ({ name: i.name, repository: i.repository })) ??
    (service.imageRepository === undefined ? [] : [{ name: undefined, repository: service.imageRepository }]);
  const seen = repositories.flatMap(({ name, repository }) => {
    const versions = [
      ...new Set(
        images.filter((i) => i.startsWith(`${repository}@`) || i.startsWith(`${repository}:`)).map((i) => i.slice(repository.length + 1)),
      ),
    ].sort();
    return versions.length === 0 ? [] : [name === undefined ? versions.join(' ') : `${name}=${versions.join(' ')}`];
  });
  return seen.length === 0 ? null : seen.join(',');
}

/**
 * The revision of `service`'s source a ring reads (`revision`), and what ties it to Argo CD's
 * report. A chart: the Application's source that is the chart (its repository, and its name in a
 * Helm repository or its path in a Git repository or an OCI artifact; see `chartLocator`), and the revision as Argo CD reports it resolved where it reports it
 * as it is: a Helm repository chart's version, a Git chart's commit SHA; not a tag (it resolves
 * to its commit) nor an OCI chart's version (to the artifact's digest). A Kustomize base: the
 * GitOps commit Argo CD synced, whose overlay of the target (in `directory`, read in `checkout`)
 * names the base's revision; Argo CD reads the base through it and never reports its own.
 */
function declaredChart(service: ServiceModel, revision: string, checkout: string, directory: string): DeclaredChart {
  const source = service.source;
  if (source.kind === 'kustomize')
    return { revision, baseAt: (sha) => baseAtCommit(checkout, `${directory}/${BASE_DIRECTORY}/${KUSTOMIZATION_FILE}`, sha) };
  const inGit = promotedSourceOf(service)?.inGit;
  const reported =
    inGit === true
      ? isCommitSha(revision)
        ? revision
        : undefined
      : source.kind === 'helm' && source.origin === 'helm-repository'
        ? revision
        : undefined;
  return {
    revision,
    ...(source.kind === 'helm' ? { repoURL: source.repoURL, ...chartLocator(source) } : {}),
    ...(reported === undefined ? {} : { reported }),
  };
}

/**
 * The base revision the kustomization `file` (a path of the checkout) names at commit `sha` of
 * the checkout `dir`: null where the commit has no such file or it names none, undefined where
 * the commit is not in the checkout.
 */
function baseAtCommit(dir: string, file: string, sha: string): string | null | undefined {
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) return undefined;
  if (gitSync(dir, ['cat-file', '-e', `${sha}^{commit}`]).status !== 0) return undefined;
  const text = gitSync(dir, ['cat-file', 'blob', `${sha}:./${file}`]);
  if (text.status !== 0) return null;
  try {
    return baseRevisionIn(readYaml(text.stdout)) ?? null;
  } catch {
    return null;
  }
}
