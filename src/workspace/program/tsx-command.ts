/**
 * The fast path for a TypeScript program: `npx tsx platform.ts` run as `node --import <tsx's
 * loader> platform.ts`, with the tsx the project has installed, which skips npx's start-up (npm
 * loading its configuration and looking the package up: about half a second on every command)
 * and tsx's own command line (a second Node process). The program gets the `PATH` npx would
 * give it ({@link projectPath}); npm's own `npm_*` variables it does not.
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';

/** `npx tsx REST` or `tsx REST`: tsx as the first word, then the program's arguments. */
const TSX_COMMAND = /^\s*(?:npx\s+)?tsx(?:\s+(.*))?$/s;

/** tsx's command line options and subcommands, which only tsx's own command line understands. */
const TSX_ONLY = /^["']?(?:-|watch["']?(?:\s|$))/;

/** The first Node release with `--import` (and `module.register`, which tsx's loader uses). */
const NODE_IMPORT = [20, 6] as const;

/**
 * The command that runs `command` in `dir` without npx: `<node> --import <loader> REST` when
 * `command` is `npx tsx REST` or `tsx REST`, REST starts with the program (not a tsx option
 * or `watch`), the CLI runs on Node 20.6 or later, and tsx 4 or later is installed in the
 * project of `dir` (see {@link tsxLoader}). Any other command, or when tsx is not installed there (npx would then
 * fetch it), is returned as written. The program runs on the Node that runs the CLI. REST is passed to the shell
 * unchanged, so its quoting, variables and redirections mean what they meant.
 */
export function directCommand(command: string, dir: string): string {
  const m = TSX_COMMAND.exec(command);
  const rest = m?.[1]?.trim();
  if (!rest || TSX_ONLY.test(rest) || !nodeHasImport()) return command;
  const loader = tsxLoader(dir);
  if (loader === undefined) return command;
  return `${shellQuote(process.execPath)} --import ${shellQuote(pathToFileURL(loader).href)} ${rest}`;
}

/**
 * `PATH` as npx gives it to the program: the `node_modules/.bin` of `dir` and of each directory
 * above it first, so that a program that runs a tool the project installed finds it on the fast
 * path too.
 */
export function projectPath(dir: string, inherited: string | undefined): string {
  const bins: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    bins.push(path.join(d, 'node_modules', '.bin'));
    if (path.dirname(d) === d) break;
  }
  return [...bins, ...(inherited ? [inherited] : [])].join(path.delimiter);
}

/**
 * The project npx runs `tsx` from for a command run in `dir`: the nearest directory at or above
 * it that has a `package.json` or a `node_modules` (npm's local prefix).
 */
function localPrefix(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json')) || fs.existsSync(path.join(d, 'node_modules'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * The file of tsx's loader (its package's main export) installed for `dir`, if tsx 4 or later
 * is: only in the project's own `node_modules`, where npx looks first, never in a parent's or
 * Node's global folders, which npx would not run.
 */
export function tsxLoader(dir: string): string | undefined {
  const prefix = localPrefix(dir);
  if (prefix === undefined) return undefined;
  const root = path.join(prefix, 'node_modules', 'tsx');
  const manifest = path.join(root, 'package.json');
  if (!isDirectory(root) || !isRegularFile(manifest)) return undefined;
  let pkg: unknown;
  try {
    pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof pkg !== 'object' || pkg === null) return undefined;
  const { version, exports } = pkg as { version?: unknown; exports?: unknown };
  const major = typeof version === 'string' ? Number(/^(\d+)\./.exec(version)?.[1]) : NaN;
  if (!(major >= 4)) return undefined;
  const main = typeof exports === 'object' && exports !== null ? (exports as Record<string, unknown>)['.'] : undefined;
  if (typeof main !== 'string' || !main.startsWith('./')) return undefined;
  const file = path.resolve(root, main);
  // A loader outside the package (a hand-edited exports map) is not taken.
  if (path.relative(root, file).startsWith('..') || !isFile(file)) return undefined;
  return file;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A directory (or a link to one, as pnpm installs packages). */
function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A regular file (not a pipe or a device, which reading could block on). */
function isRegularFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Whether the CLI runs on a Node (not Bun, Deno or Electron, whose executables take other options) that has `--import`. */
function nodeHasImport(): boolean {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun !== undefined || versions.deno !== undefined || versions.electron !== undefined) return false;
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major > NODE_IMPORT[0] || (major === NODE_IMPORT[0] && minor >= NODE_IMPORT[1]);
}

/** `text` as one word for the shell that runs the program (sh; cmd.exe on Windows). */
function shellQuote(text: string): string {
  if (process.platform === 'win32') return `"${text.replace(/"/g, '""')}"`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
