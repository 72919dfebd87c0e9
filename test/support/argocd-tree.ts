/**
 * Reads a synthesized tree as Argo CD would: its objects, the Applications its ApplicationSets
 * generate from the directories of the tree, and what each AppProject allows.
 */
import { isDeepStrictEqual } from 'util';
import { parse, parseAllDocuments } from 'yaml';
import { argoCdGitRevision, IN_CLUSTER_SERVER as IN_CLUSTER } from '../../src/model/argo-object';
import { applicationName } from '../../src/model/placement';
import { EnvironmentModel, HelmSourceModel, PlatformModel, ServiceModel } from '../../src/model/platform-model';
import { projectTeamOf, teamProjectName } from '../../src/model/teams';
import { withGeneratorTemplate } from './application-set';

/** A parsed Argo CD object and the file it came from. */
export interface TreeObject {
  readonly file: string;
  readonly obj: any;
}

/** Every object in the YAML files of the tree but values files and ledgers. */
export function argoObjects(model: PlatformModel, files: Readonly<Record<string, string>>): TreeObject[] {
  const dirs = [model.layout.applicationSets, model.layout.projects, model.layout.bootstrap];
  return Object.entries(files)
    .filter(([p]) => p.endsWith('.yaml') && dirs.some((d) => p.startsWith(`${d}/`)))
    .flatMap(([file, text]) =>
      parseAllDocuments(text).map((d) => {
        if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0].message}`);
        return { file, obj: d.toJS() };
      }),
    );
}

/** Go's `path.Match` for the patterns the SDK writes: `*` and `?` never cross `/`; no classes. */
function globRegex(glob: string): RegExp {
  if (/[[\\]/.test(glob)) throw new Error(`Pattern "${glob}" uses a character class; this reader does not expand them.`);
  return new RegExp(
    `^${glob
      .split('')
      .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|]/g, '\\$&')))
      .join('')}$`,
  );
}

/**
 * Renders the Go template expressions the SDK writes; any other expression is an error.
 * `file` holds the keys of a git files generator's file (`.chart.revision`).
 */
function render(value: unknown, dir: string, file?: Readonly<Record<string, any>>): unknown {
  const segments = dir.split('/');
  const index = (n: string): string => {
    const s = segments[Number(n)];
    if (s === undefined) throw new Error(`missingkey: segment ${n} of ${dir}`);
    return s;
  };
  if (typeof value === 'string') {
    return value.replace(/\{\{(.*?)\}\}/g, (_m, expr: string) => {
      const e = expr.trim();
      let m: RegExpMatchArray | null;
      if (e === '.path.path') return dir;
      if ((m = e.match(/^\.([a-z]+)\.([a-z]+)$/i)) && file !== undefined) {
        const v = file[m[1]]?.[m[2]];
        if (typeof v !== 'string') throw new Error(`missingkey: ${e} in the generator file of ${dir}`);
        return v;
      }
      if ((m = e.match(/^index \.path\.segments (\d+)$/))) return index(m[1]);
      if ((m = e.match(/^printf "%s-%s" \(index \.path\.segments (\d+)\) \(index \.path\.segments (\d+)\)$/)))
        return `${index(m[1])}-${index(m[2])}`;
      throw new Error(`Unknown template expression {{${expr}}}`);
    });
  }
  if (Array.isArray(value)) return value.map((v) => render(v, dir, file));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, dir, file)]));
  return value;
}

/** One Application an ApplicationSet generates. */
export interface GeneratedApplication {
  readonly set: string;
  readonly controlPlane: string;
  readonly dir: string;
  readonly app: any;
}

/**
 * The Applications the tree's ApplicationSets generate: one per (set, directory) where a
 * directory of the tree matches an include pattern and no exclude pattern of the set's git
 * directory generator.
 */
export function generatedApplications(model: PlatformModel, files: Readonly<Record<string, string>>): GeneratedApplication[] {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const out: GeneratedApplication[] = [];
  for (const { file, obj } of argoObjects(model, files)) {
    if (obj.kind !== 'ApplicationSet') continue;
    for (const { git: generator } of obj.spec.generators) {
      if (generator.repoURL !== model.repoURL || generator.revision !== argoCdGitRevision(model.revision))
        throw new Error(`${file}: reads another repository`);
      const template = withGeneratorTemplate(obj.spec.template, generator.template);
      // A git files generator lists files (its Applications are their directories, with the files' keys).
      const listed = generator.files ?? generator.directories;
      const include = listed.filter((d: any) => !d.exclude).map((d: any) => globRegex(d.path));
      const exclude = listed.filter((d: any) => d.exclude).map((d: any) => globRegex(d.path));
      const candidates = generator.files ? Object.keys(files) : [...dirs];
      for (const path of candidates) {
        if (path.split('/').some((s) => s.startsWith('.'))) continue; // hidden directories are skipped
        if (include.some((r: RegExp) => r.test(path)) && !exclude.some((r: RegExp) => r.test(path))) {
          const dir = generator.files ? path.slice(0, path.lastIndexOf('/')) : path;
          const keys = generator.files ? (parse(files[path]) as Record<string, any>) : undefined;
          out.push({
            set: obj.metadata.name,
            controlPlane: file.split('/').slice(-2)[0],
            dir,
            app: {
              apiVersion: 'argoproj.io/v1alpha1',
              kind: 'Application',
              ...(render(template, dir, keys) as object),
              metadata: { ...(render(template.metadata, dir, keys) as object), namespace: obj.metadata.namespace },
            },
          });
        }
      }
    }
  }
  return out;
}

/**
 * Every way the generated Applications differ from what the model declares: a target with no
 * Application or several, an Application for a directory that is no target, or one whose
 * name, project, destination, sources or release differ from the target's.
 */
export function applicationProblems(
  model: PlatformModel,
  files: Readonly<Record<string, string>>,
  /** The chart revision a ring's release records, for a chart promoted with the image. */
  chartOf: (service: string, ring: string) => string | undefined = () => undefined,
): string[] {
  const problems: string[] = [];
  const apps = generatedApplications(model, files);
  const byDir = new Map<string, GeneratedApplication[]>();
  for (const a of apps) byDir.set(a.dir, [...(byDir.get(a.dir) ?? []), a]);
  const services = new Map(model.services.map((s) => [s.name, s]));
  const clusters = new Map(model.clusters.map((c) => [c.id, c]));
  const envCp = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  const cpNs = new Map(model.controlPlanes.map((c) => [c.name, c.namespace]));
  const emitted = model.targets.filter((t) => `${model.layout.environments}/${t.id}/values.yaml` in files);
  const targetDirs = new Set(emitted.map((t) => `${model.layout.environments}/${t.id}`));
  for (const dir of byDir.keys())
    if (!targetDirs.has(dir))
      problems.push(
        `${dir} is no target but gets ${byDir
          .get(dir)!
          .map((a) => a.set)
          .join(', ')}`,
      );
  for (const t of emitted) {
    const dir = `${model.layout.environments}/${t.id}`;
    const found = byDir.get(dir) ?? [];
    if (found.length !== 1) {
      problems.push(`${dir} gets ${found.length} Applications (${found.map((a) => a.set).join(', ')})`);
      continue;
    }
    const s = services.get(t.service)!;
    const c = clusters.get(`${t.environment}/${t.cloud}/${t.cluster}`)!;
    const { app, controlPlane } = found[0];
    const expected = {
      controlPlane: envCp.get(t.environment),
      namespace: cpNs.get(envCp.get(t.environment)!),
      name: applicationName(t),
      project: projectTeamOf(s) === undefined ? t.environment : teamProjectName(t.environment, projectTeamOf(s)!),
      destination: { name: c.destination, namespace: s.namespace },
      sources: [
        {
          repoURL: helmOf(s).repoURL,
          targetRevision: (helmOf(s).promoted === true ? chartOf(t.service, t.ring) : undefined) ?? helmOf(s).targetRevision,
          // Argo CD's documented shapes: a Helm repository's chart by name, an OCI chart at ".".
          ...(helmOf(s).origin === 'helm-repository'
            ? { chart: helmOf(s).chart }
            : { path: helmOf(s).origin === 'oci' ? '.' : helmOf(s).chartPath }),
          helm: { releaseName: helmOf(s).releaseName, valueFiles: [`$values/${dir}/values.yaml`] },
        },
        { repoURL: model.repoURL, targetRevision: argoCdGitRevision(model.revision), ref: 'values' },
      ],
    };
    const actual = {
      controlPlane,
      namespace: app.metadata.namespace,
      name: app.metadata.name,
      project: app.spec.project,
      destination: app.spec.destination,
      sources: app.spec.sources,
    };
    if (!isDeepStrictEqual(actual, expected))
      problems.push(`${dir}: generated ${JSON.stringify(actual)}, declared ${JSON.stringify(expected)}`);
  }
  return problems;
}

const GLOB = /[*?[\]{}!]/;

/** Namespaced kinds an environment's AppProject keeps out unless allowed, as `group/kind`. */
const RBAC_AND_NETWORK_POLICIES = [
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  'networking.k8s.io/NetworkPolicy',
  'cilium.io/CiliumNetworkPolicy',
  'crd.projectcalico.org/NetworkPolicy',
];

/**
 * Every way the tree's AppProjects grant more than the model needs: globs in sourceRepos or
 * destinations, cluster-scoped resources nobody asked for, RBAC objects or network policies
 * nobody allowed, the Argo CD namespace open to anything but the bootstrap project, or
 * repositories and destinations beyond those of its targets.
 */

export function leastPrivilegeProblems(model: PlatformModel, files: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const services = new Map(model.services.map((s) => [s.name, s]));
  const clusters = new Map(model.clusters.map((c) => [c.id, c]));
  const projects = argoObjects(model, files).filter((o) => o.obj.kind === 'AppProject');
  for (const { file, obj } of projects) {
    const spec = obj.spec;
    const cp = model.controlPlanes.find(
      (c) =>
        c.namespace === obj.metadata.namespace &&
        (file.startsWith(`${model.layout.bootstrap}/${c.name}.`) ||
          c.environments.includes(projectOwner(model, obj.metadata.name)?.env.name ?? '')),
    )!;
    const where = `${file} AppProject ${obj.metadata.name}`;
    if (!cp) {
      problems.push(`${where}: belongs to no control plane`);
      continue;
    }
    for (const r of spec.sourceRepos) if (GLOB.test(r)) problems.push(`${where}: sourceRepos has a pattern "${r}"`);
    for (const d of spec.destinations) {
      for (const v of [d.name, d.server, d.namespace])
        if (v !== undefined && GLOB.test(v)) problems.push(`${where}: destination has a pattern "${v}"`);
    }
    if (obj.metadata.name === 'bootstrap') {
      if (!isDeepStrictEqual(spec.destinations, [{ server: IN_CLUSTER, namespace: cp.namespace }]))
        problems.push(`${where}: destinations ${JSON.stringify(spec.destinations)}`);
      if (JSON.stringify(spec.sourceRepos) !== JSON.stringify([model.repoURL]))
        problems.push(`${where}: sourceRepos ${JSON.stringify(spec.sourceRepos)}`);
      if (JSON.stringify(spec.clusterResourceWhitelist) !== '[]') problems.push(`${where}: cluster-scoped resources`);
      const kinds = (spec.namespaceResourceWhitelist ?? []).map((k: any) => `${k.group}/${k.kind}`).sort();
      if (JSON.stringify(kinds) !== JSON.stringify(['argoproj.io/AppProject', 'argoproj.io/ApplicationSet']))
        problems.push(`${where}: may deploy ${JSON.stringify(kinds)}`);
      continue;
    }
    // An environment's AppProject, or a team's in an environment (<env>-team-<team>).
    const owner = projectOwner(model, obj.metadata.name);
    const env = owner?.env;
    if (!env) {
      problems.push(`${where}: no environment or team's project of that name`);
      continue;
    }
    for (const d of spec.destinations) {
      if (d.server !== undefined) problems.push(`${where}: destination by server ${d.server}`);
      if (d.namespace === cp.namespace) problems.push(`${where}: may deploy into the Argo CD namespace ${cp.namespace}`);
    }
    const asked = env.clusterResources.map((r) => ({ group: r.group, kind: r.kind }));
    if (!isDeepStrictEqual(spec.clusterResourceWhitelist ?? [], asked))
      problems.push(
        `${where}: cluster-scoped resources ${JSON.stringify(spec.clusterResourceWhitelist)}, asked for ${JSON.stringify(asked)}`,
      );
    // RBAC and network policies stay out but for those the environment allows, and the baseline's own NetworkPolicy.
    const allowed = new Set(
      [
        ...(env.allowedNamespacedResources ?? []),
        ...(env.namespaceBaseline ? [{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }] : []),
      ].map((r) => `${r.group}/${r.kind}`),
    );
    const keptOut = RBAC_AND_NETWORK_POLICIES.filter((k) => !allowed.has(k));
    const blacklisted = (spec.namespaceResourceBlacklist ?? []).map((k: any) => `${k.group}/${k.kind}`);
    if (!isDeepStrictEqual(blacklisted, keptOut))
      problems.push(`${where}: namespaceResourceBlacklist ${JSON.stringify(blacklisted)}, needs ${JSON.stringify(keptOut)}`);
    if (spec.namespaceResourceWhitelist !== undefined)
      problems.push(`${where}: namespaceResourceWhitelist ${JSON.stringify(spec.namespaceResourceWhitelist)}`);
    const targets = model.targets.filter(
      (t) =>
        t.environment === env.name &&
        projectTeamOf(services.get(t.service)!) === owner.team &&
        services.get(t.service)!.addon === undefined,
    );
    const repos = new Set([
      model.repoURL,
      ...targets
        .map((t) => services.get(t.service)!)
        .filter((s) => s.source.kind === 'helm')
        .map((s) => helmOf(s).repoURL),
    ]);
    const dests = new Set(
      targets.map((t) => `${clusters.get(`${t.environment}/${t.cloud}/${t.cluster}`)!.destination} ${services.get(t.service)!.namespace}`),
    );
    if (JSON.stringify([...spec.sourceRepos].sort()) !== JSON.stringify([...repos].sort()))
      problems.push(`${where}: sourceRepos ${JSON.stringify(spec.sourceRepos)}, needs ${JSON.stringify([...repos])}`);
    const granted = spec.destinations.map((d: any) => `${d.name} ${d.namespace}`).sort();
    if (JSON.stringify(granted) !== JSON.stringify([...dests].sort()))
      problems.push(`${where}: destinations ${JSON.stringify(granted)}, needs ${JSON.stringify([...dests])}`);
  }
  const envProjects = new Set(projects.map((p) => `${p.obj.metadata.namespace}/${p.obj.metadata.name}`));
  for (const e of model.environments) {
    const cp = model.controlPlanes.find((c) => c.name === e.controlPlane)!;
    if (!envProjects.has(`${cp.namespace}/${e.name}`)) problems.push(`environment ${e.name} has no AppProject`);
  }
  return problems;
}

/** The environment (and team) whose AppProject is named `name`. */
function projectOwner(model: PlatformModel, name: string): { env: EnvironmentModel; team?: string } | undefined {
  const env = model.environments.find((e) => e.name === name);
  if (env) return { env };
  for (const e of model.environments) {
    for (const t of model.teams ?? []) if (teamProjectName(e.name, t.name) === name) return { env: e, team: t.name };
  }
  return undefined;
}

/** The Helm source of a service; the generated platforms deploy only charts. */
function helmOf(s: ServiceModel): HelmSourceModel {
  if (s.source.kind !== 'helm') throw new Error(`${s.name} is not a Helm service`);
  return s.source;
}
