import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../core/errors';
import { CommandContext, usageError } from './command';
import { CHECKOUT_KEY, ProjectConfig, readProjectConfig, REPOSITORIES_KEY } from '../workspace/program/run';
import { redactUrl } from '../model/names';
import { sameRepository } from '../model/repositories';
import { MANIFEST_PATH } from '../synth/manifest-path';

/**
 * What a command does with the GitOps checkout:
 * - `create`: writes it, creating the directory when it is missing (synth);
 * - `first-synth`: reads it, and a missing directory whose parent exists is the empty checkout
 *   of a first synth (plan);
 * - `existing`: reads or changes a checkout that must exist (every other command).
 */
export type CheckoutUse = 'create' | 'first-synth' | 'existing';

/**
 * The GitOps checkout a command works on: `--out`, else `gitops.checkout` in cdk8s.yaml, else
 * "output" in cdk8s.yaml (projects made before `gitops.checkout`), else `dist`, checked to be a
 * directory (or, as `use` allows, a directory still to be created).
 *
 * Warns on stderr when the checkout is the directory `npx cdk8s synth` writes to ("output" in
 * the project's cdk8s.yaml, else `dist`): the cdk8s CLI deletes that directory, `.git` and all,
 * before it runs the program.
 *
 * With `repository` (`--repository`) and no `--out`, the checkout is the one `gitops.repositories`
 * in cdk8s.yaml maps that repository to.
 *
 * @throws GitOpsError `CG301` when `repository` is empty, `CG312` when it is a file or a path through a file, `CG313` when it does not exist,
 *   `CG319` when `repository` is given without `--out` and cdk8s.yaml maps no checkout to it
 */
export function checkoutDir(ctx: CommandContext, command: string, out: string | undefined, use: CheckoutUse, repository?: string): string {
  if (repository !== undefined && repository.trim() === '') {
    throw usageError(
      command,
      '--repository was given an empty URL.',
      "Pass the URL of a GitOps repository a control plane reads, e.g. --repository https://git.example.com/platform/prod-gitops.git, or leave --repository out for the platform's.",
    );
  }
  // With --out, cdk8s.yaml is read only to warn: a file the command does not need never fails it.
  const config = out === undefined ? readProjectConfig(ctx.cwd) : configOrNothing(ctx.cwd);
  const mapped = out === undefined && repository !== undefined ? repositoryCheckout(config, command, repository) : undefined;
  const from =
    out !== undefined
      ? 'flag'
      : mapped !== undefined
        ? 'repositories'
        : config.checkout !== undefined
          ? 'checkout'
          : config.output !== undefined
            ? 'output'
            : 'default';
  const configured = out ?? mapped ?? config.checkout ?? config.output;
  const dir = path.resolve(ctx.cwd, configured ?? 'dist');
  const shown = configured ?? 'dist';
  const source = {
    flag: `--out ${out}`,
    repositories: `The checkout "${configured}" of ${redactUrl(repository ?? '')} from ${REPOSITORIES_KEY} in cdk8s.yaml`,
    checkout: `The checkout "${configured}" from ${CHECKOUT_KEY} in cdk8s.yaml`,
    output: `The checkout "${configured}" from "output" in cdk8s.yaml`,
    default: 'The default checkout "dist"',
  }[from];
  const named = `${source}${path.isAbsolute(shown) ? '' : ` (${dir})`}`;
  const fix = out !== undefined ? '' : ` (or set ${CHECKOUT_KEY} in cdk8s.yaml)`;
  assertNotInsideTree(dir, named, fix);
  const stat = statOf(dir);
  if (stat?.isDirectory()) return warnIfCdk8sOutput(ctx, dir, config, from);
  if (stat) {
    throw GitOpsError.of('CG312', {
      message: `${named} is a file, not a directory.`,
      fix: `Pass the directory of the GitOps checkout (a clone of the GitOps repository) with --out${fix}.`,
    });
  }
  const ancestor = existingAncestor(dir);
  if (!statOf(ancestor)?.isDirectory()) {
    throw GitOpsError.of('CG312', {
      message: `${named} runs through a file, ${ancestor}, so it is not a directory.`,
      fix: `Pass the directory of the GitOps checkout (a clone of the GitOps repository) with --out${fix}.`,
    });
  }
  const link = fs.lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink() ? fs.readlinkSync(dir) : undefined;
  const needs =
    use === 'first-synth'
      ? `${command} works on an existing checkout, or shows a first synth into a new directory whose parent exists.`
      : `${command} works on an existing checkout of the GitOps repository.`;
  if (link === undefined && (use === 'create' || (use === 'first-synth' && ancestor === path.dirname(dir))))
    return warnIfCdk8sOutput(ctx, dir, config, from);
  throw GitOpsError.of('CG313', {
    message: link !== undefined ? `${named} is a symbolic link to ${link}, which does not exist.` : `${named} does not exist. ${needs}`,
    fix:
      link !== undefined
        ? `Point the link at the checkout, or pass the checkout itself with --out${fix}.`
        : `Clone the GitOps repository there (git clone <url> ${shown}), or run \`cdk8s-gitops synth --out ${shown}\` first; or correct the path${fix}.`,
  });
}

/**
 * Fails with `CG428` when `dir` is inside a Git directory, inside another tree cdk8s-gitops
 * wrote (a directory above it holds a manifest), or a platform program's project whose cdk8s.yaml
 * names its checkout elsewhere: a tree written there would be mixed into the repository's own
 * files, into that tree (whose writes and checks would take it for files of nobody's), or into
 * the program's own repository.
 */
function assertNotInsideTree(dir: string, named: string, fix: string): void {
  const parts = dir.split(path.sep);
  if (parts.includes('.git')) {
    throw GitOpsError.of('CG428', {
      message: `${named} is inside a Git directory (.git), where Git keeps a repository's own files.`,
      fix: `Pass the top of the clone of the GitOps repository with --out${fix}.`,
    });
  }
  // A platform program's project whose cdk8s.yaml names its checkout elsewhere (`--out .` run in it).
  const project = fs.existsSync(path.join(dir, 'cdk8s.yaml')) ? configOrNothing(dir).checkout : undefined;
  if (project !== undefined && realPath(path.resolve(dir, project)) !== realPath(dir)) {
    throw GitOpsError.of('CG428', {
      message: `${named} is a platform program's project: its cdk8s.yaml names the GitOps checkout ${path.resolve(dir, project)}.`,
      fix: `Pass that checkout with --out${fix}.`,
    });
  }
  for (let above = path.dirname(dir); above !== path.dirname(above); above = path.dirname(above)) {
    if (!fs.existsSync(path.join(above, MANIFEST_PATH))) continue;
    throw GitOpsError.of('CG428', {
      message: `${named} is inside ${above}, a tree cdk8s-gitops wrote (it holds ${MANIFEST_PATH}): a tree written there would be mixed into that one.`,
      fix: `Pass the checkout itself (${above}) with --out${fix}, or a directory outside it.`,
    });
  }
}

/** The checkout cdk8s.yaml maps `repository` to (`gitops.repositories`), compared as Argo CD compares repository URLs. */
function repositoryCheckout(config: ProjectConfig, command: string, repository: string): string {
  const entry = Object.entries(config.repositories ?? {}).find(([url]) => sameRepository(url, repository));
  if (entry === undefined) {
    throw GitOpsError.of('CG319', {
      message: `${command} --repository ${redactUrl(repository)} was given without --out, and ${REPOSITORIES_KEY} in cdk8s.yaml maps no checkout to that repository.`,
      fix: `Pass --out with the checkout of that repository, or add it to cdk8s.yaml: gitops: { repositories: { "${redactUrl(repository)}": ../<its checkout> } }.`,
    });
  }
  return entry[1];
}

function configOrNothing(cwd: string): ProjectConfig {
  try {
    return readProjectConfig(cwd);
  } catch {
    return {};
  }
}

/**
 * Returns `dir`, having warned when the checkout is where `npx cdk8s synth` writes: that CLI deletes its output
 * directory ("output" in cdk8s.yaml, else `dist`) before it runs the program, which would erase
 * the clone with its `.git`, unpushed commits and pending operations.
 */
function warnIfCdk8sOutput(ctx: CommandContext, dir: string, config: ProjectConfig, from: string): string {
  const cdk8sOutput = config.output ?? 'dist';
  if (!fs.existsSync(path.join(ctx.cwd, 'cdk8s.yaml')) || realPath(path.resolve(ctx.cwd, cdk8sOutput)) !== realPath(dir)) return dir;
  const why =
    from === 'output'
      ? `The checkout comes from "output" in cdk8s.yaml (${cdk8sOutput})`
      : from === 'default'
        ? `The default checkout "dist" is also where \`npx cdk8s synth\` writes (cdk8s.yaml has no "output")`
        : `The checkout ${dir} is also "output" in cdk8s.yaml${config.output === undefined ? ' (by default dist)' : ''}`;
  ctx.stderr.write(
    `Warning: ${why}: \`npx cdk8s synth\` deletes that directory before it runs the program, the clone's .git, unpushed commits and pending operations with it. ` +
      `Name the checkout with ${CHECKOUT_KEY} in cdk8s.yaml (gitops: { checkout: ../platform-gitops }) and give "output" another directory, or run only cdk8s-gitops on this project.\n`,
  );
  return dir;
}

/** What `fs.stat` says of `p`, or undefined when nothing is there (or a file stands in its path). */
function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** The nearest of `dir` and its parents that exists (the root always does). */
function existingAncestor(dir: string): string {
  let at = dir;
  while (statOf(at) === undefined && path.dirname(at) !== at) at = path.dirname(at);
  return at;
}

/** A path with its symbolic links resolved, as far as it exists (the rest as written). */
function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realPath(parent), path.basename(p));
  }
}
