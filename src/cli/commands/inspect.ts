import { FILTER_HELP } from '../filters';
import { parseCommandArgs } from '../args';
import { Command } from '../command';
import { checkoutDir } from '../out-dir';
import { runProgram } from '../../workspace/program/run';
import { ARGUMENTS } from './arguments';
import { SUMMARIES } from './summaries';

export const planCommand: Command = {
  name: 'plan',
  summary: SUMMARIES.plan,
  usage: ARGUMENTS.plan.usage,
  help: `Synthesizes the program in memory and compares it with the checkout DIR: each file
[+] created, [~] updated or [-] deleted, the values keys that change, and the Applications the
ApplicationSets would create, change or delete (expanded offline). Files whose values keys change
alike (replicaCount: 2 → 4 on every cluster of a service) are shown once, with their count.
Deleted Applications come first; those the program does not declare removed are marked, as synth
would refuse them (CG141). Applications Argo CD would not create after the write (a duplicate
name, a name or label the API server refuses, a name another ApplicationSet owns) are never shown
as created: each is a warning on stderr with the error Argo CD reports (in json: notCreated).
Writes nothing. Exit code 0 when nothing changes, 2 when something does, 1 on error.
The filters show the changes of the targets they select (their files, their services' ledgers,
their Applications) and count the others; the exit code is the whole plan's.

Options:
${FILTER_HELP}
  --app CMD   command that runs the program (default: "app" in cdk8s.yaml)
  --timeout T how long the program may run: seconds or a duration such as 90s, 5m,
              1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
              stopped with every process it started and the command fails
  --out DIR   the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
              the GitOps repository, of a platform that writes several (default:
              the platform's; without --out, its checkout from gitops.repositories)
  --format    text (default), markdown (for merge-request comments) or json
  --verbose   list every file of a group of alike changes (JSON always lists each file)

Example:
  cdk8s-gitops plan --out ../platform-gitops --format markdown > plan.md`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('plan', argv, ARGUMENTS.plan.options);
    const format = ctx.format(values.format, ['text', 'markdown', 'json']);
    const out = checkoutDir(ctx, 'plan', values.out, 'first-synth', values.repository);
    const running = runProgram('plan', values, ctx);
    // The program runs in a process of its own, started first: then what looks at the owned files
    // meanwhile is loaded, and what compares them with its tree.
    const { CheckoutPrefetch } = await import('../../workspace/checkout/prefetch');
    const prefetch = CheckoutPrefetch.start(out, running);
    const [{ planFromProgram }, run] = await Promise.all([import('./plan-run'), running]);
    return planFromProgram(ctx, run, out, values, format, prefetch);
  },
};

export const previewCommand: Command = {
  name: 'preview',
  summary: SUMMARIES.preview,
  usage: ARGUMENTS.preview.usage,
  help: `Expands every ApplicationSet found in the checkout DIR as Argo CD's ApplicationSet
controller would (git directory and files, list, matrix, merge and cluster generators, selectors,
values, templatePatch; Go's text/template with Sprig's and Argo CD's functions, or fasttemplate)
and prints the Applications (the README's "What preview expands" lists what it refuses). Cluster
generators read the clusters the checkout declares for their control plane (the cluster Secrets of a
self-managed Argo CD). It reads the tree, not the program, so it also shows what a hand-edited or stray
directory would create. Templates it cannot evaluate fail with what is unsupported. For clusters Flux
reconciles, it lists each Kustomization of their entry points (clusters/…) and the HelmRelease of the
directory it builds, with its chart and revision (Flux has no generator: a listing, not an expansion);
yaml and json give those objects after the Applications.

The filters show the Applications (and Flux entry points) of the targets they select, as the
checkout's release model (.cdk8s-gitops/model/) places them: what a hand-written ApplicationSet
generates belongs to no service and is shown only without filters.

Argo CD does not create every Application an ApplicationSet generates: a second one of the same
name (its ApplicationSet reports "contains applications with duplicate name"), one whose name or
labels the Kubernetes API server refuses (e.g. a directory Upper_Svc: "metadata.name: Invalid
value"), one another ApplicationSet owns. The table lists those after the Applications, each with
the reason and error Argo CD reports; yaml and json add, after everything else, one object of kind
ApplicationNotCreated (apiVersion cdk8s-gitops.io/v1) for each, holding the Application as
generated, and say so on stderr. Exit code 2 then, else 0.

Directories are listed as Argo CD's repo server lists them from a clone: where DIR is a Git
repository, from the files Git tracks and those cdk8s-gitops wrote (publish commits them):
untracked and ignored directories make no Application, and are named on stderr; an
ApplicationSet in a file Git does not track (untracked or ignored) is left out, as Argo CD reads
only what is committed, with a warning on stderr naming the file. Otherwise from the file system. Directories whose names start with "." are skipped with all
below them; a directory that holds only hidden files (.gitkeep) is listed.

Options:
${FILTER_HELP}
  --out DIR   the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
              the GitOps repository, of a platform that writes several (default:
              the platform's; without --out, its checkout from gitops.repositories)
  --format    table (default), yaml or json

Example:
  cdk8s-gitops preview --out ../platform-gitops --format yaml`,
  async run(argv, ctx) {
    const { preview } = await import('./preview-run');
    return preview(argv, ctx);
  },
};

export const checkCommand: Command = {
  name: 'check',
  summary: SUMMARIES.check,
  usage: ARGUMENTS.check.usage,
  help: `For the GitOps repository's own CI. Lists every finding with its code and fix: owned files edited
by hand (each with the diff from what cdk8s-gitops writes; lines that may hold a secret are not
shown) or missing, changes the program declares that are not synthesized yet, directories that
would become Applications nobody declared, Applications the ApplicationSets generate that Argo CD
would not create (CG425 a name taken twice, CG426 a name or label the API server refuses), and
values whose digest disagrees with the ledger. Directories are listed as for preview.
Exit code 0 when clean, 2 with findings, 1 on error. Changes nothing.

The ring rules judge every ledger entry the change makes. With --base, that is every entry that
differs from the ledger in REF (the branch a merge request goes into), whatever the manifest
records: run it in the merge-request pipeline of the GitOps repository, so that a commit that
rewrites a ledger and the manifest together is refused too. check runs the program (it compares
the checkout with what the program makes): that pipeline checks out the platform program too,
and names it with --app (or runs check in the program's directory, where cdk8s.yaml names it),
as in the example, run in the GitOps repository's clone with the program beside it.

Options:
  --app CMD   command that runs the program (default: "app" in cdk8s.yaml)
  --timeout T how long the program may run: seconds or a duration such as 90s, 5m,
              1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
              stopped with every process it started and the command fails
  --out DIR   the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
              the GitOps repository, of a platform that writes several (default:
              the platform's; without --out, its checkout from gitops.repositories)
  --base REF  judge the ledgers a merge request changes against REF, e.g. origin/main
              (fetched), commit by commit; its own releases soak from the merge
  --format    text (default) or json

Example:
  cdk8s-gitops check --app "npx tsx ../platform/platform.ts" --out . --base origin/main`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('check', argv, ARGUMENTS.check.options);
    const format = ctx.format(values.format, ['text', 'json']);
    const out = checkoutDir(ctx, 'check', values.out, 'existing', values.repository);
    const running = runProgram('check', values, ctx);
    // The program runs in a process of its own, started first: then what looks at the owned files
    // meanwhile is loaded, and what compares them with its tree.
    const { CheckoutPrefetch } = await import('../../workspace/checkout/prefetch');
    const prefetch = CheckoutPrefetch.start(out, running);
    const [{ checkFromProgram }, run] = await Promise.all([import('./check-run'), running]);
    return checkFromProgram(ctx, run, out, values, format, prefetch);
  },
};
