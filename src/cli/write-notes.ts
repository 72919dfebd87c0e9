import type { WriteReport } from '../model/write-report';
import type { CommandContext } from './command';

/**
 * Tells on stderr what a write did besides what the program asked: owned files edited by hand
 * that it put back, files it no longer generates that it kept because they were changed, files
 * whose record in the manifest was lost that it recorded again, targets new to a held ring it
 * did not write yet, and ledgers edited by hand that the ring rules accept, whose edit it recorded.
 */
export function printWriteNotes(ctx: CommandContext, r: WriteReport): void {
  const one = (n: number, singular: string, plural: string): string => (n === 1 ? singular : plural);
  if (r.restored.length > 0) {
    const n = r.restored.length;
    ctx.stderr.write(`Put back ${n} owned file${one(n, '', 's')} edited by hand since cdk8s-gitops wrote ${one(n, 'it', 'them')}:\n`);
    for (const p of r.restored) ctx.stderr.write(`    ${p}\n`);
  }
  if (r.kept.length > 0) {
    const n = r.kept.length;
    ctx.stderr.write(
      `Kept ${n} file${one(n, '', 's')} the program no longer generates, because ${one(n, 'it was', 'they were')} changed since cdk8s-gitops wrote ${one(n, 'it', 'them')}; ` +
        `${one(n, 'it is', 'they are')} yours now (delete ${one(n, 'it', 'them')} if not needed):\n`,
    );
    for (const p of r.kept) ctx.stderr.write(`    ${p}\n`);
  }
  if (r.recorded.length > 0) {
    const n = r.recorded.length;
    ctx.stderr.write(
      `Recorded ${n} file${one(n, '', 's')} in the manifest again: ${one(n, 'it holds', 'they hold')} what the program makes, but the manifest's record of ${one(n, 'it', 'them')} ` +
        `was missing (a shard or the manifest deleted or edited). Commit the manifest with the rest:\n`,
    );
    for (const p of r.recorded) ctx.stderr.write(`    ${p}\n`);
  }
  if (r.waiting.length > 0) {
    const n = r.waiting.length;
    ctx.stderr.write(
      `Not written yet: ${n} target${one(n, '', 's')} new to a ring held at its release; ${one(n, 'it is', 'they are')} written, and ${one(n, 'its Application', 'their Applications')} made, once the ring runs a release of the program's images:\n`,
    );
    for (const p of r.waiting) ctx.stderr.write(`    ${p}\n`);
  }
  if (r.acceptedEdits.length > 0) {
    const n = r.acceptedEdits.length;
    ctx.stderr.write(
      `Recorded ${n} ledger${one(n, '', 's')} edited by hand since cdk8s-gitops wrote ${one(n, 'it', 'them')}; the ring rules accept the edit. Commit the manifest with the rest:\n`,
    );
    for (const p of r.acceptedEdits) ctx.stderr.write(`    ${p}\n`);
  }
}
