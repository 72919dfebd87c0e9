/**
 * What each service declares on its own: a unique name, an application repository Argo CD can
 * clone, and an initial release every ring of its ledger can take.
 */
import { Problem, problem } from '../../core/errors';
import { repoUrlProblem } from '../names';
import { PlatformModel, ServiceModel } from '../platform-model';
import { isDigest, isTag, ringPolicies } from '../versions';

/** Services that share a name (CG135), lack (CG106) or misspell (CG109) their repository, or whose initialDigest a ring cannot take (CG115). */
export function problemsOfServices(model: PlatformModel): Problem[] {
  return [...problemsOfNamesTaken(model), ...problemsOfInitialReleases(model), ...problemsOfRepositories(model)];
}

function problemsOfNamesTaken(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map<string, ServiceModel>();
  for (const s of model.services) {
    const other = byName.get(s.name);
    if (!other) {
      byName.set(s.name, s);
      continue;
    }
    problems.push(
      problem('CG135', {
        constructPath: s.path,
        message: `Services ${other.path} and ${s.path} are both named "${s.name}": they would share directories, a release ledger and Applications.`,
        fix: 'Give one of them another name; service names are unique across the platform.',
      }),
    );
  }
  return problems;
}

function problemsOfInitialReleases(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  const digestEnvs = new Set(model.environments.filter((e) => e.requireDigest).map((e) => e.name));
  const requiringDigest = new Set<string>();
  for (const t of model.targets) if (digestEnvs.has(t.environment)) requiringDigest.add(t.service);
  const strictRing = Object.entries(ringPolicies(model)).find(([, policy]) => policy.requireDigest)?.[0];
  for (const s of model.services) {
    if (s.source.kind === 'helm' && !s.source.repoURL) {
      problems.push(problem('CG106', { constructPath: s.path, message: `Service "${s.name}" has no application repository.` }));
    }
    const initial = s.initialDigest;
    if (initial === undefined || isDigest(initial)) continue;
    // The initial release goes into every ring's entry of the ledger, so every ring must take it.
    if (requiringDigest.has(s.name)) {
      problems.push(problem('CG115', { constructPath: s.path, message: `initialDigest "${initial}" is not a sha256 digest.` }));
    } else if (!isTag(initial)) {
      problems.push(
        problem('CG115', {
          constructPath: s.path,
          message: `initialDigest "${initial}" is not a sha256 digest nor an image tag.`,
          fix: 'Use the image digest as sha256:<64 lower-case hex digits>, or a tag of letters, digits, ".", "_" and "-" (at most 128).',
        }),
      );
    } else if (strictRing !== undefined) {
      problems.push(
        problem('CG115', {
          constructPath: s.path,
          message:
            `initialDigest "${initial}" is a tag, but ring "${strictRing}" takes only digests, and the initial release ` +
            "goes into every ring's entry of the service's ledger.",
        }),
      );
    }
  }
  return problems;
}

/**
 * A repository URL a service gives that Argo CD could not clone. One filled in from the
 * platform's `applicationRepoURLPattern` is the pattern's problem, reported with the platform.
 */
function problemsOfRepositories(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  for (const s of model.services) {
    if (s.source.kind !== 'helm' || !s.source.repoURL) continue;
    const url = s.source.repoURL;
    if (url === model.applicationRepoURLPattern?.split('{service}').join(s.name)) continue;
    const repoProblem = repoUrlProblem(url);
    if (!repoProblem) continue;
    problems.push(
      problem('CG109', {
        constructPath: s.path,
        message: `repoURL "${url}" of service "${s.name}" is not usable: ${repoProblem}.`,
        fix: 'Use the URL Argo CD clones, e.g. https://git.example.com/apps/payments-api.git.',
      }),
    );
  }
  return problems;
}
