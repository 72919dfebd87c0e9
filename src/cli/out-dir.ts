import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../core/errors';
import { CommandContext } from './command';
import { readProjectConfig } from '../workspace/program/run';

/**
 * What a command does with the GitOps checkout:
 * - `create`: writes it, creating the directory when it is missing (synth);
 * - `first-synth`: reads it, and a missing directory whose parent exists is the empty checkout
 *   of a first synth (plan);
 * - `existing`: reads or changes a checkout that must exist (every other command).
 */
export type CheckoutUse = 'create' | 'first-synth' | 'existing';

/**
 * The GitOps checkout a command works on: `--out`, else "output" in cdk8s.yaml, else `dist`,
 * checked to be a directory (or, as `use` allows, a directory still to be created).
 *
 * @throws GitOpsError `CG312` when it is a file or a path through a file, `CG313` when it does not exist
 */
export function checkoutDir(ctx: CommandContext, command: string, out: string | undefined, use: CheckoutUse): string {
  const configured = out ?? readProjectConfig(ctx.cwd).output;
  const dir = path.resolve(ctx.cwd, configured ?? 'dist');
  const shown = configured ?? 'dist';
  const named = `${out !== undefined ? `--out ${out}` : configured !== undefined ? `The checkout "${configured}" from "output" in cdk8s.yaml` : 'The default checkout "dist"'}${path.isAbsolute(shown) ? '' : ` (${dir})`}`;
  const fix = out !== undefined ? '' : ' (or set "output" in cdk8s.yaml)';

  const stat = statOf(dir);
  if (stat?.isDirectory()) return dir;
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
  if (link === undefined && (use === 'create' || (use === 'first-synth' && ancestor === path.dirname(dir)))) return dir;
  throw GitOpsError.of('CG313', {
    message: link !== undefined ? `${named} is a symbolic link to ${link}, which does not exist.` : `${named} does not exist. ${needs}`,
    fix:
      link !== undefined
        ? `Point the link at the checkout, or pass the checkout itself with --out${fix}.`
        : `Clone the GitOps repository there (git clone <url> ${shown}), or run \`cdk8s-gitops synth --out ${shown}\` first; or correct the path${fix}.`,
  });
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
