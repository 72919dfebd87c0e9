import { filesChangedBy, HistoryEntry, narrowEntry, readHistory } from '../../workspace/git/history';
import { TrailerKey } from '../../workspace/git/trailers';
import { GitOpsError } from '../../core/errors';
import { didYouMean } from '../../core/suggest';
import { someNames } from '../../core/name-list';
import { shortDigest } from '../../model/versions';
import { shortChart } from '../../release/release';
import { parseCommandArgs } from '../args';
import { Command, CommandContext, usageError } from '../command';
import { checkoutDir } from '../out-dir';
import { loadModel, ProgramFlags, readProjectConfig } from '../../workspace/program/run';
import { recordedPlatform } from '../../workspace/recorded-model';
import { assertRepositoryOfCheckout, loadModelOfCheckout } from '../../workspace/checkout-repository';
import { PlatformModel, RingModel } from '../../model/platform-model';
import { ARGUMENTS } from './arguments';
import { SUMMARIES } from './summaries';
import { describeFilter, selectsTarget, TargetFilter, targetFilter } from '../filters';
import { recordedModel, withoutProgram } from '../without-program';

export const historyCommand: Command = {
  name: 'history',
  summary: SUMMARIES.history,
  usage: ARGUMENTS.history.usage,
  help: `Reads the GitOps repository's history back from the trailers of published commits.
A service or ring that neither the program declares nor any commit names is a mistake (with
the closest names); one the program declares but nobody published yet has no history.

Without a service, the changes of every service. --env and --team need the program's model
(the program, or without one the checkout's release model): a change shows under --env when one
of its rings (or a name the ring had before) has a target of its service in that environment.
--ring R counts the changes recorded under the names R had before, too.

A commit of several releases (a publish that changes several services, or rings of one that
run different digests) has a paragraph of trailers for each: each is an entry, and without a
service the text adds a SERVICE column. A commit that recorded several services' digests and
charts in one set of trailers (written by earlier versions) shows, for one service (or --team,
--env), the commit's rings and "?" for its digests and charts, marked [recorded with …] (in
json, recordedWith, without digest and chart).

Trailers are what a commit's author wrote: a commit with the trailers of a promote, rollback or
unhold that changes no ledger of the services it names is marked [no ledger change] (in json,
ledgerUnchanged: true), and a note says so.

Options:
  --service S   only changes of service S (or name it as the argument)
  --env E       only changes to rings with targets of the service in environment E
  --ring R      only changes to ring R
  --team T      only changes of the services of team T
  --app CMD     command that runs the program, to know its services and rings when the
                history has none of the name (default: "app" in cdk8s.yaml, if any;
                without one, the checkout's release model, .cdk8s-gitops/model/)
  --no-program  do not run the program: read the checkout's release model
                (.cdk8s-gitops/model/) for --env and --team
  --timeout T   how long the program may run: seconds or a duration such as 90s, 5m,
                1h30m (default: $CDK8S_GITOPS_PROGRAM_TIMEOUT, else 10m); then it is
                stopped with every process it started and the command fails
  --out DIR     the GitOps checkout (default: gitops.checkout in cdk8s.yaml, else dist)
  --repository URL
                the GitOps repository, of a platform that writes several (default:
                the platform's; without --out, its checkout from gitops.repositories)
  --limit N     at most N entries (default: all)
  --format      text (default) or json

Example:
  cdk8s-gitops history payments-api --ring prod
  cdk8s-gitops history --env prod --limit 20`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('history', argv, ARGUMENTS.history.options, ARGUMENTS.history.positionals);
    if (positionals.length > 1 || (positionals.length === 1 && values.service !== undefined && values.service !== positionals[0])) {
      throw usageError(
        'history',
        `takes at most one service; received ${[...positionals, ...(values.service === undefined ? [] : [values.service])].map((p) => `"${p}"`).join(' ')}.`,
        'Run e.g. `cdk8s-gitops history payments-api`.',
      );
    }
    const service = values.service ?? positionals[0];
    if (values.ring !== undefined && values.ring.trim() === '')
      throw usageError('history', '--ring was given an empty name.', 'Pass a ring, e.g. --ring prod, or leave --ring out for every ring.');
    const format = ctx.format(values.format, ['text', 'json']);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
      throw usageError('history', `--limit "${values.limit}" is not a positive whole number.`, 'Pass e.g. --limit 20.');
    const out = checkoutDir(ctx, 'history', values.out, 'existing', values.repository);
    // --env and --team are judged on the model; the service and the ring on the commits' trailers,
    // so the changes of a service or ring the program no longer declares stay readable.
    const byModel = values.env !== undefined || values.team !== undefined;
    const model = byModel
      ? withoutProgram('history', values, ctx)
        ? recordedModel('history', out, 'all', values.repository).model
        : await loadModelOfCheckout('history', out, values, ctx)
      : undefined;
    if (model === undefined) assertRepositoryOfCheckout('history', out, values.repository);
    const filter = model === undefined ? {} : targetFilter('history', model, { env: values.env, team: values.team });
    const names = values.ring === undefined ? undefined : ringNames(values.ring, model ?? recordedPlatform(out)?.model);
    const read = ringLife(
      await readHistory({
        dir: out,
        ...(service !== undefined ? { service } : {}),
        ...(names !== undefined ? { ring: names.flat() } : {}),
        // Entries the model filters out, or a ring's life leaves out, do not count towards the limit.
        ...(limit && model === undefined && names === undefined ? { limit } : {}),
      }),
      names,
    );
    const selected =
      model === undefined ? read : read.flatMap((e) => narrowEntry(e, (s) => showsRelease(model, filter, e, s, values.ring)) ?? []);
    // Names the program declares may still select nothing together (a ring with no target in the environment).
    const declaredRing = model?.rings.some((r) => r.name === values.ring) === true;
    if (model !== undefined && declaredRing && !model.targets.some((t) => t.ring === values.ring && selectsTarget(filter, model, t))) {
      ctx.stderr.write(`Note: ${describeFilter({ ...filter, ring: values.ring })} selects no target.\n`);
    }
    const shown = limit === undefined ? selected : selected.slice(0, limit);
    // A commit's trailers are what its author wrote: a release whose commit changes no ledger of its services is said to be so.
    const unborne = await releasesWithoutLedgerChange(out, shown);
    const entries = shown.map((e) => (unborne.has(e.sha) ? { ...e, ledgerUnchanged: true } : e));
    if (unborne.size > 0) {
      ctx.stderr.write(
        `Note: ${unborne.size === 1 ? '1 commit carries' : `${unborne.size} commits carry`} the trailers of a release but ${unborne.size === 1 ? 'changes' : 'change'} no ledger of the services ${unborne.size === 1 ? 'it names' : 'they name'} (marked "no ledger change"): nobody released anything by ${unborne.size === 1 ? 'it' : 'them'}.\n`,
      );
    }
    if (read.length === 0 && (service !== undefined || values.ring !== undefined))
      await checkNames(ctx, out, values, await readHistory({ dir: out }), service, values.ring);
    if (format === 'json') {
      ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      return 0;
    }
    if (entries.length === 0) {
      const of = service === undefined ? (values.team === undefined ? 'any service' : `team ${values.team}`) : service;
      const where = [values.env ? `environment ${values.env}` : '', values.ring ? `ring ${values.ring}` : '']
        .filter((w) => w !== '')
        .join(', ');
      ctx.stdout.write(`No published change of ${of}${where ? ` in ${where}` : ''} in ${out}.\n`);
      return 0;
    }
    const shared = new Set(entries.filter((e) => e.recordedWith !== undefined).map((e) => e.sha.slice(0, 10)));
    if (shared.size > 0) {
      ctx.stderr.write(
        `Note: ${shared.size === 1 ? '1 commit' : `${shared.size} commits`} (${someNames([...shared])}) recorded the digests and charts of several services together, as earlier versions of cdk8s-gitops did (marked "recorded with"): which are whose cannot be told, so they show as "?", and the rings are the commit's. \`git show <commit>\` shows what it changed.\n`,
      );
    }
    // The chart column shows only where a chart is promoted with the image (or may be, in a commit that recorded several services together).
    const charts = entries.some(
      (e) => e.chart !== undefined || (e.recordedWith !== undefined && e.trailers[TrailerKey.CHART] !== undefined),
    );
    // Without a service named, a commit that changes several shows a row for each.
    const services = service === undefined;
    const rows = entries.map((e) => [
      e.date.slice(0, 19).replace('T', ' '),
      ...(services ? [e.service.length > 3 ? `${e.service.slice(0, 3).join(',')},+${e.service.length - 3}` : e.service.join(',')] : []),
      e.operation ?? '',
      e.ring.join(','),
      // A service with named images: one `<image>=<digest>` per image.
      e.recordedWith !== undefined && e.trailers[TrailerKey.DIGEST] !== undefined
        ? '?'
        : e.digest
            .map((d) => (d.includes('=') ? `${d.slice(0, d.indexOf('=') + 1)}${shortDigest(d.slice(d.indexOf('=') + 1))}` : shortDigest(d)))
            .join(','),
      ...(charts
        ? [e.recordedWith !== undefined && e.trailers[TrailerKey.CHART] !== undefined ? '?' : (e.chart ?? []).map(shortChart).join(',')]
        : []),
      e.promotedBy ?? e.author,
      e.approvedBy.join(','),
      e.sha.slice(0, 10),
      `${'ledgerUnchanged' in e ? '[no ledger change] ' : ''}${e.recordedWith ? `[recorded with ${someNames(e.recordedWith)}] ` : ''}${e.subject}`,
    ]);
    const head = [
      'DATE',
      ...(services ? ['SERVICE'] : []),
      'OPERATION',
      'RING',
      'DIGEST',
      ...(charts ? ['CHART'] : []),
      'BY',
      'APPROVED',
      'COMMIT',
      'SUBJECT',
    ];
    const widths = head.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i].length), h.length));
    for (const r of [head, ...rows]) ctx.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
    return 0;
  },
};

/** The operations whose commits change the ledger of each service they name. */
const RELEASE_OPERATIONS = new Set(['promote', 'rollback', 'unhold']);

/**
 * The commits among `entries` that carry the trailers of a release (promote, rollback, unhold)
 * but change no ledger of a service they name (`<service>.yaml` outside a directory of the
 * service's own, wherever the program kept its ledgers then): made by hand.
 */
async function releasesWithoutLedgerChange(out: string, entries: readonly HistoryEntry[]): Promise<Set<string>> {
  const releasesOf = entries.filter((e) => e.operation !== undefined && RELEASE_OPERATIONS.has(e.operation));
  const changed = await filesChangedBy(
    out,
    releasesOf.map((e) => e.sha),
  );
  const isLedgerOf = (service: string) => (p: string) => {
    const parts = p.split('/');
    return parts.at(-1) === `${service}.yaml` && parts.at(-2) !== service;
  };
  return new Set(
    releasesOf
      .filter((e) => e.service.length === 0 || e.service.some((s) => !(changed.get(e.sha) ?? []).some(isLedgerOf(s))))
      .map((e) => e.sha),
  );
}

/**
 * The names under which commits record the changes of `ring`, generation by generation: its own;
 * those it had before (a rename, a merge or a split, as `movedFrom` of the program's model, or
 * without it of the checkout's release model, declares them); theirs before them, and so on.
 */
function ringNames(ring: string, model: { readonly rings: readonly Pick<RingModel, 'name' | 'movedFrom'>[] } | undefined): string[][] {
  const seen = new Set([ring]);
  const generations = [[ring]];
  for (;;) {
    const older = generations
      .at(-1)!
      .flatMap((name) => model?.rings.find((r) => r.name === name)?.movedFrom ?? [])
      .filter((name) => !seen.has(name));
    if (older.length === 0) return generations;
    for (const name of older) seen.add(name);
    generations.push([...new Set(older)]);
  }
}

/**
 * The entries (newest first) of a ring's life: its own, and those of the names it had before
 * ({@link ringNames}) only from before the oldest entry of the generation after them. A ring
 * split off another takes the other's history up to the split, not the changes the other made
 * since under a name it kept.
 */
function ringLife(entries: readonly HistoryEntry[], generations: readonly string[][] | undefined): HistoryEntry[] {
  if (generations === undefined) return [...entries];
  const kept = new Set<number>();
  // Entries at an index past `from` are older than every entry of the generations after.
  let from = -1;
  for (const names of generations) {
    let oldest = from;
    entries.forEach((e, i) => {
      if (i > from && e.ring.some((r) => names.includes(r))) {
        kept.add(i);
        oldest = Math.max(oldest, i);
      }
    });
    from = oldest;
  }
  return entries.filter((_, i) => kept.has(i));
}

/**
 * Whether the history shows the release of `service` that entry `e` records under the filter's
 * `--env` and `--team`: the service is the team's, and (with `--env`) one of the entry's rings
 * has a target of the service in the environment; with `ring` (`--ring`), that ring.
 */
function showsRelease(model: PlatformModel, filter: TargetFilter, e: HistoryEntry, service: string, ring: string | undefined): boolean {
  // A ring's changes recorded under a name it had before (a rename or a split) are its changes.
  const names = (name: string): string[] => ringNames(name, model).flat();
  return filter.env === undefined
    ? selectsTarget(filter, model, { service, environment: '', ring: '' })
    : model.targets.some(
        (t) =>
          t.service === service &&
          // With --ring, the ring of the target in the environment is that ring (a change to it is shown by --ring).
          (ring === undefined || names(t.ring).includes(ring)) &&
          names(t.ring).some((r) => e.ring.includes(r)) &&
          selectsTarget(filter, model, t),
      );
}

/**
 * Fails when `service` (or `ring`) is named neither by the program nor by any commit of the
 * history, with the closest names: a typo must not read as "no change published".
 */
async function checkNames(
  ctx: CommandContext,
  out: string,
  flags: ProgramFlags,
  all: readonly HistoryEntry[],
  service: string | undefined,
  ring: string | undefined,
): Promise<void> {
  // Without the program, the services and rings of the checkout's release model, if it has one it can trust.
  const model =
    flags.app !== undefined || readProjectConfig(ctx.cwd).app !== undefined
      ? namesOf(await loadModel('history', flags, ctx))
      : recordedNames(out);
  const services = [...new Set([...(model?.services ?? []), ...all.flatMap((e) => e.service)])].sort();
  if (service !== undefined && !services.includes(service)) {
    throw GitOpsError.of('CG306', {
      message: `No service "${service}": the program does not declare it and no commit names it.${didYouMean(service, services)}`,
      fix: `Name one of: ${someNames(services) || 'none yet'}.`,
    });
  }
  const rings = [...new Set([...(model?.rings ?? []), ...all.flatMap((e) => e.ring)])];
  if (ring !== undefined && !rings.includes(ring)) {
    throw GitOpsError.of('CG314', {
      message: `No ring "${ring}": the program does not declare it and no commit names it.${didYouMean(ring, rings)}`,
      fix: `Name one of: ${rings.join(', ') || 'none yet'}.`,
    });
  }
}

/** The names of a model's services and rings. */
function namesOf(model: PlatformModel): { services: string[]; rings: string[] } {
  return { services: model.services.map((s) => s.name), rings: model.rings.map((r) => r.name) };
}

/** The names of the services and rings the checkout's release model records; undefined without one it can trust. */
function recordedNames(out: string): { services: string[]; rings: string[] } | undefined {
  const platform = recordedPlatform(out);
  return platform === undefined ? undefined : { services: [...platform.services], rings: platform.model.rings.map((r) => r.name) };
}
