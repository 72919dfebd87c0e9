import { gitSync } from '../core/git-sync';
import * as os from 'os';
import { GitOpsError } from '../core/errors';

/**
 * A time with its zone, as ISO 8601 writes it: a date, a time (seconds and fractions optional)
 * and `Z` or an offset such as `+01:00`.
 */
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * The one place the CLI reads the time: `CDK8S_GITOPS_NOW` (ISO 8601 with a zone) or the clock.
 *
 * A time without a zone (`2026-11-22T10:00:00`) is refused rather than read in the runner's
 * own time zone: it is written into ledgers and commits, and the same setting must mean the
 * same instant on every machine.
 */
export function resolveNow(env: NodeJS.ProcessEnv): Date {
  return fixedNow(env) ?? new Date();
}

/** The time `CDK8S_GITOPS_NOW` sets, or undefined when it is not set; see {@link resolveNow}. */
export function fixedNow(env: NodeJS.ProcessEnv): Date | undefined {
  const fixed = env.CDK8S_GITOPS_NOW;
  if (fixed === undefined || fixed === '') return undefined;
  const d = new Date(fixed);
  if (Number.isNaN(d.getTime())) {
    throw GitOpsError.of('CG307', {
      message: `CDK8S_GITOPS_NOW "${fixed}" is not a time.`,
    });
  }
  if (!ZONED_TIME.test(fixed.trim())) {
    if (ZONE.test(fixed.trim())) {
      throw GitOpsError.of('CG307', {
        message: `CDK8S_GITOPS_NOW "${fixed}" is not a time as ISO 8601 writes it (a date, a time and a zone).`,
        fix: `Write it as ${iso(d)} (or with an offset such as +01:00), or unset it.`,
      });
    }
    throw GitOpsError.of('CG307', {
      message: `CDK8S_GITOPS_NOW "${fixed}" has no time zone, so it would mean another instant in each time zone it runs in.`,
      fix: `Give the zone: Z for UTC (CDK8S_GITOPS_NOW=${wallTimeInUtc(d)}) or an offset such as +01:00, or unset it; this machine would read it as ${iso(d)}.`,
    });
  }
  if (!onTheCalendar(fixed.trim())) {
    // `new Date` rolls a day past the month's end over into the next month: never a time anyone meant.
    throw GitOpsError.of('CG307', {
      message: `CDK8S_GITOPS_NOW "${fixed}" names a day or a time of day that does not exist.`,
    });
  }
  return d;
}

/** A zone at the end of a time: `Z` or an offset. */
const ZONE = /(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/** Whether the date and time of day of `text` (matching {@link ZONED_TIME}) exist: no 31 November, no 25:00. */
function onTheCalendar(text: string): boolean {
  const [year, month, day, hour, minute, second] = [...text.matchAll(/\d+/g)].slice(0, 6).map((m) => Number(m[0]));
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate(); // the last day of that month
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= days && hour! <= 23 && minute! <= 59 && (second ?? 0) <= 59;
}

/**
 * The date of the commits cdk8s-gitops makes: `CDK8S_GITOPS_NOW` when set, else undefined (git's
 * clock). `GIT_COMMITTER_DATE` and `GIT_AUTHOR_DATE` are not read, since soaks are measured from
 * these commits' times; the second value is a note saying so, when either is set to another time.
 */
export function commitDate(env: NodeJS.ProcessEnv): { readonly date?: Date; readonly note?: string } {
  const date = fixedNow(env);
  const ignored = ['GIT_COMMITTER_DATE', 'GIT_AUTHOR_DATE'].filter((k) => {
    const v = env[k];
    return v !== undefined && v !== '' && (date === undefined || new Date(v).getTime() !== date.getTime());
  });
  if (ignored.length === 0) return { ...(date ? { date } : {}) };
  return {
    ...(date ? { date } : {}),
    note:
      `${ignored.join(' and ')} ${ignored.length === 1 ? 'is' : 'are'} not read: soaks are measured from the times of the commits cdk8s-gitops makes, ` +
      `so they are dated ${date ? `CDK8S_GITOPS_NOW (${iso(date)})` : 'by the clock'}.`,
  };
}

/** `d` in ISO 8601 UTC, without milliseconds when it has none. */
function iso(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

/** The local wall-clock time of `d` (what a time without a zone says), written as UTC. */
function wallTimeInUtc(d: Date): string {
  return iso(
    new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds())),
  );
}

/** Who runs a command, as CI systems and git name them. */
export function resolveActor(env: NodeJS.ProcessEnv, cwd: string): string {
  const fromCi = env.GITLAB_USER_LOGIN || env.GITHUB_ACTOR || env.BUILD_REQUESTEDFOR;
  if (fromCi) return fromCi;
  const git = gitSync(cwd, ['config', 'user.name']);
  const name = git.status === 0 ? git.stdout.trim() : '';
  if (name) return name;
  return env.USER || os.userInfo().username || 'unknown';
}

/** The commit of the platform program: CI variables, else `git rev-parse HEAD` in `cwd`. */
export function resolveProgramCommit(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const fromCi = env.CI_COMMIT_SHA || env.GITHUB_SHA;
  if (fromCi) return fromCi;
  const git = gitSync(cwd, ['rev-parse', 'HEAD']);
  return git.status === 0 ? git.stdout.trim() || undefined : undefined;
}
