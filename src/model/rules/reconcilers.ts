/** What a control plane reconciled by Flux can run. */
import { Problem, problem } from '../../core/errors';
import { PlatformModel } from '../platform-model';
import { credentialsFor } from '../source-credentials';
import { clusterScopedResource } from '../cluster-scoped-kinds';
import { FLUX_NAMESPACE as FLUX_SYSTEM, ownNamespaceFor, SENSITIVE_NAMESPACES } from './namespaces';

/** The names Flux uses in its namespace: its root Kustomization, its controllers' service accounts. */
const FLUX_NAMES = new Set([
  FLUX_SYSTEM,
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'notification-controller',
  'image-reflector-controller',
  'image-automation-controller',
  'source-watcher',
  // The account every pod of flux-system, and every Flux object there without one, runs as.
  'default',
]);

/**
 * CG151 for what cannot run on a control plane reconciled by Flux: Argo CD's own installation (it
 * manages itself from a cluster Argo CD reconciles), sync windows (Flux has none), a manual sync
 * policy, a Git revision or URL Flux does not read, an SSH repository without a Secret, a service
 * in Flux's namespace or named as Flux's own objects, a health gate on a ring after one on Flux.
 * One problem per service, environment or ring.
 */
export function problemsOfReconcilers(model: PlatformModel): Problem[] {
  const flux = new Set(model.controlPlanes.filter((cp) => cp.reconciler?.kind === 'flux').map((cp) => cp.name));
  if (flux.size === 0) return [];
  const fluxEnvironments = new Set(model.environments.filter((e) => flux.has(e.controlPlane)).map((e) => e.name));
  const reconcilerOf = new Map(
    model.environments.flatMap((e) => {
      const r = model.controlPlanes.find((cp) => cp.name === e.controlPlane)?.reconciler;
      return r?.kind === 'flux' ? [[e.name, r] as const] : [];
    }),
  );
  const problems: Problem[] = [];
  // A health gate reads the ring before from Argo CD.
  model.rings.forEach((ring, i) => {
    const before = model.rings[i - 1];
    if (ring.gates.requireHealthy !== true || before === undefined) return;
    const onFlux = [
      ...new Set(model.targets.filter((t) => t.ring === before.name && fluxEnvironments.has(t.environment)).map((t) => t.environment)),
    ];
    if (onFlux.length === 0) return;
    problems.push(
      problem('CG151', {
        constructPath: ring.path,
        message: `Ring ${ring.name} has a health gate (Gate.healthy()), which reads the ring before it, ${before.name}, from Argo CD; its targets in ${onFlux.join(', ')} are on a control plane reconciled by Flux, whose state cdk8s-gitops does not read.`,
        fix: `Drop Gate.healthy() from ring ${ring.name}, or keep the ring before it on control planes reconciled by Argo CD.`,
      }),
    );
  });
  for (const e of model.environments) {
    if (!fluxEnvironments.has(e.name)) continue;
    const refuse = (what: string, fix: string): void => {
      problems.push(
        problem('CG151', {
          constructPath: e.path,
          message: `Environment ${e.name} ${what}; its control plane ${e.controlPlane} is reconciled by Flux.`,
          fix,
        }),
      );
    };
    if (e.syncPolicy.automated === undefined) {
      refuse(
        'syncs manually (the default sync policy), but Flux applies every change it reads: it has no manual sync',
        'Give the environment syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }) (prune: false keeps what a target no longer declares).',
      );
    }
    if (e.syncWindows.length > 0)
      refuse(
        'declares sync windows, which Flux does not have',
        'Leave the windows out, or keep the environment on a control plane reconciled by Argo CD.',
      );
    if (e.clusterResources.length > 0) {
      refuse(
        "lets its services create cluster-scoped kinds (clusterResources): on Flux the rights would go to an account of each service's namespace, which any pod there may run as",
        'Leave clusterResources out (declare what is cluster-scoped as a ClusterAddon), or keep the environment on a control plane reconciled by Argo CD.',
      );
    }
  }
  // Each target's namespace, service accounts and role binding are declared in its file of the
  // entry point: two in one namespace of a cluster would declare them twice, and Flux would build
  // no entry point of that cluster.
  const byNamespace = new Map<string, string[]>();
  const namespaceOf = new Map(model.services.map((s) => [s.name, s.namespace]));
  for (const t of model.targets) {
    if (!fluxEnvironments.has(t.environment)) continue;
    const key = `${t.environment}/${t.cloud}/${t.cluster}\u0000${namespaceOf.get(t.service) ?? ''}`;
    byNamespace.set(key, [...(byNamespace.get(key) ?? []), t.service]);
  }
  const reported = new Set<string>();
  const addons = new Set(model.services.filter((s) => s.addon !== undefined).map((s) => s.name));
  for (const [key, names] of byNamespace) {
    // Services sharing a namespace are refused on every reconciler (CG104); add-ons only here.
    if (names.length < 2 || !names.some((n) => addons.has(n))) continue;
    const [cluster, ns] = key.split('\u0000');
    const sorted = [...names].sort();
    if (reported.has(sorted.join(','))) continue;
    reported.add(sorted.join(','));
    problems.push(
      problem('CG151', {
        constructPath: model.services.find((s) => s.name === sorted[1])?.path ?? '',
        message: `${sorted.join(' and ')} deploy into namespace ${ns} of cluster ${cluster}, reconciled by Flux, where each target has the namespace's service accounts and rights of its own.`,
        fix: 'Give each its own namespace.',
      }),
    );
  }
  // An add-on's cluster-scoped kinds become a ClusterRole of its HelmRelease's account: only kinds
  // known to be cluster-scoped (a namespaced one would be granted in every namespace), and never
  // in a namespace others run pods in (any pod there may run as that account).
  for (const s of model.services) {
    if (s.addon === undefined || s.addon.argoCd !== undefined) continue;
    const env = model.targets.find((t) => t.service === s.name && fluxEnvironments.has(t.environment))?.environment;
    if (env === undefined) continue;
    const unknown = s.addon.clusterResources.filter((k) => clusterScopedResource(k.group, k.kind) === undefined);
    if (unknown.length > 0) {
      problems.push(
        problem('CG151', {
          constructPath: s.path,
          message: `${s.name} declares ${unknown.map((k) => `${k.group}/${k.kind}`).join(', ')} in clusterResources, which cdk8s-gitops does not know to be cluster-scoped, and it runs in environment ${env}, reconciled by Flux: granted cluster-wide, a namespaced kind would reach every namespace.`,
          fix: 'Keep only kinds that are cluster-scoped and known (CustomResourceDefinition, ClusterRole, webhooks, …), or run the add-on on a control plane reconciled by Argo CD.',
        }),
      );
    }
    if (s.addon.clusterResources.length > 0 && SENSITIVE_NAMESPACES.includes(s.namespace)) {
      problems.push(
        problem('CG151', {
          constructPath: s.path,
          message: `${s.name} creates cluster-scoped kinds from namespace ${s.namespace}, and it runs in environment ${env}, reconciled by Flux: its rights would go to an account of that namespace, which any pod there may run as.`,
          fix: `Give the add-on a namespace of its own, e.g. namespace: '${ownNamespaceFor(model, s)}'.`,
        }),
      );
    }
  }
  const onFlux = new Map<string, string>();
  for (const t of model.targets) if (fluxEnvironments.has(t.environment) && !onFlux.has(t.service)) onFlux.set(t.service, t.environment);
  // Flux's own namespace and names: a service there, or named as one of them, would replace Flux's
  // own service accounts, or the Kustomization flux bootstrap made, in every cluster's entry point.
  for (const s of model.services) {
    const env = onFlux.get(s.name);
    if (env === undefined) continue;
    if (s.namespace === FLUX_SYSTEM) {
      problems.push(
        problem('CG151', {
          constructPath: s.path,
          message: `${s.name} deploys into namespace ${FLUX_SYSTEM}, where Flux runs, in environment ${env}, reconciled by Flux: it could change Flux itself.`,
          fix: `Give the service a namespace of its own, e.g. namespace: '${ownNamespaceFor(model, s)}'.`,
        }),
      );
    }
    if (s.name === 'cloudbuild') {
      problems.push(
        problem('CG151', {
          constructPath: s.path,
          message: `${s.name}'s file in a cluster's entry point would be cloudbuild.yaml, which Flux's source-controller always leaves out, in environment ${env}, reconciled by Flux: it would never be deployed.`,
          fix: 'Give the service another name.',
        }),
      );
    }
    if (FLUX_NAMES.has(s.name)) {
      problems.push(
        problem('CG151', {
          constructPath: s.path,
          message: `${s.name} is named as Flux's own ${s.name === FLUX_SYSTEM ? 'Kustomization' : s.name === 'default' ? 'default service account' : 'controller'} in namespace ${FLUX_SYSTEM}, where each service of environment ${env} (reconciled by Flux) has its Kustomization and service account.`,
          fix: 'Give the service another name.',
        }),
      );
    }
  }
  for (const s of model.services) {
    const env = onFlux.get(s.name);
    if (env === undefined) continue;
    const what = s.addon?.argoCd !== undefined ? "Argo CD's own installation" : undefined;
    if (what === undefined) {
      // A revision Flux's GitRepository is given: a chart's in a Git repository, a remote base's.
      const source = s.source;
      const git =
        source.kind === 'helm' && source.origin === undefined
          ? { what: 'chart', revision: source.targetRevision, url: source.repoURL }
          : source.kind === 'kustomize' && source.repoURL !== undefined
            ? { what: 'base', revision: source.targetRevision, url: source.repoURL }
            : undefined;
      const url = source.kind === 'helm' ? source.repoURL : source.kind === 'kustomize' ? source.repoURL : undefined;
      const credentials = url === undefined ? undefined : credentialsFor(reconcilerOf.get(env)?.sourceCredentials, url);
      const provider = credentials?.provider;
      if (git !== undefined && /^(ssh:\/\/|git@)/.test(git.url) && credentials?.secretName === undefined) {
        problems.push(
          problem('CG151', {
            constructPath: s.path,
            message: `${s.name}'s ${git.what} repository is read over SSH, and it runs in environment ${env}, reconciled by Flux, which reads an SSH repository only with a Secret holding its identity and known_hosts.`,
            fix: "Give the control plane's reconciler sourceCredentials: [FluxSourceCredentials.secret('<the repository or a directory of it>', '<Secret name>')], or an https:// URL.",
          }),
        );
      }
      if (provider !== undefined && source.kind !== 'rendered') {
        const origin = source.kind === 'helm' ? (source.origin ?? 'git') : 'git';
        const takes = origin === 'oci' ? ['aws', 'azure', 'gcp'] : origin === 'git' ? ['aws', 'azure'] : [];
        if (!takes.includes(provider)) {
          problems.push(
            problem('CG151', {
              constructPath: s.path,
              message: `${s.name}'s ${origin === 'oci' ? 'OCI registry' : origin === 'git' ? 'Git repository' : 'Helm repository'} is read with Flux's ${provider} identity (sourceCredentials), which Flux does not take for it${takes.length === 0 ? ' (only for an OCI one)' : ` (it takes ${takes.join(' or ')})`}.`,
              fix: 'Give this repository FluxSourceCredentials.secret(url, name) instead.',
            }),
          );
        }
      }
      if (git?.url.startsWith('git://')) {
        problems.push(
          problem('CG151', {
            constructPath: s.path,
            message: `${s.name}'s ${git.what} repository is a git:// URL, and it runs in environment ${env}, reconciled by Flux, whose GitRepository reads only http(s):// and ssh:// URLs.`,
            fix: 'Give the https:// or ssh:// URL of the repository.',
          }),
        );
      }
      const why = git === undefined ? undefined : fluxGitRevisionProblem(git.revision);
      if (why !== undefined) {
        problems.push(
          problem('CG151', {
            constructPath: s.path,
            message: `${s.name}'s ${git!.what} revision "${git!.revision}" ${why}, and it runs in environment ${env}, reconciled by Flux, which must be told a branch, a tag or a commit.`,
            fix: 'Name the branch (main, or refs/heads/<branch>), the tag (v1.2.3, or refs/tags/<tag>) or the full commit SHA.',
          }),
        );
      }
      continue;
    }
    problems.push(
      problem('CG151', {
        constructPath: s.path,
        message: `${s.name} is ${what}, and it would run on a cluster of environment ${env}, reconciled by Flux: Argo CD managing itself needs the cluster it runs on to be reconciled by Argo CD.`,
        fix: "Run the control plane's Argo CD on a cluster of an environment reconciled by Argo CD (runsOn).",
      }),
    );
  }
  return problems;
}

/** Why a Git revision cannot be given to Flux as a branch, tag or commit, or undefined. */
export function fluxGitRevisionProblem(revision: string): string | undefined {
  if (revision === 'HEAD') return 'is HEAD, which Flux does not resolve';
  if (revision.startsWith('refs/') && (revision.endsWith('/') || /^refs\/(heads|tags)$/.test(revision)))
    return 'names no branch, tag or ref';
  if (/^[0-9a-f]{7,39}$/i.test(revision)) return 'is a short commit SHA';
  if (/^[0-9a-fA-F]{40}$/.test(revision) && /[A-F]/.test(revision)) return 'is a commit SHA in upper case';
  return undefined;
}
