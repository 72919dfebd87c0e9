/** Exit codes of the CLI. */
export enum ExitCode {
  /** Done; for `plan` and `check`: nothing differs. */
  OK = 0,
  /** A problem with the input (program, ledger, flags, checkout), or an internal error. */
  ERROR = 1,
  /** `plan` and `check`: there are differences; `preview`: Argo CD would not create some generated Application. */
  CHANGES = 2,
}
