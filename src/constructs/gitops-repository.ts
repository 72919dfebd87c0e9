import { Problem, problem } from '../core/errors';
import { isMap } from '../core/plain';
import { gitRevisionProblem, redactUrl, repoUrlProblem } from '../model/names';

/**
 * A GitOps repository Argo CD reads: the platform's, or one a control plane reads instead
 * (`ControlPlaneProps.repository`).
 *
 * @example
 * new ControlPlane(platform, 'prod-argocd', {
 *   repository: { repoURL: 'https://git.example.com/platform/prod-gitops.git' },
 * });
 */
export interface GitOpsRepository {
  /** URL of the repository, as Argo CD clones it, e.g. `https://git.example.com/platform/prod-gitops.git`. */
  readonly repoURL: string;
  /**
   * Branch of the repository Argo CD reads and CI publishes to.
   * @default - the platform's revision
   */
  readonly revision?: string;
}

/**
 * What is wrong with a repository as a program declares it (`CG109`, as the platform's own
 * `repoURL` and `revision`): `whose` names its owner in messages, e.g. `control plane "prod"`.
 */
export function problemsOfGitOpsRepository(repository: unknown, constructPath: string, whose: string): Problem[] {
  if (!isMap(repository) || typeof repository.repoURL !== 'string') {
    return [
      problem('CG109', {
        constructPath,
        message: `repository of ${whose} is not a GitOps repository: it needs repoURL, the URL Argo CD clones.`,
        fix: "Give repository: { repoURL: 'https://git.example.com/platform/prod-gitops.git' }, or leave it out to read the platform's.",
      }),
    ];
  }
  const problems: Problem[] = [];
  const repoProblem = repoUrlProblem(repository.repoURL);
  if (repoProblem) {
    problems.push(
      problem('CG109', { constructPath, message: `repoURL "${redactUrl(repository.repoURL)}" of ${whose} is not usable: ${repoProblem}.` }),
    );
  }
  const revision = repository.revision;
  const revisionProblem =
    revision === undefined ? undefined : typeof revision !== 'string' ? 'it is not a string' : gitRevisionProblem(revision);
  if (revisionProblem) {
    problems.push(
      problem('CG109', {
        constructPath,
        message: `revision ${JSON.stringify(String(revision).slice(0, 100))} of ${whose}'s repository is not the name of a branch: ${revisionProblem}.`,
        fix: "Give the branch its Argo CD reads the repository at and CI publishes to, e.g. 'main'.",
      }),
    );
  }
  return problems;
}
