/** The names the model gives to directories, Kubernetes objects and Applications, checked: DNS-1123 form, length, reserved names and paths. */
import { Problem, problem } from '../../core/errors';
import { addonProjectName, addonsIn } from '../source-kinds';
import { teamProjectName, teamsIn } from '../teams';
import { isDns1123Label } from '../../core/kube-names';
import { HelmSourceModel, PlatformModel, TargetModel } from '../platform-model';
import { destinationProblem, dns1123LabelProblem, dns1123SubdomainProblem, NAME_LIMITS, relativeDirProblem, suggestLabel } from '../names';
import { applicationName } from '../placement';

/** AppProject names an environment may not take, and what it would replace. */
const RESERVED_PROJECTS = new Map([
  ['bootstrap', 'the project of the bootstrap Application, which may deploy into the Argo CD namespace'],
  ['default', "Argo CD's own default project, which other Applications may use"],
]);

/** Problems with the names and paths of a Helm chart source. */
function problemsOfChart(path: string, chart: HelmSourceModel): Problem[] {
  const problems: Problem[] = [];
  const why = dns1123SubdomainProblem(chart.releaseName);
  if (why || chart.releaseName.length > NAME_LIMITS.helmRelease) {
    problems.push(
      problem('CG102', {
        constructPath: path,
        message: `Helm release name "${chart.releaseName}" is invalid: ${why ?? `it is ${chart.releaseName.length} characters long (Helm allows at most ${NAME_LIMITS.helmRelease})`}.`,
        fix: `Set releaseName to a shorter DNS-1123 name, e.g. "${suggestLabel(chart.releaseName).slice(0, NAME_LIMITS.helmRelease).replace(/-+$/, '')}".`,
      }),
    );
  }
  const bad = chart.origin === undefined ? relativeDirProblem(chart.chartPath) : undefined;
  if (bad)
    problems.push(
      problem('CG108', {
        constructPath: path,
        message: `chartPath "${chart.chartPath}" is not a safe relative path: ${bad}.`,
        fix: 'Use a path inside the application repository, e.g. "deploy/chart".',
      }),
    );
  return problems;
}

/**
 * Whether `region` can be a cloud region's name (`westeurope`, `eu-central-1`, `europe-west4`,
 * `us-ashburn-1`). A region not given at all (a program in JavaScript) stays out of the values, as before.
 */
function isRegion(region: unknown): boolean {
  return region === undefined || (typeof region === 'string' && region.length <= NAME_LIMITS.label && /^[A-Za-z0-9._-]+$/.test(region));
}

/** Every name in the model that would break a Kubernetes, Helm or path rule. */
export function problemsOfNames(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  const label = (kind: string, name: string, path: string, use: string, rename = 'Rename it'): void => {
    const why = dns1123LabelProblem(name);
    if (why) {
      problems.push(
        problem('CG101', {
          constructPath: path,
          // As JSON: a name may hold a line break or a quote, which must not start a line or a name of their own.
          message: `${kind} name ${JSON.stringify(name)} is not a DNS-1123 label: ${why}. It is used ${use}.`,
          fix: `${rename}, e.g. "${suggestLabel(name)}".`,
        }),
      );
    }
  };
  const ARGO_CD_OBJECTS = "as the namespace of Argo CD's Applications, ApplicationSets and AppProjects";
  label(
    'Argo CD namespace',
    model.argocdNamespace,
    model.path,
    ARGO_CD_OBJECTS,
    "Set the Platform's argocdNamespace to the namespace Argo CD runs in",
  );
  for (const cp of model.controlPlanes) {
    label('Control plane', cp.name, cp.path, 'in file names');
    // A control plane that names none has the platform's, reported once above.
    if (cp.namespace !== model.argocdNamespace)
      label(
        'Argo CD namespace',
        cp.namespace,
        cp.path,
        ARGO_CD_OBJECTS,
        "Set the control plane's namespace to the namespace its Argo CD runs in",
      );
  }
  for (const e of model.environments) {
    label('Environment', e.name, e.path, 'as a directory, AppProject name and label value');
    if (RESERVED_PROJECTS.has(e.name)) {
      problems.push(
        problem('CG126', {
          constructPath: e.path,
          message: `Environment "${e.name}" would make an AppProject "${e.name}", which replaces ${RESERVED_PROJECTS.get(e.name)}.`,
          fix: `Rename the environment, e.g. "${e.name}-env".`,
        }),
      );
    }
  }
  for (const c of model.clusters) {
    label('Cloud', c.cloud, c.path, 'as a directory and label value');
    label('Cluster', c.name, c.path, 'as a directory and label value');
    if (!isRegion(c.region)) {
      problems.push(
        problem('CG101', {
          constructPath: c.path,
          message: `Cluster region ${JSON.stringify(c.region)} is not a cloud region: it must be 1 to ${NAME_LIMITS.label} letters, digits, "-", "_" and ".". It is written into values as global.region.`,
          fix: 'Give the region as the cloud names it, e.g. "westeurope", "eu-central-1" or "europe-west4".',
        }),
      );
    }
    const destination = destinationProblem(c.destination);
    if (destination) {
      problems.push(
        problem('CG101', {
          constructPath: c.path,
          message: `Cluster destination "${c.destination}" does not name one cluster: ${destination}.`,
          fix: 'Give the exact name the cluster is registered under in Argo CD, e.g. "azure-westeurope-01".',
        }),
      );
    }
  }
  for (const s of model.services) {
    label('Service', s.name, s.path, 'as a directory, label value and in Application names');
    label('Namespace', s.namespace, s.path, 'as the destination namespace');
    if (s.source.kind === 'helm') problems.push(...problemsOfChart(s.path, s.source));
  }
  // The AppProject of a cluster add-on must not take an environment's.
  const environments = new Map(model.environments.map((e) => [e.name, e]));
  for (const e of model.environments) {
    for (const addon of addonsIn(model, e.name)) {
      const other = environments.get(addonProjectName(e.name, addon));
      if (other === undefined) continue;
      problems.push(
        problem('CG148', {
          constructPath: other.path,
          message: `Environment "${other.name}" would make an AppProject "${other.name}", which is also the AppProject of cluster add-on ${addon} in environment "${e.name}".`,
          fix: `Rename environment "${other.name}".`,
        }),
      );
    }
  }
  // A team's AppProject in an environment must not take another AppProject's name.
  for (const cp of model.controlPlanes) {
    const taken = new Map<string, string>([['bootstrap', 'the bootstrap AppProject']]);
    for (const e of cp.environments) {
      taken.set(e, `the AppProject of environment "${e}"`);
      for (const addon of addonsIn(model, e))
        taken.set(addonProjectName(e, addon), `the AppProject of cluster add-on ${addon} in environment "${e}"`);
    }
    for (const e of cp.environments) {
      for (const team of teamsIn(model, e)) {
        const name = teamProjectName(e, team);
        const other = taken.get(name);
        if (other !== undefined) {
          problems.push(
            problem('CG152', {
              constructPath: model.teams!.find((t) => t.name === team)!.path,
              message: `Team "${team}" would make an AppProject "${name}" in environment "${e}", which is also ${other}.`,
              fix: `Rename team "${team}" or environment "${e}".`,
            }),
          );
        }
        taken.set(name, `the AppProject of team "${team}" in environment "${e}"`);
      }
      // The environment's roles are copied into its teams' AppProjects, beside the teams' own.
      const env = model.environments.find((x) => x.name === e);
      const clash =
        teamsIn(model, e).length === 0 ? undefined : env?.roles.find((r) => r.name === 'team-members' || r.name === 'team-approvers');
      if (env !== undefined && clash !== undefined) {
        problems.push(
          problem('CG152', {
            constructPath: env.path,
            message: `Environment "${e}" has a role named "${clash.name}", the name of a team's own role in its teams' AppProjects.`,
            fix: `Rename the role of environment "${e}".`,
          }),
        );
      }
    }
  }
  // An implicit ring (one per environment) has the environment's name, which is checked above.
  const environmentPaths = new Set(model.environments.map((e) => e.path));
  for (const r of model.rings) {
    if (!environmentPaths.has(r.path)) label('Promotion ring', r.name, r.path, 'in the release ledger and branch names');
  }
  const layout = Object.entries(model.layout);
  for (const [key, dir] of layout) {
    const bad = relativeDirProblem(dir);
    if (bad) {
      problems.push(
        problem('CG108', {
          constructPath: model.path,
          message: `layout.${key} "${dir}" is not a safe directory inside the repository: ${bad}.`,
        }),
      );
    }
  }
  layout.forEach(([key, dir], i) => {
    for (const [otherKey, other] of layout.slice(i + 1)) {
      const overlap =
        dir === other
          ? 'the same directory'
          : other.startsWith(`${dir}/`)
            ? `"${other}" lies inside "${dir}"`
            : dir.startsWith(`${other}/`)
              ? `"${dir}" lies inside "${other}"`
              : undefined;
      if (overlap) {
        problems.push(
          problem('CG124', {
            constructPath: model.path,
            message: `layout.${key} and layout.${otherKey} overlap: ${overlap}, so files of one would land among the other's.`,
            fix: 'Give each part of the tree its own directory, none inside another, e.g. the defaults "environments", "applicationsets", "projects", "bootstrap" and "releases".',
          }),
        );
      }
    }
  });
  problems.push(...problemsOfApplicationNames(model.targets));
  return problems;
}

/**
 * Application names that are not DNS-1123 subdomains, each reported once. A name joined from
 * DNS-1123 labels is one when it is short enough, so its parts are checked once per distinct
 * part, and only other names are checked whole.
 */
function problemsOfApplicationNames(targets: readonly TargetModel[]): Problem[] {
  const problems: Problem[] = [];
  const labels = new Map<string, boolean>();
  const isLabel = (part: string): boolean => {
    let is = labels.get(part);
    if (is === undefined) labels.set(part, (is = isDns1123Label(part)));
    return is;
  };
  const reported = new Set<string>();
  for (const t of targets) {
    const fromLabels = isLabel(t.service) && isLabel(t.environment) && isLabel(t.cloud) && isLabel(t.cluster);
    if (fromLabels && t.service.length + t.environment.length + t.cloud.length + t.cluster.length + 3 <= NAME_LIMITS.subdomain) continue;
    const name = applicationName(t);
    if (reported.has(name)) continue;
    const why = dns1123SubdomainProblem(name);
    if (why && !dns1123LabelProblem(t.service) && !dns1123LabelProblem(t.environment)) {
      reported.add(name);
      problems.push(
        problem('CG102', {
          constructPath: t.path,
          message: `Application name "${name}" is invalid: ${why}.`,
          fix: 'Shorten the service, cloud or cluster name.',
        }),
      );
    }
  }
  return problems;
}
