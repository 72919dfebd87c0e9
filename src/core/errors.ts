import { catalogueFix, type ErrorCode } from './error-catalogue';
import { withoutPasswords } from './url-credentials';

/** A text without the credentials of the URLs it quotes, as every problem's message and fix are: see `core/url-credentials.ts`. */
export { withoutPasswords };

/** Stable error codes. Each code names one kind of mistake; `docs/errors.md` explains each. */
export type { ErrorCode };

/** Where a problem was found: a construct path, or a file (with a line when known). */
export interface ProblemLocation {
  /** Construct path, e.g. `platform/prod/westeurope-01`. @default - not a construct */
  readonly constructPath?: string;
  /** Repository-relative file path. @default - not a file */
  readonly file?: string;
  /** 1-based line number in `file`. @default - unknown */
  readonly line?: number;
}

/** One problem: what is wrong, where, and how to fix it. */
export interface Problem extends ProblemLocation {
  /** Stable code, e.g. `CG101`. */
  readonly code: ErrorCode;
  /** What is wrong, including the value received. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** What a problem (`problem(code, details)`) says beyond its code: what is wrong, where, and the fix when the catalogue's does not fit. */
export interface ProblemDetails extends ProblemLocation {
  /** What is wrong, including the value received. */
  readonly message: string;
  /**
   * How to fix it, when this case needs more than the code's usual fix: names, commands with values.
   * @default - the fix of the code's entry in the error catalogue (`core/error-catalogue.ts`)
   */
  readonly fix?: string;
}

/**
 * The one constructor of a {@link Problem}: a catalogued code, what is wrong and where. The fix is
 * the catalogue's for the code unless `details.fix` gives one for this case.
 *
 * @example
 * problem('CG101', { message: 'Environment name "Prod" is not a DNS-1123 label.', constructPath: 'platform/Prod' });
 */
export function problem(code: ErrorCode, details: ProblemDetails): Problem {
  const { message, fix, constructPath, file, line } = details;
  return {
    code,
    message: withoutPasswords(message),
    fix: withoutPasswords(fix ?? catalogueFix(code)),
    ...(constructPath !== undefined && { constructPath }),
    ...(file !== undefined && { file }),
    ...(line !== undefined && { line }),
  };
}

/** Formats a problem as one line: `[where] CODE message. Fix: fix`. */
export function formatProblem(p: Problem): string {
  const where = p.constructPath ?? (p.file ? (p.line ? `${p.file}:${p.line}` : p.file) : undefined);
  return `${where ? `[${where}] ` : ''}${p.code} ${p.message} Fix: ${p.fix}`;
}

/**
 * Codes whose problems are the cause of others, printed first: a ring that selects no target
 * (whose targets are then in no ring), two clusters that share a destination (whose Applications
 * then share one).
 */
const ROOT_CAUSES: readonly ErrorCode[] = ['CG118', 'CG105'];

/** How many other places an entry of {@link groupedLines} names before it counts the rest. */
export const PLACES_SHOWN = 3;

/**
 * How many entries (problems, or with grouping kinds of problems) an error's message prints
 * before it counts the rest: a fleet's checkout can hold tens of thousands of problems, and a
 * message that prints them all buries the first under megabytes. `--verbose` prints every one.
 */
export const ENTRIES_SHOWN = 20;

/**
 * A problem's text without what names one place: quoted names, paths and ids (anything with a
 * `/`), numbers. Problems whose texts are alike but for those are one kind of mistake.
 */
export function skeleton(text: string): string {
  return text
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\S*\/\S*/g, '…')
    .replace(/\d+/g, '#');
}

/** Where a problem is: its construct path or file (with the line). */
function whereOf(p: Problem): string | undefined {
  return p.constructPath ?? (p.file ? (p.line ? `${p.file}:${p.line}` : p.file) : undefined);
}

/** The names, paths and numbers of a text, in order: what {@link skeleton} takes out. */
function namesIn(text: string): string[] {
  // A number keeps the word before it, which says what it counts ("element 1", not "1").
  return [...text.matchAll(/"([^"]*)"|(\S*\/\S*)|((?:[A-Za-z]+ )?\d+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/**
 * How an entry of {@link groupedLines} names problem `p` of its kind beside `first`: where it is,
 * or, where that is where `first` is (problems of one file), the names in its message that differ
 * from those in `first`'s (the directory of a parameter set, say).
 */
function placeOf(p: Problem, first: Problem): string {
  const where = whereOf(p);
  if (where !== undefined && where !== whereOf(first)) return where;
  const mine = namesIn(p.message);
  const theirs = namesIn(first.message);
  const differing = mine.filter((n, i) => n !== theirs[i]);
  return differing.length > 0 ? differing.join(' ') : (where ?? '(no place)');
}

/**
 * Problems as lines, one entry per kind (one code, and the same message and fix but for the
 * names, paths and numbers of one place): the first problem of the kind in
 * full, then `… and N more CGxxx like it: <where>, <where>, <where> and K more.`; kinds whose
 * code is a root cause of others first, then in the order found.
 */
export function groupedLines(problems: readonly Problem[]): string[] {
  return groupedEntries(problems).map((e) => e.line);
}

/** {@link groupedLines}, each with how many problems it stands for. */
function groupedEntries(problems: readonly Problem[]): { readonly line: string; readonly count: number }[] {
  const kinds = new Map<string, Problem[]>();
  for (const p of problems) {
    const key = `${p.code}\u0000${skeleton(p.fix)}\u0000${skeleton(p.message)}`;
    kinds.set(key, [...(kinds.get(key) ?? []), p]);
  }
  const rank = (code: ErrorCode): number => (ROOT_CAUSES.includes(code) ? ROOT_CAUSES.indexOf(code) : ROOT_CAUSES.length);
  const ordered = [...kinds.values()]
    .map((list, i) => ({ list, i }))
    .sort((a, b) => rank(a.list[0]!.code) - rank(b.list[0]!.code) || a.i - b.i);
  return ordered.map(({ list }) => {
    const [first, ...others] = list;
    if (others.length === 0) return { line: formatProblem(first!), count: 1 };
    const places = others.map((p) => placeOf(p, first!));
    const shown = places.slice(0, PLACES_SHOWN).join(', ');
    const rest = places.length > PLACES_SHOWN ? ` and ${places.length - PLACES_SHOWN} more` : '';
    return { line: `${formatProblem(first!)}\n  … and ${others.length} more ${first!.code} like it: ${shown}${rest}.`, count: list.length };
  });
}

/**
 * The one error class of cdk8s-gitops. It carries a stable code and every problem found,
 * so a caller can fail once with all of them.
 *
 * @example
 * throw GitOpsError.of('CG101', { message: 'Name "Prod" is not DNS-1123.' });
 * throw new GitOpsError(problems); // every problem found, at once
 */
export class GitOpsError extends Error {
  /** The code of the first problem. */
  public readonly code: ErrorCode;
  /** Every problem, in the order found. */
  public readonly problems: readonly Problem[];

  /**
   * @param summary a first line above the problems. @default - `N problems found:` for several
   * @param options.grouped print problems of one kind (one code, alike texts) as one entry: the
   * first in full, the others by where they are; root causes first.
   * `problems` keeps every one. @default false
   * @param options.shown how many entries the message prints before it counts the rest (a
   * fleet's thousands of problems): `problems` keeps every one, `everyProblem` prints them.
   * @default ENTRIES_SHOWN
   */
  constructor(
    problems: Problem | readonly Problem[],
    summary?: string,
    options: { readonly grouped?: boolean; readonly shown?: number } = {},
  ) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    if (list.length === 0) throw new TypeError('A GitOpsError needs at least one problem.');
    const head = summary ?? (list.length === 1 ? undefined : `${list.length} problems found:`);
    const entries = options.grouped === true ? groupedEntries(list) : list.map((p) => ({ line: formatProblem(p), count: 1 }));
    const shown = entries.slice(0, Math.max(1, options.shown ?? ENTRIES_SHOWN));
    const left = list.length - shown.reduce((n, e) => n + e.count, 0);
    const lines = [...shown.map((e) => e.line), ...(left > 0 ? [`… and ${left} more problem${left === 1 ? '' : 's'}.`] : [])];
    super([head, ...lines].filter((s) => s !== undefined).join('\n'));
    this.name = 'GitOpsError';
    this.code = list[0].code;
    this.problems = list;
    this.summary = head;
    // Grouped only where an entry stands for several problems: root causes put first hide none.
    this.grouped = shown.length < list.length;
    this.entryLines = entries.map((e) => e.line);
  }

  /** Every entry of the message, those it counts without printing too. */
  private readonly entryLines: readonly string[];

  /**
   * The message with every entry, grouped as the message groups them, none counted without
   * being printed: what a command without `--verbose` prints.
   */
  public get wholeMessage(): string {
    return [this.summary, ...this.entryLines].filter((s) => s !== undefined).join('\n');
  }

  /** The first line above the problems, if any. */
  public readonly summary?: string;
  /**
   * Whether the message groups problems of one kind or counts some without printing them, so
   * that it does not give every problem in full (`everyProblem` does).
   */
  public readonly grouped: boolean;

  /** Every problem on a line of its own, in the order found, under the summary: what `--verbose` prints. */
  public get everyProblem(): string {
    return [this.summary, ...this.problems.map(formatProblem)].filter((s) => s !== undefined).join('\n');
  }

  /**
   * The error of one problem, `problem(code, details)`: its fix the catalogue's unless
   * `details.fix` gives one. Throw it where it is made: `throw GitOpsError.of('CG402', { … })`.
   *
   * @param summary a first line above the problem. @default - the problem alone
   */
  public static of(code: ErrorCode, details: ProblemDetails, summary?: string): GitOpsError {
    return new GitOpsError(problem(code, details), summary);
  }
}

/**
 * Problems found by a factory (`SyncWindow.deny`, `ValuesSchema.fromFile` …), placed at the
 * construct they were given to, which reports them.
 */
export function problemsAt(problems: readonly Problem[], constructPath: string): Problem[] {
  return problems.map((p) => ({ ...p, constructPath }));
}

/** The code of a Node.js system error (`ENOENT`, `EEXIST`, …); undefined for anything else thrown. */
export function systemErrorCode(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
