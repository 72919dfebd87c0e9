/**
 * What a command run with `--format json` prints on stdout when it fails: one JSON document of
 * the error, so that a job that parses stdout as JSON finds something to parse (the way
 * `terraform plan -json` prints its diagnostics), while the message for people stays on stderr.
 *
 * @module
 */
import { GitOpsError, withoutPasswords, type ErrorCode, type Problem } from '../core/errors';

/**
 * The document of a failed command: `{ "error": … }`, never the shape of a result, so that a
 * reader tells the two apart by the `error` key alone. Exit codes are those of a text run.
 */
export interface ErrorDocument {
  readonly error: {
    /** The code of the first problem; `null` for an internal error, which has none. */
    readonly code: ErrorCode | null;
    /** What went wrong, in one line: the error's summary, else its first problem's message. */
    readonly message: string;
    /**
     * Every problem, in the order found, none grouped or left out: its code, message and fix,
     * and where it is (`constructPath`, `file`, `line`: those it has). Empty for an internal error.
     */
    readonly problems: readonly Problem[];
    /** Set for an internal error: a fault of cdk8s-gitops, whose details (a stack) are on stderr only. */
    readonly internal?: true;
  };
}

/**
 * The document of `e`, the error a command failed with. A {@link GitOpsError} gives its problems
 * (their texts without the credentials of the URLs they quote, as on stderr); anything else is an
 * internal error, of which the document says only that: its message and stack may quote what
 * cdk8s-gitops read, and stay on stderr.
 */
export function errorDocument(e: unknown): ErrorDocument {
  if (!(e instanceof GitOpsError)) {
    return {
      error: {
        code: null,
        message: 'Internal error in cdk8s-gitops (please report it); its details are on stderr.',
        problems: [],
        internal: true,
      },
    };
  }
  const problems = e.problems.map((p): Problem => ({
    code: p.code,
    message: withoutPasswords(p.message),
    fix: withoutPasswords(p.fix),
    ...(p.constructPath !== undefined && { constructPath: p.constructPath }),
    ...(p.file !== undefined && { file: p.file }),
    ...(p.line !== undefined && { line: p.line }),
  }));
  return { error: { code: e.code, message: withoutPasswords(e.summary ?? e.problems[0]!.message), problems } };
}

/**
 * Whether `argv` (a command's arguments) asks for `--format json`, read from the arguments as they
 * are, up to a `--`: arguments that do not parse are answered in the format they ask for too.
 */
export function asksForJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  return head.some((a, i) => a === '--format=json' || (a === '--format' && head[i + 1] === 'json'));
}
