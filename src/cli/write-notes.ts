import type { WriteReport } from '../model/write-report';
import type { CommandContext } from './command';
import { LIST_LIMIT } from './changed-files';

/**
 * Tells on stderr what a write did besides what the program asked: owned files edited by hand
 * that it put back, files it no longer generates that it kept (changed, or recorded only by an edited manifest), files
 * whose record in the manifest was lost that it recorded again, targets new to a held ring it
 * did not write yet, and ledgers edited by hand that the ring rules accept, whose edit it recorded.
 * Each note lists at most {@link LIST_LIMIT} paths unless `all` (`--verbose`), then counts the rest.
 */
export function printWriteNotes(ctx: CommandContext, r: WriteReport, all: boolean): void {
  const one = (n: number, singular: string, plural: string): string => (n === 1 ? singular : plural);
  const list = (paths: readonly string[]): void => {
    const shown = all ? paths : paths.slice(0, LIST_LIMIT);
    for (const p of shown) ctx.stderr.write(`    ${p}\n`);
    if (shown.length < paths.length) ctx.stderr.write(`    … and ${paths.length - shown.length} more (--verbose lists them)\n`);
  };
  if (r.restored.length > 0) {
    const n = r.restored.length;
    ctx.stderr.write(`Put back ${n} owned file${one(n, '', 's')} edited by hand since cdk8s-gitops wrote ${one(n, 'it', 'them')}:\n`);
    list(r.restored);
  }
  if (r.kept.length > 0) {
    const n = r.kept.length;
    ctx.stderr.write(
      `Kept ${n} file${one(n, '', 's')} the program no longer generates, because ${one(n, 'it was', 'they were')} changed since cdk8s-gitops wrote ${one(n, 'it', 'them')}, ` +
        `or only a file of the manifest edited by hand records ${one(n, 'it', 'them')}; ${one(n, 'it is', 'they are')} yours now (delete ${one(n, 'it', 'them')} if not needed):\n`,
    );
    list(r.kept);
  }
  if (r.recorded.length > 0) {
    const n = r.recorded.length;
    ctx.stderr.write(
      `Recorded ${n} file${one(n, '', 's')} in the manifest again: ${one(n, 'it holds', 'they hold')} what the program makes, but the manifest's record of ${one(n, 'it', 'them')} ` +
        `was missing (a shard or the manifest deleted or edited). Commit the manifest with the rest:\n`,
    );
    list(r.recorded);
  }
  if (r.waiting.length > 0) {
    const n = r.waiting.length;
    ctx.stderr.write(
      `Not written yet: ${n} target${one(n, '', 's')} new to a ring held at its release; ${one(n, 'it is', 'they are')} written, and ${one(n, 'its Application', 'their Applications')} made, once the ring runs a release of the program's images:\n`,
    );
    list(r.waiting);
  }
  if (r.acceptedEdits.length > 0) {
    const n = r.acceptedEdits.length;
    ctx.stderr.write(
      `Recorded ${n} ledger${one(n, '', 's')} edited by hand since cdk8s-gitops wrote ${one(n, 'it', 'them')}; the ring rules accept the edit. Commit the manifest with the rest:\n`,
    );
    list(r.acceptedEdits);
  }
}
