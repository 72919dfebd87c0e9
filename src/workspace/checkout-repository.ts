import { GitOpsError } from '../core/errors';
import { redactUrl } from '../model/names';
import { sameRepository } from '../model/repositories';
import type { ProgramRun } from './program/run';
import type { PlatformModel } from '../model/platform-model';
import { recordedPlatform } from './recorded-model';

/**
 * Refuses a checkout whose tree is of another of the platform's GitOps repositories than the
 * one the command works on (its release model names that repository): writing one repository's
 * files over another's checkout would delete every file of the other's control planes.
 *
 * @throws GitOpsError `CG319` naming both repositories
 */
export function assertCheckoutOfRepository(dir: string, run: Pick<ProgramRun, 'model' | 'otherRepositories'>): void {
  if (run.otherRepositories === undefined || run.otherRepositories.length === 0) return;
  const recorded = recordedPlatform(dir)?.model.repoURL;
  if (recorded === undefined || sameRepository(recorded, run.model.repoURL)) return;
  if (!run.otherRepositories.some((url) => sameRepository(url, recorded))) return;
  throw GitOpsError.of('CG319', {
    message: `The checkout ${dir} holds the tree of the GitOps repository ${redactUrl(recorded)}, not of ${redactUrl(run.model.repoURL)}, which the command works on. Nothing was written.`,
    fix: `Pass --repository ${redactUrl(recorded)} to work on that checkout, or --out with the checkout of ${redactUrl(run.model.repoURL)}.`,
  });
}

/**
 * Refuses a release into a ring whose releases another of the platform's GitOps repositories
 * records: it runs on that repository's checkout.
 *
 * @throws GitOpsError `CG319` naming the repository to run it on
 */
export function assertRingOfRepository(command: string, ring: string, model: PlatformModel): void {
  const elsewhere =
    model.ringsElsewhere === undefined || !Object.hasOwn(model.ringsElsewhere, ring) ? undefined : model.ringsElsewhere[ring];
  if (elsewhere === undefined || model.rings.some((r) => r.name === ring)) return;
  throw GitOpsError.of('CG319', {
    message: `Ring "${ring}" is in another GitOps repository than ${redactUrl(model.repoURL)}: its releases are recorded in the ledgers of ${redactUrl(elsewhere)}. Nothing was written.`,
    fix: `Run ${command} on that repository's checkout: --repository ${redactUrl(elsewhere)} (with --out its checkout, or gitops.repositories in cdk8s.yaml).`,
  });
}
