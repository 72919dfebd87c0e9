import { commitDate } from '../environment';
import { parseCommandArgs } from '../args';
import { Command, personName } from '../command';
import { commitText } from '../commit-text';
import { withCheckoutLock } from '../locking';
import { checkoutDir } from '../out-dir';
import { assertCheckoutOfRepository, remoteOfPublish } from '../../workspace/checkout-repository';
import { assertChartSourcesKept } from '../../workspace/chart-sources';
import { runProgram } from '../../workspace/program/run';
import { dropPending, publishChange } from '../../workspace/publishing';
import { printWriteNotes } from '../write-notes';
import { printChangedFiles } from '../changed-files';
import { removedSetNotes } from '../removed-sets';
import { formerControlPlaneNotes } from '../control-plane-notes';
import { FormerControlPlane, formerControlPlanes } from '../../workspace/former-control-planes';
import type { PlatformModel } from '../../model/platform-model';
import { plural } from '../plural';
import { recordedModel, ReleaseModel, withoutProgram } from '../without-program';
import { pendingStore, readPending } from '../../workspace/pending-operations';
import { recoverInterruptedWrite } from '../../workspace/checkout/writer';
import { ARGUMENTS } from './arguments';
import { SUMMARIES } from './summaries';

export const publishCommand: Command = {
  name: 'publish',
  summary: SUMMARIES.publish,
  usage: ARGUMENTS.publish.usage,
  help: `Synthesizes the program into the checkout DIR, commits exactly the files cdk8s-gitops
owns that changed, and pushes. The program's own changes are one commit (by --by); each
promote, rollback or unhold made without --publish is a commit of its own, with its own
subject, operation, Promoted-By and Approved-By, in the order they were made. Each message
says which services, rings and Applications changed, with trailers that \`history\` reads
back. If the push is rejected because the remote moved, every change is made again on the new
remote tip (pending operations with the release rules checked as of when they were made) and
pushed again; nothing is force-pushed. A ledger that no pending operation changed, or that was
edited after one, is refused, never committed under someone's name. A change that would
delete an Application the program does not declare removed fails with CG141, and a ledger
entry that breaks the ring rules fails with the rule it breaks; either way nothing is
published. Into a new, empty GitOps repository, publish makes the first commit (on the
branch the checkout's HEAD names).

Options:
  --app CMD        command that runs the program (default: "app" in cdk8s.yaml)
  --no-program     publish the pending operations only, reading what the program decides
                   from the checkout's release model (.cdk8s-gitops/model/); the default
                   when there is no --app and no "app" in cdk8s.yaml. Nothing pending:
                   nothing to publish
  --timeout T      how long the program may run: seconds or a duration such as 90s, 5m,
                   1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
                   stopped with every process it started and the command fails
  --out DIR        the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
                   the GitOps repository, of a platform that writes several (default:
                   the platform's; without --out, its checkout from gitops.repositories)
  --branch [NAME]  push to a new branch for a merge request (default name: synth/<program commit>);
                   the checkout goes back to its branch afterwards
  --message TEXT   the subject of the program's commit (default: says what changed)
  --remote NAME    the remote to push to (default: origin)
  --by NAME        recorded as Promoted-By of the program's commit (default: CI user
                   variables, else git user.name)
  --drop-pending   forget the pending operations of the checkout instead (its files stay
                   as they are; \`git checkout -- releases\` discards their ledger changes,
                   then \`cdk8s-gitops synth\` writes the other files back from the ledgers)
  --allow-remove APP
                   let this change delete the Application APP (a name, or a glob with * and ?)
                   although the program does not declare it removed; repeatable
  --verbose        list every path (else 50 of each kind) and print every problem in full
  --format         text (default) or json

Example:
  cdk8s-gitops publish --out ../platform-gitops --branch`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('publish', argv, ARGUMENTS.publish.options);
    // Refused before anything is read or written: no line of it may read as a release.
    const message = values.message === undefined ? undefined : commitText('publish', '--message', values.message);
    const format = ctx.format(values.format, ['text', 'json']);
    const out = checkoutDir(ctx, 'publish', values.out, 'existing', values.repository);
    if (values['drop-pending']) {
      const dropped = await withCheckoutLock(ctx, out, 'publish --drop-pending', () => dropPending(out));
      if (format === 'json') ctx.stdout.write(`${JSON.stringify({ dropped: dropped.map(({ file: _, ...op }) => op) }, null, 2)}\n`);
      else if (dropped.length === 0) ctx.stdout.write('No pending operation.\n');
      else for (const op of dropped) ctx.stdout.write(`Dropped the pending ${op.subject} (made ${op.at}).\n`);
      return 0;
    }
    const by = personName('publish', '--by', values.by ?? ctx.actor(out));
    // Without the program there is no change of its own: only pending operations are published.
    const fromProgram = withoutProgram('publish', values, ctx) ? undefined : await runProgram('publish', values, ctx);
    if (fromProgram !== undefined) assertCheckoutOfRepository(out, fromProgram, remoteOfPublish(values.remote));
    if (fromProgram !== undefined) assertChartSourcesKept(fromProgram.model, out);
    const dated = commitDate(ctx.env);
    if (dated.note) ctx.stderr.write(`Note: ${dated.note}\n`);
    const programCommit = ctx.programCommit();
    let revision: string | undefined;
    let model: PlatformModel | undefined;
    let former: FormerControlPlane[] = [];
    const result = await withCheckoutLock(ctx, out, 'publish', (takenOver) => {
      let source: ReleaseModel | undefined = fromProgram;
      if (source === undefined) {
        recoverInterruptedWrite(out);
        const store = pendingStore(out);
        const services = [...new Set((store ? readPending(store) : []).map((op) => op.request.service))];
        if (services.length === 0) return undefined;
        source = recordedModel('publish', out, services, values.repository);
      }
      revision = source.model.revision;
      model = source.model;
      // What the bootstraps of control planes no longer declared applied, read before the write deletes them.
      former = formerControlPlanes(source.model, out);
      return publishChange({
        model: source.model,
        fingerprint: source.fingerprint,
        ...(source.recordedServices === undefined ? {} : { recordedServices: source.recordedServices }),
        dir: out,
        takenOver,
        onNote: (line: string) => ctx.stderr.write(`Note: ${line}\n`),
        by,
        allowRemove: values['allow-remove'] ?? [],
        clock: { now: ctx.now(), clock: ctx.clock() },
        ...(dated.date ? { commitDate: dated.date } : {}),
        ...(message ? { message } : {}),
        ...(values.branch !== undefined
          ? {
              branch: values.branch || `synth/${(programCommit ?? ctx.now().toISOString().replace(/[-:]/g, '').slice(0, 15)).slice(0, 12)}`,
            }
          : {}),
        ...(values.remote ? { remote: values.remote } : {}),
        programCommit,
      });
    });
    if (result === undefined) {
      if (format === 'json') ctx.stdout.write(`${JSON.stringify({ pushed: false, pending: 0 }, null, 2)}\n`);
      else ctx.stdout.write('Nothing to publish: no pending operation (without the program, publish publishes pending operations only).\n');
      return 0;
    }
    const pushed = (change: 'create' | 'update' | 'delete'): string[] =>
      result.pushed ? result.changes.filter((c) => c.change === change).map((c) => c.path) : [];
    const deleted = pushed('delete');
    const when = values.branch === undefined ? 'now that this change is pushed' : `once branch ${result.branch} is merged`;
    for (const note of model
      ? [
          ...removedSetNotes(model, deleted, when),
          ...formerControlPlaneNotes(model, former, { created: pushed('create'), updated: pushed('update'), deleted }, when),
        ]
      : []) {
      ctx.stderr.write(`Note: ${note}\n`);
    }
    if (format === 'json') {
      ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    if (result.synth) printWriteNotes(ctx, result.synth, values.verbose === true);
    if (result.pushed) {
      const of = (change: 'create' | 'update' | 'delete'): string[] => result.changes.filter((c) => c.change === change).map((c) => c.path);
      const files = { created: of('create'), updated: of('update'), deleted: of('delete') };
      printChangedFiles(ctx, files, values.verbose === true);
      if (result.commits.length > 1) {
        for (const c of result.commits) ctx.stdout.write(`${c.sha.slice(0, 12)} ${c.subject}\n`);
      }
      const commits = result.commits.length > 1 ? ` in ${result.commits.length} commits` : '';
      ctx.stdout.write(
        `Pushed ${result.sha.slice(0, 12)} to ${result.branch}${commits}: ${plural(result.files.length, 'file')}, ` +
          `${files.created.length} created, ${files.updated.length} updated, ${files.deleted.length} deleted` +
          `${result.attempts > 1 ? `, after ${result.attempts} attempts` : ''}.\n`,
      );
    } else {
      ctx.stdout.write('Nothing to publish: the remote already has this tree.\n');
    }
    // Pushed to the checkout's branch: one the ApplicationSets do not read deploys nothing.
    const read = revision?.replace(/^refs\/heads\//, '');
    if (values.branch === undefined && read !== undefined && read !== 'HEAD' && result.branch !== read) {
      ctx.stderr.write(
        `Note: this went to branch ${result.branch}, but Argo CD reads the GitOps repository at ${JSON.stringify(read)} (the platform's revision): nothing of it is deployed until it reaches ${JSON.stringify(read)}.\n`,
      );
    }
    return 0;
  },
};
