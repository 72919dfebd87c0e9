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
 * whose releases the tree's release model records in another repository (`CG215`). Refuses too a
 * clone of another of the platform's repositories, told by the remote the command uses
 * (`remote`; see {@link assertCloneOfRepository}).
 *
 * @param remote - the remote the command publishes to (`--remote`); `origin` for a command that does not publish
 * @throws GitOpsError `CG319` naming both repositories; `CG215` naming each ring that moved back
 */
export function assertCheckoutOfRepository(
  dir: string,
  run: Pick<ProgramRun, 'model' | 'otherRepositories'>,
  remote: RemoteUse = ORIGIN,
): void {
  // With one repository, only a tree written as a part of several can be another's: its release
  // model names the rings elsewhere (read whole, and trusted, only then).
  if ((run.otherRepositories ?? []).length === 0 && !writtenAsPart(dir)) return;
  assertCloneOfRepository(dir, run.model.repoURL, run.otherRepositories ?? [], remote);
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
 * fresh clone holds no tree to tell by): the remote the command uses (`remote`: the one publish
 * pushes to) names one of them, and does not name `repoURL`. Written there, one repository's
 * files would be published into the other, where its Argo CD reads them. Another remote of the
 * clone says nothing, whatever it names. See {@link remoteUrlsOf} for what the remote names.
 *
 * @throws GitOpsError `CG319` naming the remote and both repositories
 */
function assertCloneOfRepository(dir: string, repoURL: string, others: readonly string[], remote: RemoteUse): void {
  if (others.length === 0) return;
  const platform = [repoURL, ...others];
  for (const urls of remoteUrlsOf(dir, remote.name)) {
    // What git uses speaks first; the configured URL speaks when git's names no repository of the platform.
    const named = urls.map(({ used, configured }) => (platform.some((p) => sameHostAndPath(used, p)) ? used : configured));
    if (named.some((url) => sameHostAndPath(url, repoURL))) continue;
    const url = named.find((u) => others.some((o) => sameHostAndPath(u, o)));
    if (url === undefined) continue;
    const other = others.find((o) => sameHostAndPath(url, o))!;
    const names = `its remote "${remote.name}" names it${url === other ? '' : `: ${redactUrl(url)}`}`;
    throw GitOpsError.of(
      'CG319',
      remote.flag === undefined
        ? {
            message: `The checkout ${dir} is a clone of the GitOps repository ${redactUrl(other)} (${names}), not of ${redactUrl(repoURL)}, which the command works on: written and published there, this repository's files would land in the other, which another Argo CD reads. Nothing was written.`,
            fix: `Pass --repository ${redactUrl(other)} to work on that checkout, or --out with a clone of ${redactUrl(repoURL)}.`,
          }
        : {
            message: `${remote.flag} ${remote.name}: that remote of the checkout ${dir} is the GitOps repository ${redactUrl(other)}${url === other ? '' : ` (it names ${redactUrl(url)})`}, not ${redactUrl(repoURL)}, which the command works on: pushed there, this repository's files would land in the other, which another Argo CD reads. Nothing was written.`,
            fix: `Pass ${remote.flag} with a remote of the checkout that is ${redactUrl(repoURL)} (see \`git remote -v\`), or --repository ${redactUrl(other)} with the checkout of that repository.`,
          },
    );
  }
}

/**
 * The remote a command uses: `origin`, or the one its `--remote` names for a publish.
 */
export interface RemoteUse {
  /** The remote's name. */
  readonly name: string;
  /**
   * The option that named it (`--remote`), for the message.
   * @default - none: the default remote, `origin`
   */
  readonly flag?: string;
}

/** The remote a command that publishes uses: the one `--remote` names, else `origin`. */
export function remoteOfPublish(remote: string | undefined): RemoteUse {
  return remote ? { name: remote, flag: '--remote' } : ORIGIN;
}

const ORIGIN: RemoteUse = { name: 'origin' };

/** One URL a remote fetches from or pushes to: as git uses it, and as configured. */
interface RemoteUrl {
  /** The URL git resolves (`insteadOf`, `pushInsteadOf` applied). */
  readonly used: string;
  /** The URL as configured (`remote.<name>.url` or `.pushurl`); `used` when git resolves more URLs than are configured. */
  readonly configured: string;
}

/**
 * The URLs the remote `remote` of the Git repository at `dir` fetches from, then those it pushes
 * to: each as git resolves it (`git remote get-url`, `--push`) and as configured, so that both
 * an alias (`gx:platform/gitops.git`, rewritten by `url.<base>.insteadOf`) and a URL that git
 * rewrites to a mirror or a path on disk tell. None for a remote that is not configured, or
 * outside Git.
 */
function remoteUrlsOf(dir: string, remote: string): RemoteUrl[][] {
  const lines = (args: readonly string[]): string[] => {
    const r = gitSync(dir, args);
    return r.status === 0 ? r.stdout.split('\n').filter((l) => l !== '') : [];
  };
  const paired = (used: string[], configured: string[]): RemoteUrl[] =>
    Array.from({ length: Math.max(used.length, configured.length) }, (_, i) => ({
      used: used[i] ?? configured[i]!,
      configured: configured[i] ?? used[i]!,
    }));
  const fetchUrls = lines(['config', '--get-all', `remote.${remote}.url`]);
  const pushUrls = lines(['config', '--get-all', `remote.${remote}.pushurl`]);
  return [
    paired(lines(['remote', 'get-url', '--all', '--', remote]), fetchUrls),
    paired(lines(['remote', 'get-url', '--push', '--all', '--', remote]), pushUrls.length > 0 ? pushUrls : fetchUrls),
  ];
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
