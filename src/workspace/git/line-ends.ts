/**
 * When Git changes the line ends of the files cdk8s-gitops writes. They have LF line ends only;
 * under the `text` and `eol` attributes, `core.autocrlf` or `core.eol`, Git checks them out with
 * CRLF (and commits them back as LF), so every checkout but the one they were written in holds
 * other bytes than cdk8s-gitops wrote, and reads as edited by hand.
 */
import { gitSync } from '../../core/git-sync';

/** The line-end settings of a clone's Git configuration, as Git reads them. */
export interface LineEndSettings {
  /** `core.autocrlf`. */
  readonly autocrlf: 'true' | 'input' | 'false';
  /** `core.eol`. */
  readonly eol: 'lf' | 'crlf' | 'native';
}

/** The line-end settings of the clone at `dir` (`git config`, its global and system files included). */
export function lineEndSettings(dir: string): LineEndSettings {
  let autocrlf: LineEndSettings['autocrlf'] = 'false';
  let eol: LineEndSettings['eol'] = 'native';
  // The last value of a key is the one Git takes; a key without `= value` is true.
  for (const line of gitSync(dir, ['config', '--get-regexp', '^core\\.(autocrlf|eol)$']).stdout.split('\n')) {
    const space = line.indexOf(' ');
    const key = space === -1 ? line : line.slice(0, space);
    const value = space === -1 ? 'true' : line.slice(space + 1).toLowerCase();
    if (key === 'core.autocrlf') autocrlf = value === 'input' ? 'input' : gitBoolean(value) ? 'true' : 'false';
    else if (key === 'core.eol') eol = value === 'crlf' || value === 'lf' ? value : 'native';
  }
  return { autocrlf, eol };
}

/** Git's reading of a boolean value (`git config --type=bool`). */
function gitBoolean(value: string): boolean {
  return value === 'true' || value === 'yes' || value === 'on' || value === '1';
}

/**
 * What makes Git check out a text file that has LF line ends with CRLF, given its `text` and
 * `eol` attributes as `git check-attr` prints them (`set`, `unset`, `unspecified` or a value)
 * and the clone's settings: `eol=crlf`, `core.autocrlf=true`, or `core.eol=crlf`. Undefined when
 * Git checks it out as committed.
 *
 * @example
 * crlfCause('unspecified', 'crlf', { autocrlf: 'false', eol: 'native' }); // 'eol=crlf'
 * crlfCause('unset', 'crlf', { autocrlf: 'true', eol: 'crlf' }); // undefined: -text
 */
export function crlfCause(text: string, eol: string, settings: LineEndSettings): string | undefined {
  if (text === 'unset') return undefined; // -text, or binary
  if (eol === 'crlf') return 'eol=crlf';
  if (eol === 'lf') return undefined;
  // Unspecified, core.autocrlf decides; set or auto, core.autocrlf, else core.eol.
  if (settings.autocrlf === 'true') return 'core.autocrlf=true';
  if (text === 'unspecified' || settings.autocrlf === 'input') return undefined;
  const native = process.platform === 'win32' ? 'crlf' : 'lf';
  return (settings.eol === 'native' ? native : settings.eol) === 'crlf' ? 'core.eol=crlf' : undefined;
}

/** The attributes {@link crlfCause} reads, for `git check-attr`. */
export const LINE_END_ATTRIBUTES: readonly string[] = ['text', 'eol'];

/**
 * Why Git checks out the file `rel` of the clone at `dir` with CRLF line ends, or undefined when
 * it does not (or `dir` is not a work tree of Git). Two git commands: for the rare file found
 * with CRLF, not for every file read.
 */
export function crlfCauseOf(dir: string, rel: string): string | undefined {
  const found = gitSync(dir, ['check-attr', '-z', ...LINE_END_ATTRIBUTES, '--', rel]);
  if (found.status !== 0) return undefined;
  const values = new Map<string, string>();
  const fields = found.stdout.split('\0');
  for (let i = 0; i + 2 < fields.length; i += 3) values.set(fields[i + 1]!, fields[i + 2]!);
  return crlfCause(values.get('text') ?? 'unspecified', values.get('eol') ?? 'unspecified', lineEndSettings(dir));
}
