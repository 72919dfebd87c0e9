import { withoutPasswords } from '../core/errors';
import type { OutputStream } from './command';

/**
 * `stream` writing every text without the credentials of the URLs it quotes (see
 * `withoutPasswords`): what the CLI prints on stderr besides problems (notes, warnings, a Git
 * error in a note, the program's own output, an internal error's stack) may quote a URL from a
 * ledger, a Git remote or the environment, and a CI log keeps it.
 */
export function withoutPasswordsOn(stream: OutputStream): OutputStream {
  return {
    ...(stream.isTTY === undefined ? {} : { isTTY: stream.isTTY }),
    write: (text: string) => stream.write(withoutPasswords(text)),
  };
}
