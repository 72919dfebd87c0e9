/**
 * The configuration every git command runs with, apart from the runner (`command.ts`) so that
 * what runs git directly (`ledger-history.ts`) does not load simple-git.
 *
 * @module
 */

/**
 * What every git command cdk8s-gitops runs is given: a clone's own configuration may name
 * programs for git to run on every index read (fsmonitor), at each commit and push (hooks) and
 * to sign (gpg); none runs. (A filter driver a `.gitattributes` names still runs: the git this
 * supports, 2.39, has no switch for it.)
 */
export const SAFE_CONFIG: readonly string[] = ['core.fsmonitor=false', 'core.hooksPath=/dev/null', 'commit.gpgSign=false'];
