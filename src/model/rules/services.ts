/**
 * What each service declares on its own: a unique name, an application repository Argo CD can
 * clone, and an initial release every ring of its ledger can take.
 */
import { Problem, problem } from '../../core/errors';
import { gitRevisionProblem, holdsCredentials, PASSWORD_PROBLEM, redactUrl, repoUrlProblem } from '../names';
import { HelmSourceModel, PlatformModel, ServiceModel } from '../platform-model';
import { isDigest, isPinned, isSemVer, isTag, ringPolicies, shortDigest } from '../versions';

/**
 * Services that share a name (CG135), lack (CG106) or misspell (CG109, CG145) their chart's
 * repository, or whose initialDigest a ring cannot take (CG115).
 */
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
    if (s.source.kind === 'helm' && s.source.origin === undefined && !s.source.repoURL) {
      problems.push(problem('CG106', { constructPath: s.path, message: `Service "${s.name}" has no application repository.` }));
    }
    for (const i of s.images ?? []) {
      if (i.tagOnly !== true || i.initialDigest === undefined || !isDigest(i.initialDigest)) continue;
      problems.push(
        problem('CG115', {
          constructPath: s.path,
          message: `images.${i.name}.initialDigest "${shortDigest(i.initialDigest)}" is a bare digest, but the chart reads only a tag for image ${i.name} (${i.valuesKey}.tag) and would not deploy it.`,
          fix: 'Give the tag pinned by that digest, <tag>@sha256:… (the initialVersion of a SelfManagedArgoCd).',
        }),
      );
    }
    const initials: [string, string | undefined, boolean][] =
      s.images === undefined
        ? [['initialDigest', s.initialDigest, false]]
        : s.images.map((i) => [`images.${i.name}.initialDigest`, i.initialDigest, i.tagOnly === true]);
    for (const [field, initial, tagOnly] of initials) {
      if (initial === undefined || isPinned(initial)) continue;
      // The initial release goes into every ring's entry of the ledger, so every ring must take it.
      if (requiringDigest.has(s.name)) {
        problems.push(
          problem('CG115', {
            constructPath: s.path,
            message: `${field} "${initial}" is not a sha256 digest${tagOnly ? ' nor a tag pinned by one' : ''}.`,
            ...(tagOnly ? { fix: 'Give the tag pinned by its digest, <tag>@sha256:… (the initialVersion of a SelfManagedArgoCd).' } : {}),
          }),
        );
      } else if (!isTag(initial)) {
        problems.push(
          problem('CG115', {
            constructPath: s.path,
            message: `${field} "${initial}" is not a sha256 digest nor an image tag.`,
            fix: 'Use the image digest as sha256:<64 lower-case hex digits>, or a tag of letters, digits, ".", "_" and "-" (at most 128).',
          }),
        );
      } else if (strictRing !== undefined) {
        problems.push(
          problem('CG115', {
            constructPath: s.path,
            message:
              `${field} "${initial}" is a tag, but ring "${strictRing}" takes only digests, and the initial release ` +
              "goes into every ring's entry of the service's ledger.",
          }),
        );
      }
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
    if (s.source.kind !== 'helm') continue;
    if (s.source.origin !== undefined) {
      const why = publishedChartProblem(s.source);
      if (why)
        problems.push(problem('CG145', { constructPath: s.path, message: `The chart of service "${s.name}" is not usable: ${why}.` }));
      continue;
    }
    const revision = gitRevisionProblem(s.source.targetRevision);
    if (revision !== undefined) {
      problems.push(
        problem('CG109', {
          constructPath: s.path,
          message: `The chart revision "${s.source.targetRevision.slice(0, 100)}" of service "${s.name}" is not a Git revision: ${revision}.`,
          fix: 'Give a commit SHA, a tag (v1.4.2) or a branch (main, release/1.4).',
        }),
      );
    }
    if (!s.source.repoURL) continue;
    const url = s.source.repoURL;
    if (url === model.applicationRepoURLPattern?.split('{service}').join(s.name)) continue;
    const repoProblem = repoUrlProblem(url);
    if (!repoProblem) continue;
    problems.push(
      problem('CG109', {
        constructPath: s.path,
        message: `repoURL "${redactUrl(url)}" of service "${s.name}" is not usable: ${repoProblem}.`,
        fix: 'Use the URL Argo CD clones, e.g. https://git.example.com/apps/payments-api.git.',
      }),
    );
  }
  return problems;
}

/** A chart name Helm accepts: lower-case letters and digits, words separated by "-", "_" or ".". */
const CHART_NAME = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;
/** `oci://<registry>[:port]/<path>`, each path component as the OCI distribution spec allows it; no tag, no digest. */
const OCI_REPOSITORY = /^oci:\/\/[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/;

/** Why a chart of a Helm repository or an OCI registry cannot be used as given, or undefined. */
function publishedChartProblem(source: HelmSourceModel): string | undefined {
  const { targetRevision: version } = source;
  const repoURL = redactUrl(source.repoURL);
  if (holdsCredentials(source.repoURL)) return `repoURL "${repoURL}" ${PASSWORD_PROBLEM}`;
  if (/\s/.test(repoURL)) return `repoURL "${repoURL}" contains white space`;
  if (/[*?[\]{}]/.test(repoURL)) return `repoURL "${repoURL}" contains a glob character, which an AppProject reads as a pattern`;
  if (source.origin === 'oci') {
    if (!OCI_REPOSITORY.test(repoURL))
      return `repoURL "${repoURL}" is not oci://<registry>/<path>/<chart> (lower-case path, no tag or digest)`;
  } else {
    if (!/^https?:\/\/[^/]+/.test(repoURL)) return `repoURL "${repoURL}" is not an http(s) URL of a Helm repository`;
    if (!CHART_NAME.test(source.chart ?? '')) return `chart "${source.chart ?? ''}" is not a Helm chart name`;
  }
  if (!isSemVer(version)) return `version "${version}" is not one exact SemVer 2 version`;
  return undefined;
}
