import { GitOpsError, Problem, problem } from '../core/errors';
import { gitSync } from '../core/git-sync';
import { redactUrl, sshUrlOf } from '../model/names';
import { sameRepository } from '../model/repositories';
import { runProgram } from './program/run';
import type { ProgramContext, ProgramFlags, ProgramRun } from './program/run';
import type { PlatformModel } from '../model/platform-model';
import { recordedPlatform } from './recorded-model';
import { Checkout } from './checkout/checkout-fs';
import { PLATFORM_MODEL_PATH } from '../synth/release-model';

/**
 * Refuses a checkout whose tree is of another GitOps repository than the one the command works
 * on (its release model names that repository), when that repository is another of the
 * platform's, or when the tree's release model records the rings of the command's repository as
 * held by a checkout of their own: writing one repository's files over another's checkout would
 * delete every file of the other's control planes, or point its Argo CD at the command's
 * repository. A tree of one repository whose URL changed (the platform's, moved to another host)
 * is written as before. In the command's own checkout, refuses a ring the program places there
 * whose releases the tree's release model records in another repository (`CG215`).
 *
 * @throws GitOpsError `CG319` naming both repositories; `CG215` naming each ring that moved back
 */
export function assertCheckoutOfRepository(dir: string, run: Pick<ProgramRun, 'model' | 'otherRepositories'>): void {
  // With one repository, only a tree written as a part of several can be another's: its release
  // model names the rings elsewhere (read whole, and trusted, only then).
  if ((run.otherRepositories ?? []).length === 0 && !writtenAsPart(dir)) return;
  assertCloneOfRepository(dir, run.model.repoURL, run.otherRepositories ?? []);
  const tree = recordedPlatform(dir)?.model;
  const recorded = tree?.repoURL;
  if (recorded === undefined) return;
  if (sameRepository(recorded, run.model.repoURL)) {
    const problems = ringsMovedInProblems(tree!.ringsElsewhere ?? {}, run.model);
    if (problems.length > 0) throw new GitOpsError(problems);
    return;
  }
  if ((run.otherRepositories ?? []).some((url) => sameRepository(url, recorded))) {
    throw GitOpsError.of('CG319', {
      message: `The checkout ${dir} holds the tree of the GitOps repository ${redactUrl(recorded)}, not of ${redactUrl(run.model.repoURL)}, which the command works on. Nothing was written.`,
      fix: `Pass --repository ${redactUrl(recorded)} to work on that checkout, or --out with the checkout of ${redactUrl(run.model.repoURL)}.`,
    });
  }
  if (Object.values(tree?.ringsElsewhere ?? {}).some((url) => sameRepository(url, run.model.repoURL))) {
    throw GitOpsError.of('CG319', {
      message:
        `The checkout ${dir} holds the tree of the GitOps repository ${redactUrl(recorded)}, which no control plane of the program reads any more; ` +
        `its release model records the rings of ${redactUrl(run.model.repoURL)}, which the command works on, in a checkout of their own. ` +
        `Written here, its ApplicationSets would read ${redactUrl(run.model.repoURL)}, and the Argo CD reading ${redactUrl(recorded)} would delete the Applications of every target this checkout holds that ${redactUrl(run.model.repoURL)} does not. Nothing was written.`,
      fix: `Pass --out with the checkout of ${redactUrl(run.model.repoURL)}. A control plane moved to another repository starts there: synthesize, publish and promote that repository, apply its bootstrap to that Argo CD, and leave the checkout of ${redactUrl(recorded)} as it is.`,
    });
  }
}

/**
 * Refuses a clone of another of the platform's GitOps repositories `others`, whatever it holds (a
 * fresh clone holds no tree to tell by): a remote of it names one of them, and none names
 * `repoURL`. Written there, one repository's files would be published into the other, where
 * its Argo CD reads them. A remote is told by its host and path, whatever the scheme or user
 * (`git@host:platform/gitops.git` is `https://host/platform/gitops`); a remote that names no
 * repository of the platform (a mirror, a path on disk) says nothing.
 *
 * @throws GitOpsError `CG319` naming the remote and both repositories
 */
function assertCloneOfRepository(dir: string, repoURL: string, others: readonly string[]): void {
  if (others.length === 0) return;
  const remotes = remoteUrlsOf(dir);
  if (remotes.some(([, url]) => sameHostAndPath(url, repoURL))) return;
  for (const [remote, url] of remotes) {
    const other = others.find((o) => sameHostAndPath(url, o));
    if (other === undefined) continue;
    throw GitOpsError.of('CG319', {
      message: `The checkout ${dir} is a clone of the GitOps repository ${redactUrl(other)} (its remote "${remote}" names it), not of ${redactUrl(repoURL)}, which the command works on: written and published there, this repository's files would land in the other, which another Argo CD reads. Nothing was written.`,
      fix: `Pass --repository ${redactUrl(other)} to work on that checkout, or --out with a clone of ${redactUrl(repoURL)}.`,
    });
  }
}

/**
 * The URLs the remotes of the Git repository at `dir` fetch from and push to, as configured
 * (`remote.<name>.url` and `.pushurl`), by remote name; none outside Git.
 */
function remoteUrlsOf(dir: string): [string, string][] {
  const r = gitSync(dir, ['config', '--null', '--get-regexp', '^remote\\..*\\.(url|pushurl)$']);
  if (r.status !== 0) return [];
  const out: [string, string][] = [];
  for (const entry of r.stdout.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline < 0) continue;
    const key = entry.slice(0, newline);
    out.push([key.slice('remote.'.length, key.lastIndexOf('.')), entry.slice(newline + 1)]);
  }
  return out;
}

/** Whether two Git URLs name one host and path (lower case, without a trailing `/` or `.git`): undefined-safe for anything but a URL. */
function sameHostAndPath(a: string, b: string): boolean {
  const ka = hostAndPath(a);
  return ka !== undefined && ka === hostAndPath(b);
}

function hostAndPath(url: string): string | undefined {
  try {
    const u = new URL(sshUrlOf(url.trim()));
    if (u.hostname === '') return undefined;
    return `${u.hostname}${u.pathname}`
      .toLowerCase()
      .replace(/\/+$/, '')
      .replace(/\.git$/, '');
  } catch {
    return undefined; // a path on disk, or no URL at all
  }
}

/**
 * CG215 for each ring the program places in `model`'s repository whose releases the checkout's
 * release model records in another repository (`elsewhere`, its `ringsElsewhere` as last
 * written), under the ring's name or a name it moved from: its control planes moved back, and
 * here it would have no release.
 */
function ringsMovedInProblems(elsewhere: Readonly<Record<string, string>>, model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  for (const ring of model.rings) {
    const names = [ring.name, ...(ring.movedFrom ?? [])];
    const from = names.find((n) => Object.hasOwn(elsewhere, n) && !sameRepository(elsewhere[n]!, model.repoURL));
    if (from === undefined) continue;
    const other = redactUrl(elsewhere[from]!);
    const here = redactUrl(model.repoURL);
    const was = from === ring.name ? '' : ` (as "${from}", which it moved from)`;
    problems.push(
      problem('CG215', {
        constructPath: ring.path,
        message:
          `The program places ring "${ring.name}" in ${here}, but the checkout's release model records its releases${was} in the ledgers of ${other}: its control planes moved back from that repository. ` +
          `Here the ring has no release: its targets would not be emitted, the Argo CD switched to ${here} would delete their Applications, and the ring's releases, holds and history would stay in ${other}. ` +
          `A ring's releases do not move between repositories. Nothing was written.`,
        fix:
          `Keep the repository of the ring's control planes ({ repository: { repoURL: '${other}' } }); or give the ring a new name here, without movedFrom: ['${from}'] (it starts afresh in ${here}, by promotion ring by ring). ` +
          `Keep that Argo CD reading ${other} until ${here} runs the ring's targets, then apply this repository's bootstrap to it.`,
      }),
    );
  }
  return problems;
}

/** Whether the release model file of the checkout `dir` names rings of other repositories (read as it is, not trusted). */
function writtenAsPart(dir: string): boolean {
  try {
    return new Checkout(dir).read(PLATFORM_MODEL_PATH)?.includes('"ringsElsewhere"') === true;
  } catch (e) {
    if (e instanceof GitOpsError) return false;
    throw e;
  }
}

/**
 * Runs the program and returns the model of the repository the command works on, having refused
 * (see {@link assertCheckoutOfRepository}) a checkout `dir` of another repository: its ledgers
 * read by this model would show another repository's rings as rings the program dropped.
 */
export async function loadModelOfCheckout(command: string, dir: string, flags: ProgramFlags, ctx: ProgramContext): Promise<PlatformModel> {
  const run = await runProgram(command, flags, ctx);
  assertCheckoutOfRepository(dir, run);
  return run.model;
}

/**
 * Refuses a `--repository` other than the repository whose tree the checkout holds (its release
 * model says which), for a command that reads the checkout without the program. A checkout with
 * no release model it can trust says nothing, and is read.
 *
 * @throws GitOpsError `CG319` naming both repositories
 */
export function assertRepositoryOfCheckout(command: string, dir: string, repository: string | undefined): void {
  if (repository === undefined) return;
  const recorded = recordedPlatform(dir)?.model.repoURL;
  if (recorded === undefined || sameRepository(recorded, repository)) return;
  throw GitOpsError.of('CG319', {
    message: `${command} --repository ${redactUrl(repository)}: the checkout ${dir} holds the tree of the GitOps repository ${redactUrl(recorded)} (its release model says so).`,
    fix: `Pass --out with the checkout of ${redactUrl(repository)}, or --repository ${redactUrl(recorded)} for this one.`,
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
