/**
 * GitOps repositories: which repository each control plane's Argo CD reads, which repository
 * each ring's ledger entries live in, and the part of the model one repository's checkout holds.
 *
 * A platform writes one checkout per GitOps repository. Each is a complete checkout of its own
 * (manifest, release model, ledgers, STATUS.md) holding only the files of the control planes
 * that read that repository; {@link modelForRepository} gives the model it is written from, so
 * every stage downstream (synth, plan, preview, check, promote, publish) works on one repository
 * exactly as it works on a platform with one.
 *
 * @module
 */
import { GitOpsError, Problem, problem } from '../core/errors';
import { formatDuration } from '../core/timestamp';
import { redactUrl, sshUrlOf } from './names';
import type { ControlPlaneModel, GitOpsRepositoryModel, PlatformModel, RingModel } from './platform-model';

export type { GitOpsRepositoryModel } from './platform-model';

/**
 * The key two URLs of one repository share: as Argo CD's `git.SameURL` normalizes a Git URL
 * (lower case, without white space around or a trailing `.git`, an scp-like `git@host:path` read
 * as `ssh://git@host/path`), and without a trailing `/` besides.
 */
export function repositoryKey(url: string): string {
  return sshUrlOf(url.trim())
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

/** Whether two URLs name the same repository (see {@link repositoryKey}). */
export function sameRepository(a: string, b: string): boolean {
  return repositoryKey(a) === repositoryKey(b);
}

/** The repository a control plane's Argo CD reads: its own, else the platform's. */
export function repositoryOf(model: Pick<PlatformModel, 'repoURL' | 'revision'>, cp: ControlPlaneModel): GitOpsRepositoryModel {
  return cp.repository ?? { repoURL: model.repoURL, revision: model.revision };
}

/**
 * The GitOps repositories of the platform, each once: the platform's first, then the control
 * planes' in declaration order.
 */
export function repositoriesOf(model: PlatformModel): GitOpsRepositoryModel[] {
  const out: GitOpsRepositoryModel[] = [{ repoURL: model.repoURL, revision: model.revision }];
  for (const cp of model.controlPlanes) {
    const repo = repositoryOf(model, cp);
    if (!out.some((r) => sameRepository(r.repoURL, repo.repoURL))) out.push(repo);
  }
  return out;
}

/** Whether the platform writes more than one GitOps repository (a control plane reads another than the platform's). */
export function isSplit(model: PlatformModel): boolean {
  return model.controlPlanes.some((cp) => !sameRepository(repositoryOf(model, cp).repoURL, model.repoURL));
}

/**
 * The repository of each ring, by name: the one its targets' control planes read. A ring without
 * targets (which the program refuses, CG118) would belong to the repository of the nearest ring
 * before it that has targets, else to the platform's. A ring whose targets are read from several repositories is given the first of them
 * here and reported by {@link problemsOfRepositories}.
 */
export function ringRepositories(model: PlatformModel): Map<string, GitOpsRepositoryModel> {
  const cpOfEnvironment = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  const cps = new Map(model.controlPlanes.map((cp) => [cp.name, cp]));
  const environmentOfTarget = new Map(model.targets.map((t) => [t.id, t.environment]));
  const out = new Map<string, GitOpsRepositoryModel>();
  let last: GitOpsRepositoryModel = { repoURL: model.repoURL, revision: model.revision };
  for (const ring of model.rings) {
    const repos = ringTargetRepositories(model, ring, environmentOfTarget, cpOfEnvironment, cps);
    const repo = repos[0] ?? last;
    out.set(ring.name, repo);
    last = repo;
  }
  return out;
}

/** The distinct repositories of a ring's targets, in the order of its targets. */
function ringTargetRepositories(
  model: PlatformModel,
  ring: RingModel,
  environmentOfTarget: ReadonlyMap<string, string>,
  cpOfEnvironment: ReadonlyMap<string, string>,
  cps: ReadonlyMap<string, ControlPlaneModel>,
): GitOpsRepositoryModel[] {
  const out: GitOpsRepositoryModel[] = [];
  for (const id of ring.targets) {
    const cp = cps.get(cpOfEnvironment.get(environmentOfTarget.get(id) ?? '') ?? '');
    if (cp === undefined) continue;
    const repo = repositoryOf(model, cp);
    if (!out.some((r) => sameRepository(r.repoURL, repo.repoURL))) out.push(repo);
  }
  return out;
}

/**
 * What is wrong with the platform's repositories: a ring whose targets are read from several
 * repositories (its ledger entries can live in only one), and one repository read at two
 * revisions (one checkout is of one branch).
 */
export function problemsOfRepositories(model: PlatformModel): Problem[] {
  if (!isSplit(model) && !model.controlPlanes.some((cp) => cp.repository !== undefined)) return [];
  const problems: Problem[] = [];
  const seen: GitOpsRepositoryModel[] = [{ repoURL: model.repoURL, revision: model.revision }];
  for (const cp of model.controlPlanes) {
    const repo = repositoryOf(model, cp);
    const other = seen.find((r) => sameRepository(r.repoURL, repo.repoURL) && r.revision !== repo.revision);
    if (other !== undefined) {
      problems.push(
        problem('CG155', {
          constructPath: cp.path,
          message: `Control plane "${cp.name}" reads the GitOps repository ${redactUrl(repo.repoURL)} at revision "${repo.revision}", which the platform (or another control plane) reads at "${other.revision}": one checkout holds one branch of a repository.`,
          fix: `Give it the same revision ("${other.revision}"), or a repository of its own.`,
        }),
      );
    } else {
      seen.push(repo);
    }
  }
  const cpOfEnvironment = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  const cps = new Map(model.controlPlanes.map((cp) => [cp.name, cp]));
  const environmentOfTarget = new Map(model.targets.map((t) => [t.id, t.environment]));
  for (const ring of model.rings) {
    const repos = ringTargetRepositories(model, ring, environmentOfTarget, cpOfEnvironment, cps);
    if (repos.length < 2) continue;
    const where = repos.map((r) => {
      const planes = model.controlPlanes.filter((cp) => sameRepository(repositoryOf(model, cp).repoURL, r.repoURL)).map((cp) => cp.name);
      const inRing = new Set(ring.targets.map((id) => cpOfEnvironment.get(environmentOfTarget.get(id) ?? '')));
      return `${redactUrl(r.repoURL)} (control plane${planes.length === 1 ? '' : 's'} ${planes.filter((p) => inRing.has(p)).join(', ')})`;
    });
    problems.push(
      problem('CG155', {
        constructPath: ring.path,
        message: `Ring "${ring.name}" has targets read from ${repos.length} GitOps repositories, ${where.join(' and ')}: a ring's release is recorded in one repository's ledgers, which the others' Argo CD never reads.`,
        fix: `Split the ring into one ring per repository (e.g. "${ring.name}-<control plane>", one after the other), or give those control planes one repository.`,
      }),
    );
  }
  // A repository's ledgers judge a ring by the ring before it there: its rings follow one another.
  const ringRepos = ringRepositories(model);
  const runs: { repoURL: string; rings: string[] }[] = [];
  for (const ring of model.rings) {
    const url = ringRepos.get(ring.name)!.repoURL;
    const last = runs[runs.length - 1];
    if (last !== undefined && sameRepository(last.repoURL, url)) last.rings.push(ring.name);
    else runs.push({ repoURL: url, rings: [ring.name] });
  }
  problems.push(...gatesBehindOtherRepositories(model, ringRepos));
  runs.forEach((run, index) => {
    const at = runs
      .slice(0, Math.max(0, index - 1))
      .map((r) => sameRepository(r.repoURL, run.repoURL))
      .lastIndexOf(true);
    if (at < 0) return;
    const earlier = runs[at]!;
    const skipped = runs.slice(at + 1, index);
    const between = {
      repoURL: skipped
        .map((r) => redactUrl(r.repoURL))
        .filter((u, i, all) => all.indexOf(u) === i)
        .join(', '),
      rings: skipped.flatMap((r) => r.rings),
    };
    const ring = model.rings.find((r) => r.name === run.rings[0])!;
    problems.push(
      problem('CG155', {
        constructPath: ring.path,
        message: `Ring "${ring.name}" is read from ${redactUrl(run.repoURL)}, as is "${earlier.rings[earlier.rings.length - 1]}" before it, but the ring${between.rings.length === 1 ? '' : 's'} between (${between.rings.map((r) => `"${r}"`).join(', ')}) ${between.rings.length === 1 ? 'is' : 'are'} read from ${between.repoURL}: that repository's ledgers would judge "${ring.name}" by "${earlier.rings[earlier.rings.length - 1]}" and let a release skip ${between.rings.map((r) => `"${r}"`).join(', ')}.`,
        fix: `Order the rings so that the rings of one repository follow one another, or give those control planes one repository.`,
      }),
    );
  });
  return problems;
}

/**
 * CG156 for a ring with a health gate or a soak whose ring before is read from another GitOps
 * repository: its checkout reads neither the ring before's ledger (the release it runs, the
 * commit that recorded it) nor the control planes of that ring, so neither gate could be judged
 * there, by a promotion nor by `check` or `publish` after it.
 */
function gatesBehindOtherRepositories(model: PlatformModel, ringRepos: Map<string, GitOpsRepositoryModel>): Problem[] {
  return model.rings.flatMap((ring, index): Problem[] => {
    const before = index > 0 ? model.rings[index - 1]! : undefined;
    if (before === undefined || sameRepository(ringRepos.get(before.name)!.repoURL, ringRepos.get(ring.name)!.repoURL)) return [];
    const gates = [
      ...(ring.gates.requireHealthy === true ? ['Gate.healthy()'] : []),
      ...(ring.gates.soakSeconds > 0 ? [`Gate.soak(${formatDuration(ring.gates.soakSeconds)})`] : []),
    ];
    if (gates.length === 0) return [];
    const there = redactUrl(ringRepos.get(before.name)!.repoURL);
    return [
      problem('CG156', {
        constructPath: ring.path,
        message:
          `Ring "${ring.name}" has ${gates.join(' and ')}, but the ring before it, "${before.name}", is read from another GitOps repository (${there}): ` +
          `a promotion into "${ring.name}" is made in ${redactUrl(ringRepos.get(ring.name)!.repoURL)}, whose checkout reads neither what "${before.name}" runs nor since when, so ${gates.length === 1 ? 'the gate' : 'the gates'} could not be held.`,
        fix:
          `Drop ${gates.join(' and ')} from ring "${ring.name}" and order the promotion in the pipeline (cdk8s-gitops wait <service> --ring ${before.name} --repository ${there} in that repository's checkout, then promote into "${ring.name}"), ` +
          `or read "${before.name}" and "${ring.name}" from one repository.`,
      }),
    ];
  });
}

/**
 * The part of the model that the checkout of the repository `repoURL` is written from: its
 * control planes, their environments, clusters and targets, the rings whose ledger entries it
 * holds (a ring that takes its releases from a ring of another repository says so in
 * `takesFrom`), and the services with targets there (a service with none anywhere stays with
 * the platform's repository). `repoURL` and `revision` are the repository's. A platform with
 * one repository is returned as it is.
 *
 * @param repoURL the repository, as the program or the command line names it
 *   (see {@link sameRepository}); @default - the platform's
 * @throws GitOpsError `CG319` when no control plane reads that repository
 */
export function modelForRepository(model: PlatformModel, repoURL?: string): PlatformModel {
  const wanted = repoURL ?? model.repoURL;
  const repositories = repositoriesOf(model);
  const repo = repositories.find((r) => sameRepository(r.repoURL, wanted));
  const planes = model.controlPlanes.filter((cp) => sameRepository(repositoryOf(model, cp).repoURL, wanted));
  if (repo === undefined || (planes.length === 0 && model.controlPlanes.length > 0)) {
    const known = repositories.filter((r) => model.controlPlanes.some((cp) => sameRepository(repositoryOf(model, cp).repoURL, r.repoURL)));
    throw GitOpsError.of('CG319', {
      message:
        `${repoURL === undefined ? `No control plane reads the platform's repository ${redactUrl(wanted)}` : `No control plane of the program reads the GitOps repository ${redactUrl(wanted)}`}; ` +
        `the program's control planes read ${known.map((r) => redactUrl(r.repoURL)).join(', ')}.`,
      fix: `Pass --repository with one of them (and --out with its checkout, or map it in gitops.repositories in cdk8s.yaml).`,
    });
  }
  if (planes.length === model.controlPlanes.length && sameRepository(repo.repoURL, model.repoURL)) return model;
  const planeNames = new Set(planes.map((cp) => cp.name));
  const environments = model.environments.filter((e) => planeNames.has(e.controlPlane));
  const environmentNames = new Set(environments.map((e) => e.name));
  const targets = model.targets.filter((t) => environmentNames.has(t.environment));
  const ringRepos = ringRepositories(model);
  const here = (ring: string): boolean => sameRepository(ringRepos.get(ring)!.repoURL, repo.repoURL);
  const rings = model.rings.flatMap((ring, index): RingModel[] => {
    if (!here(ring.name)) return [];
    const before = index > 0 ? model.rings[index - 1]! : undefined;
    return [
      before === undefined || here(before.name)
        ? ring
        : { ...ring, takesFrom: { ring: before.name, repoURL: ringRepos.get(before.name)!.repoURL } },
    ];
  });
  const serviceNames = new Set(targets.map((t) => t.service));
  const placed = new Set(model.targets.map((t) => t.service));
  const platformRepository = sameRepository(repo.repoURL, model.repoURL);
  const services = model.services.filter((s) => serviceNames.has(s.name) || (platformRepository && !placed.has(s.name)));
  const layerIds = new Set(targets.flatMap((t) => t.layers));
  // A ring of another repository, and each name it moved from: a ledger here that still records
  // one of those names holds a ring whose releases the program now places there.
  const ringsElsewhere = Object.fromEntries(
    model.rings
      .filter((r) => !here(r.name))
      .flatMap((r) => [r.name, ...(r.movedFrom ?? [])].map((name) => [name, ringRepos.get(r.name)!.repoURL] as const))
      .filter(([name]) => !rings.some((r) => r.name === name || (r.movedFrom ?? []).includes(name))),
  );
  return {
    ...model,
    repoURL: repo.repoURL,
    revision: repo.revision,
    controlPlanes: planes,
    environments,
    clusters: model.clusters.filter((c) => environmentNames.has(c.environment)),
    services,
    rings,
    layers: Object.fromEntries(Object.entries(model.layers).filter(([id]) => layerIds.has(id))),
    targets,
    ...(Object.keys(ringsElsewhere).length > 0 ? { ringsElsewhere } : {}),
  };
}
