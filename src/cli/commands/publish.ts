import { Operation } from '../../git/trailers';
import { assertCheckoutLedgers } from '../../release/checkout-gates';
import { checkoutTree } from '../../synth/build';
import { writeDeclaredTree } from '../../synth/removals';
import { recoverInterruptedWrite } from '../../synth/writer';
import { parseCommandArgs, PROGRAM_OPTIONS } from '../args';
import { Command } from '../command';
import { withCheckoutLock } from '../locking';
import { checkoutDir } from '../out-dir';
import { runProgram } from '../program';
import { publishChange } from '../publishing';

export const publishCommand: Command = {
  name: 'publish',
  summary: 'Synthesize, commit the owned files that changed, and push',
  usage: 'cdk8s-gitops publish [--app CMD] [--timeout T] [--out DIR] [--branch [NAME]] [--message TEXT] [--remote NAME] [--by NAME] [--allow-remove APP]… [--format text|json]',
  help: `Synthesizes the program into the checkout DIR, commits exactly the files cdk8s-gitops
owns that changed (including ledger changes made by promote, rollback or unhold without
--publish), and pushes. The message says which services, rings and Applications changed, with
trailers that \`history\` reads back. If the push is rejected because the remote moved, the
change is made again on the new remote tip and pushed again; nothing is force-pushed. A change
that would delete an Application the program does not declare removed fails with CG141 and
publishes nothing.

Options:
  --app CMD        command that runs the program (default: "app" in cdk8s.yaml)
  --timeout T      how long the program may run: seconds or a duration such as 90s, 5m,
                   1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
                   stopped with every process it started and the command fails
  --out DIR        the GitOps checkout (default: "output" in cdk8s.yaml, else dist)
  --branch [NAME]  push to a new branch for a merge request (default name: synth/<program commit>)
  --message TEXT   the commit subject (default: says what changed)
  --remote NAME    the remote to push to (default: origin)
  --by NAME        recorded as Promoted-By (default: CI user variables, else git user.name)
  --allow-remove APP
                   let this change delete the Application APP (a name, or a glob with * and ?)
                   although the program does not declare it removed; repeatable
  --format         text (default) or json

Example:
  cdk8s-gitops publish --out ../platform-gitops --branch`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('publish', argv, {
      ...PROGRAM_OPTIONS, branch: { type: 'string' }, message: { type: 'string' }, remote: { type: 'string' },
      by: { type: 'string' }, format: { type: 'string' }, 'allow-remove': { type: 'string', multiple: true },
    });
    const format = ctx.format(values.format, ['text', 'json']);
    const out = checkoutDir(ctx, 'publish', values.out, 'existing');
    const { model, fingerprint } = await runProgram('publish', values, ctx);
    const programCommit = ctx.programCommit();
    let counts = '';
    const result = await withCheckoutLock(ctx, out, 'publish', (takenOver) => {
      // Refuse a ledger that breaks the ring rules before Git is touched (and again on each base).
      recoverInterruptedWrite(out);
      assertCheckoutLedgers(model, out, { now: ctx.now(), clock: ctx.clock() });
      return publishChange({
        model, dir: out, takenOver, onNote: (line: string) => ctx.stderr.write(`Note: ${line}\n`),
        apply: () => {
          recoverInterruptedWrite(out); // before the ledgers are read
          assertCheckoutLedgers(model, out, { now: ctx.now(), clock: ctx.clock() });
          const found = checkoutTree(model, out, fingerprint);
          const r = found.unchanged ?? writeDeclaredTree(model, found.tree, out, { allow: values['allow-remove'] ?? [] });
          counts = `${r.created.length} created, ${r.updated.length} updated, ${r.deleted.length} deleted`;
          return 'Synthesize the platform program';
        },
        operation: Operation.SYNTH,
        promotedBy: values.by ?? ctx.actor(),
        ...(values.message ? { message: values.message } : {}),
        ...(values.branch !== undefined ? { branch: values.branch || `synth/${(programCommit ?? ctx.now().toISOString().replace(/[-:]/g, '').slice(0, 15)).slice(0, 12)}` } : {}),
        ...(values.remote ? { remote: values.remote } : {}),
        programCommit,
      });
    });
    if (format === 'json') {
      ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else if (result.pushed) {
      for (const f of result.files) ctx.stdout.write(`${ctx.style('[~]')} ${f}\n`);
      ctx.stdout.write(`Pushed ${result.sha.slice(0, 12)} to ${result.branch} (${result.files.length} files${counts ? `; synth: ${counts}` : ''})${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}.\n`);
    } else {
      ctx.stdout.write('Nothing to publish: the remote already has this tree.\n');
    }
    return 0;
  },
};
