/**
 * The files a write changed, as commands list them: each kind (created, updated, deleted) in
 * order, the files Argo CD reads before the release model (cdk8s-gitops's own bookkeeping), at
 * most {@link LIST_LIMIT} of each unless all are asked for.
 *
 * @module
 */
import { RELEASE_MODEL_DIR } from '../synth/release-model';
import type { CommandContext } from './command';

/** How many paths of each kind are listed before the rest are counted (`--verbose` lists them all). */
export const LIST_LIMIT = 50;

/** The paths a write created, updated and deleted. */
export interface ChangedFiles {
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly deleted: readonly string[];
}

/**
 * Writes a line per changed file, `[+] path`, `[~] path` or `[-] path`, and for a kind of more
 * than {@link LIST_LIMIT} files without `all`, how many more there are.
 *
 * @example
 * printChangedFiles(ctx, report, values.verbose === true);
 */
export function printChangedFiles(ctx: CommandContext, files: ChangedFiles, all: boolean): void {
  const list = (mark: string, paths: readonly string[]): void => {
    const ordered = [
      ...paths.filter((p) => !p.startsWith(`${RELEASE_MODEL_DIR}/`)),
      ...paths.filter((p) => p.startsWith(`${RELEASE_MODEL_DIR}/`)),
    ];
    const shown = all ? ordered : ordered.slice(0, LIST_LIMIT);
    for (const p of shown) ctx.stdout.write(`${ctx.style(mark)} ${p}\n`);
    if (shown.length < ordered.length) ctx.stdout.write(`    … and ${ordered.length - shown.length} more (--verbose lists them)\n`);
  };
  list('[+]', files.created);
  list('[~]', files.updated);
  list('[-]', files.deleted);
}

/** `names` joined by commas, at most {@link LIST_LIMIT} of them unless `all`, then how many more. */
export function listedNames(names: readonly string[], all: boolean): string {
  if (all || names.length <= LIST_LIMIT) return names.join(', ');
  return `${names.slice(0, LIST_LIMIT).join(', ')} … and ${names.length - LIST_LIMIT} more (--verbose lists them)`;
}
