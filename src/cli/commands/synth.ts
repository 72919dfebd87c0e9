import { parseCommandArgs } from '../args';
import { ARGUMENTS } from './arguments';
import { Command, CommandContext } from '../command';
import { checkoutDir } from '../out-dir';
import { runProgram } from '../../workspace/program/run';
import { SUMMARIES } from './summaries';

export const synthCommand: Command = {
  name: 'synth',
  summary: SUMMARIES.synth,
  usage: ARGUMENTS.synth.usage,
  help: `Runs the program, writes its tree into DIR (a checkout of the GitOps repository), and
prints what it created, updated, deleted and left unchanged. Files cdk8s-gitops did not write
are never touched. A second run with the same program changes nothing. A write that would
delete an Application the program does not declare removed (platform.removed(...), or a ring's
movedFrom) fails with CG141 and writes nothing.

Options:
  --app CMD      command that runs the program (default: "app" in cdk8s.yaml)
  --timeout T    how long the program may run: seconds or a duration such as 90s, 5m,
                 1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
                 stopped with every process it started and the command fails
  --out DIR      the checkout to write into (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
                 the GitOps repository, of a platform that writes several (default:
                 the platform's; without --out, its checkout from gitops.repositories)
  --verify       read every owned file and restore hand edits
  --adopt        take ownership of existing files the program generates
  --allow-remove APP
                 let this write delete the Application APP (a name, or a glob with * and ?)
                 although the program does not declare it removed; repeatable
  --verbose      list every path and print every problem in full
  --format       text (default) or json

Example:
  cdk8s-gitops synth --app "npx tsx platform.ts" --out ../platform-gitops`,
  async run(argv: string[], ctx: CommandContext): Promise<number> {
    const { values } = parseCommandArgs('synth', argv, ARGUMENTS.synth.options);
    const format = ctx.format(values.format, ['text', 'json']);
    const out = checkoutDir(ctx, 'synth', values.out, 'create', values.repository);
    const running = runProgram('synth', values, ctx);
    // The program runs in a process of its own, started first: then what looks at the owned files
    // meanwhile is loaded, and what writes the checkout.
    const { CheckoutPrefetch } = await import('../../workspace/checkout/prefetch');
    const prefetch = values.verify === true ? undefined : CheckoutPrefetch.start(out, running);
    const [{ synthWrite }, run] = await Promise.all([import('./synth-write'), running]);
    return synthWrite(ctx, run, out, {
      format,
      verify: values.verify === true,
      adopt: values.adopt === true,
      allow: values['allow-remove'] ?? [],
      verbose: values.verbose === true,
      ...(prefetch ? { statCacheFor: prefetch.statCacheFor } : {}),
    });
  },
};
