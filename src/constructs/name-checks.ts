import { Problem } from '../errors';
import { HelmSourceModel, PlatformModel, TargetModel } from '../synth/model';
import { dns1123LabelProblem, dns1123SubdomainProblem, NAME_LIMITS, relativeDirProblem, suggestLabel } from './names';

/** Name of the Application Argo CD generates for a target: `<service>-<env>-<cloud>-<cluster>`. */
export function applicationName(t: Pick<TargetModel, 'service' | 'environment' | 'cloud' | 'cluster'>): string {
  return `${t.service}-${t.environment}-${t.cloud}-${t.cluster}`;
}

/** Problems with the names and paths of a Helm chart source. */
function problemsOfChart(path: string, chart: HelmSourceModel): Problem[] {
  const problems: Problem[] = [];
  const why = dns1123SubdomainProblem(chart.releaseName);
  if (why || chart.releaseName.length > NAME_LIMITS.helmRelease) {
    problems.push({
      code: 'CG102', constructPath: path,
      message: `Helm release name "${chart.releaseName}" is invalid: ${why ?? `it is ${chart.releaseName.length} characters long (Helm allows at most ${NAME_LIMITS.helmRelease})`}.`,
      fix: `Set releaseName to a shorter DNS-1123 name, e.g. "${suggestLabel(chart.releaseName).slice(0, NAME_LIMITS.helmRelease).replace(/-+$/, '')}".`,
    });
  }
  const bad = relativeDirProblem(chart.chartPath);
  if (bad) problems.push({ code: 'CG108', constructPath: path, message: `chartPath "${chart.chartPath}" is not a safe relative path: ${bad}.`, fix: 'Use a path inside the application repository, e.g. "deploy/chart".' });
  return problems;
}

/** Every name in the model that would break a Kubernetes, Helm or path rule. */
export function problemsOfNames(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  const label = (kind: string, name: string, path: string, use: string): void => {
    const why = dns1123LabelProblem(name);
    if (why) {
      problems.push({
        code: 'CG101', constructPath: path,
        message: `${kind} name "${name}" is not a DNS-1123 label: ${why}. It is used ${use}.`,
        fix: `Rename it, e.g. "${suggestLabel(name)}".`,
      });
    }
  };
  for (const cp of model.controlPlanes) label('Control plane', cp.name, cp.path, 'in file names');
  for (const e of model.environments) label('Environment', e.name, e.path, 'as a directory, AppProject name and label value');
  for (const c of model.clusters) {
    label('Cloud', c.cloud, c.path, 'as a directory and label value');
    label('Cluster', c.name, c.path, 'as a directory and label value');
    if (c.destination.length === 0) {
      problems.push({ code: 'CG101', constructPath: c.path, message: 'Cluster destination is empty.', fix: 'Give the name the cluster is registered under in Argo CD.' });
    }
  }
  for (const s of model.services) {
    label('Service', s.name, s.path, 'as a directory, label value and in Application names');
    label('Namespace', s.namespace, s.path, 'as the destination namespace');
    if (s.source.kind === 'helm') problems.push(...problemsOfChart(s.path, s.source));
  }
  // An implicit ring (one per environment) has the environment's name, which is checked above.
  const environmentPaths = new Set(model.environments.map((e) => e.path));
  for (const r of model.rings) {
    if (!environmentPaths.has(r.path)) label('Promotion ring', r.name, r.path, 'in the release ledger and branch names');
  }
  for (const [key, dir] of Object.entries(model.layout)) {
    const bad = relativeDirProblem(dir);
    if (bad) {
      problems.push({
        code: 'CG108', constructPath: model.path,
        message: `layout.${key} "${dir}" is not a safe directory inside the repository: ${bad}.`,
        fix: 'Use a relative path of plain segments, e.g. "environments".',
      });
    }
  }
  const reported = new Set<string>();
  for (const t of model.targets) {
    const name = applicationName(t);
    if (reported.has(name)) continue;
    const why = dns1123SubdomainProblem(name);
    if (why && !dns1123LabelProblem(t.service) && !dns1123LabelProblem(t.environment)) {
      reported.add(name);
      problems.push({
        code: 'CG102', constructPath: t.path,
        message: `Application name "${name}" is invalid: ${why}.`,
        fix: 'Shorten the service, cloud or cluster name.',
      });
    }
  }
  return problems;
}
