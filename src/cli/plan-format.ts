import { plural } from './plural';
import type { FluxPrune } from '../workspace/removals';
import { shortDigests } from '../model/versions';
import { ApplicationChange, FileChange, KeyChange, NOT_SHOWN, ObjectChange, Plan, planHasChanges } from '../workspace/plan';

/** Output formats of a plan. */
export type PlanFormat = 'text' | 'markdown' | 'json';

const MARK = { create: '[+]', update: '[~]', delete: '[-]' } as const;

/** After a file edited by hand since it was written, which the write puts back. */
const EDITED = '  (edited by hand; synth puts it back)';

/** Heading of the owned files the program no longer makes that stay, because they were changed. */
const KEPT = 'Kept, no longer owned (changed since written, so not deleted):';

/** Heading of the ledgers edited by hand that the ring rules accept. */
const ACCEPTED = 'Ledgers edited by hand (the ring rules accept the edit; synth records it):';

/** Heading of the files the manifest lost its record of. */
const UNRECORDED = 'Not recorded in the manifest (its record was deleted or edited; synth records them again):';

/**
 * A value as a plan shows it: a digest shortened; a string bare only when it reads as nothing
 * else (no number, boolean or null, no spaces, quotes, line breaks or Markdown), else quoted as
 * JSON, so that a value can neither pass for another type nor write lines of its own.
 */
function show(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') {
    if (/^sha256:[0-9a-f]{64}$/.test(v)) return `${v.slice(0, 15)}…`;
    const plain = /^[A-Za-z0-9._/:@+-]+$/.test(v) && !/^(true|false|null|~|[-+]?(\d|\.\d)[\d._eE+-]*)$/i.test(v);
    return plain ? v : JSON.stringify(v);
  }
  return JSON.stringify(v);
}

function keyLine(k: KeyChange): string {
  // A key path is bare unless it holds what could write a line of its own; a key of its own
  // that holds a dot is one segment already written as a JSON string (`a["x.y"]`).
  const plain = k.key.replace(/\["(?:[^"\\\n]|\\.)*"\]/g, '');
  const key = /^[A-Za-z0-9._/:@+[\]-]*$/.test(plain) ? k.key : JSON.stringify(k.key);
  // A value that may hold a secret is only said to be there, and how it changes.
  if (k.hidden) return `${key}: ${NOT_SHOWN} (${k.before === undefined ? 'added' : k.after === undefined ? 'removed' : 'changed'})`;
  if (k.before === undefined) return `${key}: ${show(k.after)} (added)`;
  if (k.after === undefined) return `${key}: ${show(k.before)} (removed)`;
  return `${key}: ${show(k.before)} → ${show(k.after)}`;
}

/** Fields that run through indexes before a run of them is one line. */
const FIELD_RUN = 3;

/**
 * The changed fields of a file as lines: a run of {@link FIELD_RUN} or more that differ only in
 * consecutive indexes of one list (`spec.destinations[0].name` … `spec.destinations[11].name`,
 * when a cluster's destination moves the list) as one line, `spec.destinations[0…11].name  (12
 * fields)`, unless `verbose`.
 */
function fieldLines(fields: readonly string[], verbose: boolean): string[] {
  if (verbose) return [...fields];
  const lines: string[] = [];
  const indexed = fields.map((f) => /^(.*)\[(\d+)\]([^[]*)$/.exec(f));
  for (let i = 0; i < fields.length;) {
    const m = indexed[i];
    let end = i + 1;
    while (
      m &&
      end < fields.length &&
      indexed[end]?.[1] === m[1] &&
      indexed[end]?.[3] === m[3] &&
      Number(indexed[end]![2]) === Number(indexed[end - 1]![2]) + 1
    )
      end++;
    if (m && end - i >= FIELD_RUN) lines.push(`${m[1]}[${m[2]}…${indexed[end - 1]![2]}]${m[3]}  (${end - i} fields)`);
    else lines.push(...fields.slice(i, end));
    i = end;
  }
  return lines;
}

function objectLine(o: ObjectChange, mark: string): string {
  return `${mark} ${o.kind} ${o.name}${o.fields?.length ? `: ${o.fields.join(', ')}` : ''}`;
}

/**
 * Updated files whose changes are the same values keys changed alike (`replicaCount: 2 → 4` on
 * every cluster of a service), none of them hidden: shown once, under a path with `*` where their paths differ.
 */
interface FileGroup {
  /** Their paths, with `*` for each segment in which they differ. */
  readonly pattern: string;
  readonly files: readonly FileChange[];
}

/** The files of a plan in order, each run of alike updates as one {@link FileGroup} where its first file is. */
function groupedFiles(files: readonly FileChange[]): (FileChange | FileGroup)[] {
  const signature = (f: FileChange): string | undefined =>
    // Changes whose values are not shown are not known to be alike.
    f.change !== 'update' || f.edited || f.fields?.length || f.objects?.length || !f.keys?.length || f.keys.some((k) => k.hidden)
      ? undefined
      : JSON.stringify([f.path.split('/').length, f.kind ?? null, f.keys]);
  const alike = new Map<string, FileChange[]>();
  for (const f of files) {
    const sig = signature(f);
    if (sig !== undefined) alike.set(sig, [...(alike.get(sig) ?? []), f]);
  }
  const out: (FileChange | FileGroup)[] = [];
  for (const f of files) {
    const group = alike.get(signature(f) ?? '');
    if (group === undefined || group.length < 2) out.push(f);
    else if (group[0] === f) out.push({ pattern: commonPattern(group.map((g) => g.path)), files: group });
  }
  return out;
}

/** The path segments the paths share, and `*` for each of the others (a service's values file on every cluster of an environment). */
function commonPattern(paths: readonly string[]): string {
  const split = paths.map((p) => p.split('/'));
  return split[0]!.map((segment, i) => (split.every((s) => s[i] === segment) ? segment : '*')).join('/');
}

function isGroup(item: FileChange | FileGroup): item is FileGroup {
  return 'pattern' in item;
}

function summary(plan: Plan, hidden?: string): string {
  if (hidden !== undefined) {
    const shown = plan.files.length > 0 || plan.applications.length > 0;
    return `${shown ? summary(plan) : 'No changes among the targets the filters select.'} Not shown: ${hidden}.`;
  }
  const count = (list: readonly { change: string }[], c: string): number => list.filter((x) => x.change === c).length;
  if (plan.files.length === 0 && plan.applications.length === 0 && plan.kept.length === 0) {
    const recorded = plan.unrecorded.length + plan.acceptedEdits.length;
    return recorded === 0
      ? `No changes: ${plural(plan.unchangedFiles, 'file')} up to date.`
      : `Plan: no file changes; the manifest records ${plural(recorded, 'file')} again.`;
  }
  return (
    `Plan: ${plural(plan.files.length, 'file')} to change (${count(plan.files, 'create')} created, ${count(plan.files, 'update')} updated, ${count(plan.files, 'delete')} deleted); ` +
    `Applications: ${count(plan.applications, 'create')} created, ${count(plan.applications, 'update')} changed, ${count(plan.applications, 'delete')} deleted.`
  );
}

/** Options of {@link formatPlan}. */
export interface PlanFormatOptions {
  /**
   * The Applications the plan deletes that the program does not declare removed: a write
   * (synth, publish, promote…) refuses them with CG141.
   * @default - none
   */
  readonly refused?: readonly string[];
  /**
   * List every file of a group of alike changes, not only their count.
   * @default false
   */
  readonly verbose?: boolean;
  /**
   * What a filter left out of the plan, e.g. `6 other file changes`: said in the summary.
   * @default - nothing: the whole plan
   */
  readonly hidden?: string;
  /**
   * What Flux would prune of the targets the write changes (an entry point deleted, a namespace
   * or what deploys a target changed): shown with the deleted Applications, as loud.
   * @default - none
   */
  readonly fluxPrunes?: readonly FluxPrune[];
}

/** What a write does with the deletions of a plan the program does not declare. */
const REFUSAL =
  'synth, publish, promote, rollback and unhold refuse to write this (CG141) until the program declares the removal ' +
  '(platform.removed(Removal.service(…)), Removal.cluster(…), Removal.application(…)), or a renamed ring says movedFrom, ' +
  'or the command is given --allow-remove <application or glob>.';

/** The heading and lines of the Applications a plan deletes, first and loud. */
function deletions(
  plan: Plan,
  refused: ReadonlySet<string>,
  known: boolean,
  format: 'text' | 'markdown',
  style: (mark: string) => string,
  fluxPrunes: readonly FluxPrune[] = [],
): string[] {
  const deleted = plan.applications.filter((a) => a.change === 'delete');
  if (deleted.length === 0) return fluxPruneLines(fluxPrunes, known, format, style);
  const undeclared = deleted.filter((a) => refused.has(a.name)).length;
  const head =
    `Applications DELETED: ${deleted.length} (${fateOf(deleted)})` +
    (undeclared > 0 ? `; ${undeclared} NOT DECLARED removed by the program` : '');
  // Said of each Application only when the heading speaks of both fates.
  const mixed = deleted.some((d) => d.keepsResources === true) && deleted.some((d) => d.keepsResources !== true);
  const kept = (a: ApplicationChange): string =>
    mixed && a.keepsResources === true ? '; Argo CD keeps what it runs (its ApplicationSet preserves resources on deletion)' : '';
  const moved = (a: ApplicationChange): string =>
    kept(a) +
    (a.replaced !== undefined
      ? `; its ${a.replaced.what} changes from ${a.replaced.from} to ${a.replaced.to}: what it ran there is pruned, its volumes' data with it`
      : a.untilNewSpec === true
        ? '; until Argo CD applies its new spec, the old one reads the new tree without it'
        : a.movedToArgoCd !== undefined
          ? `; moves to ${a.movedTo} of another Argo CD (${a.movedToArgoCd}/), which creates it while the one it leaves keeps running it until its ApplicationSet is deleted there`
          : a.movedTo === undefined
            ? ''
            : `; moves to ${a.movedTo}, which creates it again once Argo CD has deleted it`);
  const note = (a: { name: string }): string =>
    !known ? '' : refused.has(a.name) ? 'NOT DECLARED: the write is refused' : 'declared removed';
  if (format === 'markdown') {
    return [
      `> [!CAUTION]`,
      `> **${head}**`,
      '>',
      ...deleted.map((a) => `> - \`${a.name}\` (ApplicationSet ${a.applicationSet}${moved(a)})${known ? `: ${note(a)}` : ''}`),
      ...(undeclared > 0 ? ['>', `> ${REFUSAL}`] : []),
      '',
      ...fluxPruneLines(fluxPrunes, known, format, style),
    ];
  }
  return [
    `${head}:`,
    ...deleted.map((a) => `${style('[-]')} ${a.name}  (ApplicationSet ${a.applicationSet}${moved(a)})${known ? `  ${note(a)}` : ''}`),
    ...(undeclared > 0 ? [REFUSAL] : []),
    '',
    ...fluxPruneLines(fluxPrunes, known, format, style),
  ];
}

/**
 * What Argo CD does with what the deleted Applications run: prunes it, or keeps it where their
 * ApplicationSet preserves resources on deletion (as Argo CD's own installation's does).
 */
function fateOf(deleted: readonly ApplicationChange[]): string {
  const keeping = deleted.filter((a) => a.keepsResources === true).length;
  const pruning = deleted.length - keeping;
  if (keeping === 0) return 'Argo CD prunes everything they run';
  const why = `${keeping === 1 ? 'its' : 'their'} ApplicationSet preserves resources on deletion`;
  if (pruning === 0) return `Argo CD keeps what ${keeping === 1 ? 'it runs' : 'they run'}: ${why}`;
  const runs = (n: number): string => `${n} ${n === 1 ? 'runs' : 'run'}`;
  return `Argo CD prunes everything ${pruning} of them ${pruning === 1 ? 'runs' : 'run'}, and keeps what ${runs(keeping)}: ${why}`;
}

/** The heading and lines of what Flux would prune, as loud as the Applications a plan deletes. */
function fluxPruneLines(
  prunes: readonly FluxPrune[],
  known: boolean,
  format: 'text' | 'markdown',
  style: (mark: string) => string,
): string[] {
  if (prunes.length === 0) return [];
  const undeclared = prunes.filter((p) => p.refused).length;
  const head =
    `Flux PRUNES what ${plural(prunes.length, 'target')} ${prunes.length === 1 ? 'runs' : 'run'}` +
    (undeclared > 0 ? `; ${undeclared} NOT DECLARED removed by the program` : '');
  const note = (p: FluxPrune): string => (!known ? '' : p.refused ? 'NOT DECLARED: the write is refused' : 'declared removed');
  if (format === 'markdown') {
    return [
      '> [!CAUTION]',
      `> **${head}**`,
      '>',
      ...prunes.map((p) => `> - \`${p.name}\` (${p.why})${known ? `: ${note(p)}` : ''}`),
      ...(undeclared > 0 ? ['>', `> ${REFUSAL}`] : []),
      '',
    ];
  }
  return [
    `${head}:`,
    ...prunes.map((p) => `${style('[-]')} ${p.name}  (${p.why})${known ? `  ${note(p)}` : ''}`),
    ...(undeclared > 0 ? [REFUSAL] : []),
    '',
  ];
}

/** What a created Application goes through in between, for one another ApplicationSet's old spec creates first. */
export function createdMeanwhileText(a: { readonly applicationSet: string; readonly createdMeanwhileBy?: string }): string {
  return a.createdMeanwhileBy === undefined
    ? ''
    : `IN BETWEEN: the old spec of ApplicationSet ${a.createdMeanwhileBy} creates it first, with its own template, and deletes it (with what it runs) once its new spec arrives (or, where this write removes its file, once it is deleted from Argo CD); then ${a.applicationSet} creates it`;
}

/** Renders a plan for a terminal, a merge-request comment (Markdown) or a bot (JSON). */
export function formatPlan(
  plan: Plan,
  format: PlanFormat,
  style: (mark: string) => string = (m) => m,
  options: PlanFormatOptions = {},
): string {
  const refused = new Set(options.refused ?? []);
  const known = options.refused !== undefined;
  if (format === 'json') {
    return `${JSON.stringify(
      {
        ...plan,
        changes: planHasChanges(plan),
        ...(known ? { refusedDeletions: [...refused] } : {}),
        ...((options.fluxPrunes ?? []).length > 0 ? { fluxPrunes: options.fluxPrunes } : {}),
        ...(options.hidden === undefined ? {} : { notShown: options.hidden }),
      },
      null,
      2,
    )}\n`;
  }
  const lines: string[] = [];
  if (format === 'markdown') {
    lines.push(
      '### cdk8s-gitops plan',
      '',
      ...deletions(plan, refused, known, 'markdown', style, options.fluxPrunes),
      summary(plan, options.hidden),
      '',
    );
    if (plan.files.length) {
      lines.push('<details><summary>Files</summary>', '', '```diff');
      for (const f of groupedFiles(plan.files)) {
        if (isGroup(f)) {
          lines.push(`! ${f.pattern}  (${f.files.length} files, each:)`);
          for (const k of f.files[0]!.keys ?? []) lines.push(`!     ${keyLine(k)}`);
          if (options.verbose) for (const g of f.files) lines.push(`!       ${g.path}`);
          continue;
        }
        lines.push(`${f.change === 'create' ? '+' : f.change === 'delete' ? '-' : '!'} ${f.path}${f.edited ? EDITED : ''}`);
        for (const k of f.keys ?? []) lines.push(`!     ${keyLine(k)}`);
        for (const field of fieldLines(f.fields ?? [], options.verbose === true)) lines.push(`!     ${field}`);
        for (const o of f.objects ?? []) lines.push(`!     ${objectLine(o, MARK[o.change])}`);
      }
      lines.push('```', '', '</details>', '');
    }
    if (plan.kept.length) lines.push(`${KEPT}`, '', ...plan.kept.map((p) => `- \`${p}\``), '');
    if (plan.unrecorded.length) lines.push(`${UNRECORDED}`, '', ...plan.unrecorded.map((p) => `- \`${p}\``), '');
    if (plan.acceptedEdits.length) lines.push(`${ACCEPTED}`, '', ...plan.acceptedEdits.map((p) => `- \`${p}\``), '');
    if (plan.applications.length) {
      lines.push('| Application | change | ApplicationSet | fields |', '| --- | --- | --- | --- |');
      for (const a of plan.applications) {
        const fields = (a.fields ?? []).map((f) => `\`${f}\``).join(', ');
        lines.push(
          `| \`${a.name}\` | ${a.change} | ${a.applicationSet} | ${a.createdMeanwhileBy === undefined ? fields : createdMeanwhileText(a)} |`,
        );
      }
      lines.push('');
    }
    return `${lines.join('\n')}\n`;
  }
  lines.push(...deletions(plan, refused, known, 'text', style, options.fluxPrunes));
  if (plan.files.length) lines.push('Files');
  for (const f of groupedFiles(plan.files)) {
    if (isGroup(f)) {
      lines.push(`${style(MARK.update)} ${f.pattern}  (${f.files.length} files, each:)`);
      for (const k of f.files[0]!.keys ?? []) lines.push(`      ${keyLine(k)}`);
      if (options.verbose) for (const g of f.files) lines.push(`        ${g.path}${g.origin ? `  (${g.origin})` : ''}`);
      continue;
    }
    lines.push(`${style(MARK[f.change])} ${f.path}${f.origin ? `  (${f.origin})` : ''}${f.edited ? EDITED : ''}`);
    for (const k of f.keys ?? []) lines.push(`      ${keyLine(k)}`);
    for (const field of fieldLines(f.fields ?? [], options.verbose === true)) lines.push(`      ${field}`);
    for (const o of f.objects ?? []) lines.push(`      ${objectLine(o, style(MARK[o.change]))}`);
  }
  if (plan.kept.length) lines.push(...(lines.length ? [''] : []), KEPT, ...plan.kept.map((p) => `    ${p}`));
  if (plan.unrecorded.length) lines.push(...(lines.length ? [''] : []), UNRECORDED, ...plan.unrecorded.map((p) => `    ${p}`));
  if (plan.acceptedEdits.length) lines.push(...(lines.length ? [''] : []), ACCEPTED, ...plan.acceptedEdits.map((p) => `    ${p}`));
  if (plan.applications.length) lines.push('', 'Applications');
  for (const a of plan.applications) {
    lines.push(
      `${style(MARK[a.change])} ${a.name}  (ApplicationSet ${a.applicationSet})${a.fields?.length ? `: ${a.fields.join(', ')}` : ''}${a.runs === undefined ? '' : `  runs ${shortDigests(a.runs)}`}${a.createdMeanwhileBy === undefined ? '' : `  ${createdMeanwhileText(a)}`}`,
    );
  }
  if (lines.length) lines.push('');
  lines.push(summary(plan, options.hidden));
  return `${lines.join('\n')}\n`;
}
