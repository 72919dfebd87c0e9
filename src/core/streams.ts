/** Where the CLI prints and what it reads from its environment. */

/**
 * Where the CLI prints: anything with `write`, such as `process.stdout` or a test's buffer.
 * (Typed without Node's own types, so that programs need no `@types/node` to use the API.)
 */
export interface OutputStream {
  /** Writes text. */
  write(text: string): unknown;
  /** Whether the stream is a terminal (colours and progress only then). @default false */
  readonly isTTY?: boolean;
  /**
   * The same stream with whatever is written passed on as it is, for output that is not
   * cdk8s-gitops's own (the platform program's): the CLI's streams show the characters a
   * terminal would act on as escapes. @default - this stream
   */
  readonly unfiltered?: OutputStream;
}

/** The environment variables the CLI reads, such as `process.env`. */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;
