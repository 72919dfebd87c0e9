/**
 * What a command takes from its user into the commit it makes, checked: apart from the command
 * table, so that `--help` and a usage error load none of it.
 *
 * @module
 */
import { usageError } from './command';
import { ownTrailerLines } from '../workspace/git/trailers';

/**
 * A text a command puts in the commit it makes (publish's `--message`, rollback's `--reason`),
 * as it is. Fails with `CG301` when a line of it reads as a trailer of cdk8s-gitops
 * (`Cdk8s-Gitops-Ring: prod`, in any case): `history` reads such a paragraph as a release, so a
 * quoted one would show a release nobody made.
 */
export function commitText(command: string, flag: '--message' | '--reason', value: string): string {
  const forged = ownTrailerLines(value);
  if (forged.length > 0) {
    throw usageError(
      command,
      `${flag} has ${forged.length === 1 ? 'a line' : `${forged.length} lines`} that git reads as a trailer of cdk8s-gitops (${JSON.stringify(forged[0]!.trim().slice(0, 80))}): \`history\` would read it as a release nobody made. Nothing was written.`,
      `Leave out the lines starting with "Cdk8s-Gitops-" (cdk8s-gitops writes its trailers itself), or quote them another way, such as "> Cdk8s-Gitops-Ring: prod".`,
    );
  }
  return value;
}
