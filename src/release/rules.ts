import { GitOpsError, Problem, problem } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { DEFAULT_VERSION_POLICY, isDigest, shortDigest, versionFix, versionProblem } from '../model/versions';
import { formatDuration, formatTimestamp, isValidDate } from '../core/timestamp';
import { hasWindows, openSeconds, soakEnds, WindowGroup } from './sync-windows';
import { Ledger, PreviousRelease, RingSpec, RingState } from './types';
import {
  chartRevisionProblem,
  describeImages,
  describeRelease,
  describeVersion,
  ImageVersions,
  isCommitSha,
  Release,
  releaseImages,
  releaseKey,
  releaseOf,
  releaseVersion,
  sameRelease,
  shortChart,
} from './release';
import { VersionPolicy } from '../model/versions';
import { decodeVersions } from '../model/images';

/** How many earlier releases a ring keeps for rollback when no limit is given. */
export const DEFAULT_HISTORY_LIMIT = 5;

/** What to promote, into which ring, on whose word. */
export interface PromoteOptions {
  /** The ring to promote into. */
  readonly ring: string;
  /**
   * The digest to promote. Into a later ring it must be the digest the ring before runs.
   * @default - whatever `fromRing` runs
   */
  readonly digest?: string;
  /**
   * The digests of named images to promote, by image name, for a service with named images
   * (`imageNames`). An image not named keeps what the release the ring takes from has: into a
   * later ring, what the ring before runs; into the first ring, what it runs itself.
   * @default - none
   */
  readonly images?: ImageVersions;
  /**
   * The names of the service's images, for a service with named images: its releases name a
   * digest for each. A digest without a name, or one for an image not among them, is refused
   * (CG619), as is a named digest for a service with one image.
   * @default - the service has one image
   */
  readonly imageNames?: readonly string[];
  /**
   * The named images whose chart reads only a tag: each version is a tag, or a tag pinned by its
   * digest, never a bare digest (see `ImageModel.tagOnly`).
   * @default - none
   */
  readonly tagOnlyImages?: readonly string[];
  /**
   * The chart revision to promote with the digest, for a service whose chart is promoted with
   * its image (`chartOrigin`). Into a later ring it must be the chart the ring before runs.
   * @default - into the first ring, the chart it runs now; into a later ring, the chart of the ring before
   */
  readonly chart?: string;
  /**
   * The service's chart, when the program promotes it with the image (`inGit`: a chart in a Git
   * repository, else in a Helm or OCI repository); a chart revision is refused for any other
   * service (CG618).
   * @default - the chart is not promoted with the image
   */
  readonly promotedChart?: { readonly inGit: boolean };
  /**
   * Take whatever this ring runs; it must be the ring right before `ring`.
   * @default - `digest` is required
   */
  readonly fromRing?: string;
  /** Who promotes (a person or an automation such as `ci`). */
  readonly by: string;
  /**
   * Who approved the promotion; required by rings with `requireApproval`.
   * @default - nobody
   */
  readonly approvedBy?: string;
  /** The current time; soak is measured up to it (see `soakUntil`) and it is recorded as `since`. */
  readonly now: Date;
  /**
   * What `ring` may accept.
   * @default - digests only ({@link DEFAULT_VERSION_POLICY})
   */
  readonly policy?: VersionPolicy;
  /**
   * How many earlier releases the ring keeps in `previous`.
   * @default 5
   */
  readonly historyLimit?: number;
  /**
   * When the digest reached the ring before. With `inGit`, the time of the commit that recorded
   * it there, or `null` while no commit has (the change is only in the checkout, so Argo CD
   * cannot have synced it and its soak has not begun); without, the ledger's `since`, and a
   * refusal says that Git could not confirm it.
   * @default - the `since` of the ring before in the ledger
   */
  readonly upstreamArrival?: { readonly at: Date | null; readonly inGit: boolean; readonly fastForward?: 'next' | 'unknown' };
  /**
   * The time the soak is measured up to.
   * @default - `now`
   */
  readonly soakUntil?: Date;
  /**
   * What the ring before's Argo CD reports, for a ring with a health gate (`requireHealthy`):
   * every Application of the service there runs the release promoted, Synced and Healthy, since
   * `since` (the latest of their health transitions and syncs; `null` when Argo CD reports no
   * time), or the service has no Application there (`applications: 0`). The soak counts from
   * `since` when it is later than the release's arrival.
   * @default - no reading: a promotion into a ring with a health gate is refused (CG620)
   */
  readonly upstreamHealthy?: UpstreamHealth;
}

/** What Argo CD reports of the ring a release is promoted from (see {@link PromoteOptions.upstreamHealthy}). */
export interface UpstreamHealth {
  /** How many Applications of the service the ring before has, all of them Synced and Healthy at the release. */
  readonly applications: number;
  /** Since when all of them are so, `YYYY-MM-DDTHH:MM:SSZ`; `null` when Argo CD reports no time for one of them. */
  readonly since: string | null;
}

/** Which earlier release to put back, and why. */
export interface RollbackOptions {
  /** The ring to roll back. */
  readonly ring: string;
  /** The named images whose chart reads only a tag (see {@link PromoteOptions.tagOnlyImages}). @default - none */
  readonly tagOnlyImages?: readonly string[];
  /**
   * Roll back to this digest; it must be in the ring's own history (`previous`). For a release
   * of named images, the newest release in which some image ran this digest; with
   * `<image>=<digest>` (several joined by `,`), the newest in which each image named ran its digest.
   * @default - `previous` is required
   */
  readonly to?: string;
  /**
   * With `to`: the chart revision of the release to put back, where the ring ran that digest
   * with several charts.
   * @default - the newest release of `to` in the ring's history
   */
  readonly toChart?: string;
  /**
   * The service's chart, when the program promotes it with the image (`inGit` as in
   * `PromoteOptions.promotedChart`): then a rollback from a pinned chart to a release recorded
   * without one is refused (CG618), since the chart it would read is today's head of a moving
   * revision, which no ring may have run.
   * @default - the chart is not promoted with the image
   */
  readonly promotedChart?: { readonly inGit: boolean };
  /**
   * Put back only the image of the release, with the chart revision the ring runs now: for a
   * promoted chart, when the release to go back to was recorded before the chart was pinned.
   * @default false
   */
  readonly keepChart?: boolean;
  /**
   * Roll back to the release the ring ran last before its current one.
   * @default false
   */
  readonly previous?: boolean;
  /** Why; kept on the hold the rollback sets. */
  readonly reason: string;
  /** Who rolls back. */
  readonly by: string;
  /** The current time, recorded as `since` of the release and of the hold. */
  readonly now: Date;
  /**
   * What `ring` may accept.
   * @default - digests only ({@link DEFAULT_VERSION_POLICY})
   */
  readonly policy?: VersionPolicy;
  /**
   * How many earlier releases the ring keeps in `previous`.
   * @default 5
   */
  readonly historyLimit?: number;
}

/** Which ring's hold to lift. */
export interface UnholdOptions {
  /** The held ring. */
  readonly ring: string;
  /** Who lifts the hold; named in the summary (the ledger keeps no lifted holds, Git history does). */
  readonly by: string;
  /** The current time; must be a valid date. */
  readonly now: Date;
}

/** The outcome of a release operation. */
export interface LedgerChange {
  /** The new ledger; the same object as the input when nothing changed. */
  readonly ledger: Ledger;
  /** False when the ledger already said what was asked (promoting the digest a ring runs). */
  readonly changed: boolean;
  /** One line saying what happened, e.g. for a commit message. */
  readonly summary: string;
}

/**
 * Promotes a digest into a ring. The first ring takes any valid digest; a later ring takes
 * only the digest running in the ring right before it, once it has run there for the ring's
 * `soakSeconds`, never while the ring is held, and with `approvedBy` when the ring requires
 * approval. Promoting the digest a ring already runs changes nothing (`changed: false`).
 * The ring's old release moves to the front of its `previous` list.
 *
 * @param rings the program's rings, in order
 * @returns a new ledger; the input is not modified
 * @throws GitOpsError with every rule broken at once (`CG601`–`CG609`, `CG614`, `CG615`, `CG618`, `CG619`, {@link RULE_ERROR_CODES})
 * @example
 * promote(ledger, rings, { ring: 'prod', fromRing: 'prod-canary', by: 'alice', approvedBy: 'bob', now: new Date() });
 */
export function promote(ledger: Ledger, rings: readonly RingSpec[], options: PromoteOptions): LedgerChange {
  const { ring, digest, images, chart, fromRing, by, approvedBy, now } = options;
  const policy = options.policy ?? DEFAULT_VERSION_POLICY;
  const limit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  check([
    ...commonProblems(by, now),
    ...limitProblems(limit),
    ...(approvedBy !== undefined && approvedBy.trim() === ''
      ? [problem('CG609', { message: 'The approver given is empty.', fix: 'Pass the name of who approved it, or leave `approvedBy` out.' })]
      : []),
    ...imageProblems(ledger.service, options),
    ...(digest === undefined && images === undefined && fromRing === undefined && chart === undefined
      ? [
          problem('CG609', {
            message: `Nothing to promote into "${ring}": neither a digest nor a ring to take it from was given.`,
            fix: 'Pass --digest <sha256:…>, or --from <ring> to promote what that ring runs.',
          }),
        ]
      : []),
    ...(chart === undefined ? [] : chartProblems(ledger.service, chart, options.promotedChart)),
  ]);
  const index = ringIndex(ledger, rings, ring);
  const spec = rings[index]!;
  const before = index > 0 ? rings[index - 1]!.name : undefined;

  if (fromRing !== undefined) {
    if (!rings.some((r) => r.name === fromRing)) {
      throw new GitOpsError(unknownRing(ledger, rings, fromRing));
    }
    if (before === undefined) {
      throw new GitOpsError(
        problem('CG601', {
          message: `Ring "${ring}" is the first ring; it takes a digest, not what another ring runs; received --from ${fromRing}.`,
          fix: 'Pass --digest <sha256:…> instead of --from.',
        }),
      );
    }
    if (fromRing !== before) {
      throw new GitOpsError(
        problem('CG601', {
          message: `Ring "${ring}" takes digests only from "${before}", the ring right before it; received --from ${fromRing}.`,
          fix: `Use --from ${before}, once the digest has reached "${before}".`,
        }),
      );
    }
  }
  const upstream = before === undefined ? undefined : stateOf(ledger, before);
  if (before !== undefined && upstream === undefined) {
    throw new GitOpsError(
      problem('CG601', {
        message: `Ring "${ring}" takes only the digest running in "${before}", but "${before}" runs nothing yet.`,
        fix: `Promote into "${before}" first.`,
      }),
    );
  }
  if (fromRing !== undefined && upstream !== undefined) {
    const differing = Object.keys(images ?? {}).filter((name) => images![name] !== upstream.images?.[name]);
    const disagree = [
      ...(digest !== undefined && digest !== upstream.digest
        ? [`--digest ${shortDigest(digest)} and --from ${fromRing} disagree: "${fromRing}" runs ${describeImages(upstream)}.`]
        : []),
      ...(differing.length > 0
        ? [
            `${differing.map((name) => `--digest ${name}=${shortDigest(images![name])}`).join(' ')} and --from ${fromRing} disagree: "${fromRing}" runs ${describeImages(upstream)}.`,
          ]
        : []),
      ...(chart !== undefined && chart !== upstream.chart
        ? [`--chart-revision ${chart} and --from ${fromRing} disagree: "${fromRing}" runs ${describeRelease(upstream)}.`]
        : []),
    ];
    if (disagree.length > 0) {
      throw new GitOpsError(
        problem('CG609', {
          message: disagree.join(' '),
          fix: `Pass only --from ${fromRing} to promote what it runs, or promote that release into "${fromRing}" first.`,
        }),
      );
    }
  }
  const current = stateOf(ledger, ring);
  // What is not named is taken from where the ring takes releases: the ring before it, or,
  // into the first ring, the ring's own release (a new image keeps the chart, and the reverse).
  const base: Release | undefined = upstream ?? current;
  const candidateChart = chart ?? base?.chart;
  const candidateImages = options.imageNames === undefined ? undefined : namedCandidate(ring, options.imageNames, images, base, upstream);
  const candidateDigest = digest ?? base?.digest;
  if (candidateImages === undefined && candidateDigest === undefined) {
    throw new GitOpsError(
      base === undefined
        ? problem('CG609', {
            message: `Ring "${ring}" runs nothing yet, so a promotion into it names the image as well: only a chart revision was given.`,
            fix: 'Pass --digest <sha256:…> with the chart revision.',
          })
        : problem('CG619', {
            message: `${ledger.service} has one image, but "${upstream === undefined ? ring : rings[index - 1]!.name}" runs a release of named images (${describeImages(base)}).`,
            fix: 'Pass --digest sha256:… with the digest of the image.',
          }),
    );
  }
  if (options.promotedChart !== undefined && current?.chart !== undefined && candidateChart === undefined) {
    const first = rings[0]!.name;
    throw new GitOpsError(
      problem('CG618', {
        message:
          `Ring "${ring}" runs chart ${shortChart(current.chart)}; ${upstream === undefined ? 'the release given' : `"${rings[index - 1]!.name}" runs a release that`} pins no chart revision, ` +
          'so this promotion would make the ring read the chart at its moving revision as it is when Argo CD syncs, which no ring may have run. Nothing was changed.',
        fix: `Promote a pinned chart revision from the first ring on (promote ${ledger.service} --ring ${first} --digest … ${options.promotedChart.inGit ? '--chart-revision <revision>' : '--chart-version <version>'}, then --from ring by ring).`,
      }),
    );
  }
  const candidate: Release = releaseOf({
    ...(candidateImages === undefined ? { digest: candidateDigest } : { images: candidateImages }),
    ...(candidateChart === undefined ? {} : { chart: candidateChart }),
  });
  for (const [image, version] of releaseImages(candidate)) {
    const invalid = versionProblem(version, policy) ?? tagOnlyProblem(image, version, options.tagOnlyImages);
    if (invalid !== undefined) {
      throw new GitOpsError(
        problem('CG608', {
          message: `Cannot promote ${image === undefined ? '' : `image "${image}" `}${JSON.stringify(version)} into "${ring}": it ${invalid}.`,
          fix: versionFix(policy),
        }),
      );
    }
  }

  // A ring that requires digests takes a chart in Git by its commit SHA: a tag can be moved.
  const byCommit = policy.requireDigest || policy.chartByCommit === true;
  if (candidate.chart !== undefined && options.promotedChart?.inGit === true && byCommit && !isCommitSha(candidate.chart)) {
    const why = policy.requireDigest ? 'the ring requires digests' : "the ring is production's and the service a team's";
    throw new GitOpsError(
      problem('CG608', {
        message: `Cannot promote chart revision ${JSON.stringify(candidate.chart)} into "${ring}": ${why}, and a tag can be moved in the application repository; only a commit SHA pins a chart that nobody can move.`,
        fix: `Pin the chart by its full commit SHA (git rev-parse ${candidate.chart}^{commit} in the application repository), from the first ring on: promote ${ledger.service} --ring ${rings[0]!.name} --chart-revision <SHA>, then --from ring by ring.`,
      }),
    );
  }

  if (sameRelease(current, candidate)) {
    return { ledger, changed: false, summary: `${ledger.service} ${ring} already runs ${describeRelease(candidate)}` };
  }

  const problems: Problem[] = [];
  if (current?.hold) {
    problems.push(heldProblem(ledger.service, ring, current));
  }
  if (upstream !== undefined && before !== undefined) {
    if (!sameRelease(candidate, upstream)) {
      problems.push(
        problem('CG601', {
          message: `Ring "${ring}" takes only the ${upstream.chart === undefined && candidate.chart === undefined && candidate.images === undefined ? 'digest' : 'release'} running in "${before}" (${describeRelease(upstream)}); received ${describeRelease(candidate)}.`,
          fix: `Promote ${describeRelease(candidate)} into "${before}" first, or use --from ${before}.`,
        }),
      );
    } else {
      const arrival = options.upstreamArrival?.at === undefined ? new Date(Date.parse(upstream.since)) : options.upstreamArrival.at;
      const health =
        spec.gates.requireHealthy === true ? healthProblem(ledger.service, ring, before, spec, options.upstreamHealthy) : undefined;
      const healthySince = spec.gates.requireHealthy === true ? healthyTime(options.upstreamHealthy) : undefined;
      if (health !== undefined) problems.push(health);
      // Soaking from the arrival is needed in any case: a health gate only moves the start later.
      const fromHealth = arrival !== null && healthySince !== undefined && healthySince.getTime() > arrival.getTime();
      const soak = soakProblem({
        ring,
        before,
        soakSeconds: spec.gates.soakSeconds ?? 0,
        release: releaseOf(upstream),
        arrival: fromHealth ? healthySince : arrival,
        until: options.soakUntil ?? now,
        windows: rings[index - 1]!.syncWindows ?? [],
        ...(fromHealth ? { healthy: true } : { inGit: options.upstreamArrival?.inGit }),
        ...(!fromHealth && options.upstreamArrival?.fastForward ? { fastForward: options.upstreamArrival.fastForward } : {}),
      });
      if (soak !== undefined) {
        problems.push(soak);
      }
    }
  }
  problems.push(...approverProblems(ring, spec, by, approvedBy));
  if (spec.gates.requireApproval && approvedBy === undefined) {
    problems.push(
      problem('CG604', {
        message: `Ring "${ring}" requires the promotion to name who approved it; no approver was given.`,
        fix: `Pass --approved-by <name> of who approved promoting ${describeRelease(candidate)} into "${ring}".`,
      }),
    );
  }
  check(problems);

  const since = formatTimestamp(now);
  const state: RingState = {
    ...candidate,
    since,
    by,
    from: before ?? null,
    approvedBy: approvedBy ?? null,
    hold: null,
    previous: history(current, candidate, limit),
  };
  return {
    ledger: withRing(ledger, ring, state),
    changed: true,
    summary: releaseSummary({
      kind: 'promote',
      service: ledger.service,
      rings: [ring],
      ...candidate,
      from: before,
      by,
      approvedBy,
    }),
  };
}

/**
 * CG619: digests that do not fit the service's images: a named digest for a service with one
 * image, a digest without a name for a service with named images, or a name it does not declare.
 */
function imageProblems(service: string, options: PromoteOptions): Problem[] {
  const { digest, images, imageNames } = options;
  const given = Object.keys(images ?? {});
  if (imageNames === undefined) {
    return given.length === 0
      ? []
      : [
          problem('CG619', {
            message: `${service} has one image, so a promotion names its digest without an image name; received ${given.map((n) => `--digest ${n}=…`).join(', ')}.`,
            fix: `Pass --digest sha256:… without "${given[0]}=".`,
          }),
        ];
  }
  const out: Problem[] = [];
  if (digest !== undefined) {
    out.push(
      problem('CG619', {
        message: `${service} has the images ${imageNames.join(', ')}, so each digest names its image; received --digest ${shortDigest(digest)} without a name.`,
        fix: `Pass --digest <image>=sha256:… for each image to change, e.g. --digest ${imageNames[0]}=${digest}.`,
      }),
    );
  }
  for (const name of given.filter((n) => !imageNames.includes(n))) {
    out.push(
      problem('CG619', {
        message: `${service} has no image "${name}"; its images are ${imageNames.join(', ')}.${didYouMean(name, [...imageNames])}`,
        fix: `Name one of ${imageNames.join(', ')} in --digest <image>=sha256:….`,
      }),
    );
  }
  return out;
}

/**
 * The images of a promotion of a service with named images: each image's digest as given, else
 * as the release the ring takes from (`base`) has it. Fails (CG619) when an image has neither.
 */
function namedCandidate(
  ring: string,
  names: readonly string[],
  given: ImageVersions | undefined,
  base: Release | undefined,
  upstream: Release | undefined,
): ImageVersions {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const version = given?.[name] ?? base?.images?.[name];
    if (version === undefined) missing.push(name);
    else out[name] = version;
  }
  if (missing.length > 0) {
    const from = upstream === undefined ? `"${ring}"` : 'the ring before';
    throw new GitOpsError(
      problem('CG619', {
        message:
          `A promotion into "${ring}" names no digest for ${missing.map((n) => `"${n}"`).join(', ')}, and ${from} ` +
          `${base === undefined ? 'runs nothing yet' : `runs no such image (${describeImages(base)})`} to keep ${missing.length === 1 ? 'it' : 'them'} from.`,
        fix: `Pass ${missing.map((n) => `--digest ${n}=sha256:…`).join(' ')} as well.`,
      }),
    );
  }
  return out;
}

/** CG618: a chart revision for a service whose chart is not promoted, or of the wrong form. */
function chartProblems(service: string, chart: string, promoted: { readonly inGit: boolean } | undefined): Problem[] {
  if (promoted === undefined) {
    return [
      problem('CG618', {
        message: `${service} does not promote its chart with its image, so it takes no chart revision; received ${JSON.stringify(chart)}.`,
      }),
    ];
  }
  const why = chartRevisionProblem(chart, promoted.inGit);
  if (why === undefined) return [];
  return [
    problem('CG618', {
      message: `Chart revision ${JSON.stringify(chart)} of ${service} ${why}.`,
      fix: promoted.inGit
        ? 'Pass --chart-revision with the full commit SHA of the chart (git rev-parse HEAD in the application repository) or its release tag, e.g. v1.4.2.'
        : 'Pass --chart-version with the exact version the repository publishes, e.g. 1.4.2.',
    }),
  ];
}

/**
 * Puts an earlier release of a ring back and holds the ring, so that neither promotions nor
 * automation replace it until {@link unhold}. The target must come from the ring's own
 * history: `previous: true` for the last one, or `to` naming one of them. Soak, order and
 * approval do not apply; a rollback into a held ring replaces its hold.
 *
 * @param rings the program's rings, in order
 * @returns a new ledger; the input is not modified
 * @throws GitOpsError `CG605`, `CG606`, `CG608` or `CG609` ({@link RULE_ERROR_CODES})
 * @example
 * rollback(ledger, rings, { ring: 'prod', previous: true, reason: 'p99 latency up', by: 'alice', now: new Date() });
 */
export function rollback(ledger: Ledger, rings: readonly RingSpec[], options: RollbackOptions): LedgerChange {
  const { ring, to, reason, by, now } = options;
  const previous = options.previous ?? false;
  const policy = options.policy ?? DEFAULT_VERSION_POLICY;
  const limit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  check([
    ...commonProblems(by, now),
    ...limitProblems(limit),
    ...(reason.trim() === ''
      ? [
          problem('CG609', {
            message: `A rollback of "${ring}" needs a reason; none was given.`,
            fix: 'Pass --reason "<what went wrong>"; it stays on the hold until the ring is unheld.',
          }),
        ]
      : []),
    ...(to === undefined && !previous
      ? [
          problem('CG609', {
            message: `A rollback of "${ring}" needs a target; none was given.`,
            fix: "Pass --previous for the last release, or --to <digest> from the ring's history.",
          }),
        ]
      : []),
    ...(to !== undefined && previous
      ? [problem('CG609', { message: `A rollback of "${ring}" takes --previous or --to, not both.`, fix: 'Drop one of them.' })]
      : []),
  ]);
  ringIndex(ledger, rings, ring);
  const current = stateOf(ledger, ring);
  if (current === undefined) {
    throw new GitOpsError(
      problem('CG606', {
        message: `Ring "${ring}" has no release yet, so there is nothing to roll back to.`,
        fix: `Promote into "${ring}" instead.`,
      }),
    );
  }

  let target: PreviousRelease | undefined;
  if (previous) {
    target = current.previous[0];
    if (target === undefined) {
      throw new GitOpsError(
        problem('CG606', {
          message: `Ring "${ring}" has no previous release to roll back to; it has only ever run ${describeRelease(current)}.`,
          fix: `Promote a fixed digest into "${ring}" instead.`,
        }),
      );
    }
  } else {
    const wanted = to!;
    // `<image>=<digest>[,…]`: a release in which each image named ran that digest.
    const named = decodeVersions(wanted);
    const invalid = (named === undefined ? [wanted] : Object.values(named))
      .map((v) => versionProblem(v, { requireDigest: false }))
      .find((why) => why !== undefined);
    if (invalid !== undefined) {
      throw new GitOpsError(
        problem('CG608', { message: `Cannot roll "${ring}" back to ${JSON.stringify(wanted)}: it ${invalid}.`, fix: versionFix(policy) }),
      );
    }
    // The newest release of that image the ring ran (with the chart it ran with).
    const runs = (r: Release): boolean =>
      named === undefined
        ? r.digest === wanted || Object.values(r.images ?? {}).includes(wanted)
        : r.images !== undefined && Object.entries(named).every(([image, v]) => r.images![image] === v);
    target = current.previous.find((p) => runs(p) && (options.toChart === undefined || p.chart === options.toChart));
    if (target === undefined) {
      const known = current.previous.map((p) => `${describeRelease(p)} (since ${p.since})`).join(', ');
      const shown = describeVersion(wanted);
      const what = runs(current) ? `${shown} is what "${ring}" runs now` : `${shown} is not in the history of ring "${ring}"`;
      throw new GitOpsError(
        problem('CG606', {
          message: `${what}; it ran before: ${known === '' ? 'nothing' : known}.`,
          fix:
            known === ''
              ? `Promote a fixed digest into "${ring}" instead.`
              : `Use --previous, or --to one of: ${current.previous.map((p) => releaseVersion(p)).join(', ')}.`,
        }),
      );
    }
  }
  if (options.keepChart === true && (options.promotedChart === undefined || current.chart === undefined)) {
    throw new GitOpsError(
      problem('CG618', {
        message: `--keep-chart keeps the chart revision ring "${ring}" runs, but ${options.promotedChart === undefined ? `${ledger.service} does not promote its chart with its image` : 'the ring runs no pinned chart'}. Nothing was changed.`,
        fix: 'Drop --keep-chart.',
      }),
    );
  }
  if (options.keepChart !== true && options.promotedChart !== undefined && current.chart !== undefined && target.chart === undefined) {
    const pinned = current.previous.filter((p) => p.chart !== undefined);
    const flag = options.promotedChart.inGit ? '--chart-revision <revision>' : '--chart-version <version>';
    throw new GitOpsError(
      problem('CG618', {
        message:
          `Ring "${ring}" runs chart ${shortChart(current.chart)}; ${describeImages(target)} was recorded there before the chart was pinned, ` +
          'so rolling back to it would read the chart at its moving revision as it is today, which no ring may have run. Nothing was changed.',
        fix:
          `Pass --keep-chart to put back only the image, with chart ${shortChart(current.chart)}; ` +
          (pinned.length === 0
            ? `or promote the release to go back to with its chart from the first ring on (promote ${ledger.service} --ring ${rings[0]!.name} --digest ${releaseVersion(target)} ${flag}, then --from ring by ring).`
            : `or roll back to a release with a pinned chart: --to ${releaseVersion(pinned[0]!)}${pinned.length > 1 ? ` (or another of ${pinned.map((p) => describeRelease(p)).join(', ')})` : ''}; or promote the release to go back to with its chart (${flag}).`),
      }),
    );
  }
  for (const [image, version] of releaseImages(target)) {
    const refused = versionProblem(version, policy) ?? tagOnlyProblem(image, version, options.tagOnlyImages);
    if (refused !== undefined) {
      throw new GitOpsError(
        problem('CG608', {
          message: `Cannot roll "${ring}" back to ${image === undefined ? '' : `image "${image}" `}${JSON.stringify(version)}: it ${refused}.`,
          fix: `Roll back to a digest from the ring's history, or promote a fixed digest.`,
        }),
      );
    }
  }

  // A chart in Git goes back by its commit SHA only where the ring requires digests, or is
  // production's for a team's service: a tag can have moved since.
  if (
    options.keepChart !== true &&
    target.chart !== undefined &&
    options.promotedChart?.inGit === true &&
    (policy.requireDigest || policy.chartByCommit === true) &&
    !isCommitSha(target.chart)
  ) {
    const why = policy.requireDigest ? 'the ring requires digests' : "the ring is production's and the service a team's";
    throw new GitOpsError(
      problem('CG608', {
        message: `Cannot roll "${ring}" back to ${describeRelease(target)}: ${why}, and the chart revision ${JSON.stringify(target.chart)} is a tag, which can have been moved in the application repository since.`,
        fix: `Pass --keep-chart to put back only the image, with the chart the ring runs; or promote the release to go back to with the chart's commit SHA (--chart-revision <SHA>).`,
      }),
    );
  }

  const since = formatTimestamp(now);
  const restored = releaseOf(options.keepChart === true ? { ...target, chart: current.chart! } : target);
  const state: RingState = {
    ...restored,
    since,
    by,
    from: null,
    approvedBy: null,
    hold: { reason, since, by },
    previous: history(current, restored, limit),
  };
  return {
    ledger: withRing(ledger, ring, state),
    changed: true,
    summary: releaseSummary({
      kind: 'rollback',
      service: ledger.service,
      rings: [ring],
      ...restored,
      by,
      reason,
    }),
  };
}

/**
 * Lifts the hold a rollback set on a ring, so promotions may enter it again. The ring keeps
 * running what it runs.
 *
 * @returns a new ledger; the input is not modified
 * @throws GitOpsError `CG605` when the ledger has no such ring, `CG607` when it is not held
 * @example
 * unhold(ledger, { ring: 'prod', by: 'alice', now: new Date() });
 */
export function unhold(ledger: Ledger, options: UnholdOptions): LedgerChange {
  const { ring, by, now } = options;
  check(commonProblems(by, now));
  const current = stateOf(ledger, ring);
  if (current === undefined) {
    const known = Object.keys(ledger.rings);
    throw new GitOpsError(
      problem('CG605', {
        message: `The ledger of ${ledger.service} has no ring "${ring}"; it has ${known.length === 0 ? 'none' : known.map((n) => `"${n}"`).join(', ')}.${didYouMean(ring, known)}`,
        fix: 'Name a ring from the ledger.',
      }),
    );
  }
  if (current.hold === null) {
    throw new GitOpsError(
      problem('CG607', { message: `Ring "${ring}" is not held.`, fix: `Nothing to do: promotions into "${ring}" are allowed.` }),
    );
  }
  return {
    ledger: withRing(ledger, ring, { ...current, hold: null }),
    changed: true,
    summary: releaseSummary({ kind: 'unhold', service: ledger.service, rings: [ring], by }),
  };
}

/** What a release did, for its one-line summary. */
export type ReleaseSummary =
  | {
      readonly kind: 'promote';
      readonly service: string;
      /** The rings it changed: one, or the rings a ring was split into, changed as one. */
      readonly rings: readonly string[];
      /** The digest of a service with one image. @default - none: `images` */
      readonly digest?: string;
      /** The digest of each named image. @default - none: `digest` */
      readonly images?: ImageVersions;
      /** The chart revision promoted with it. @default - none */
      readonly chart?: string;
      /** The ring it was taken from. @default - none: the first ring */
      readonly from?: string;
      readonly by: string;
      /** @default - nobody */
      readonly approvedBy?: string;
    }
  | {
      readonly kind: 'rollback';
      readonly service: string;
      readonly rings: readonly string[];
      /** The digest of a service with one image. @default - none: `images` */
      readonly digest?: string;
      /** The digest of each named image. @default - none: `digest` */
      readonly images?: ImageVersions;
      /** The chart revision restored with it. @default - none */
      readonly chart?: string;
      readonly by: string;
      readonly reason: string;
    }
  | { readonly kind: 'unhold'; readonly service: string; readonly rings: readonly string[]; readonly by: string };

/**
 * The one line that says what a release did, e.g. for a commit message:
 * `promote payments-api sha256:2e8f1a31 to prod from prod-canary (by alice, approved by bob)`.
 */
export function releaseSummary(s: ReleaseSummary): string {
  const rings = s.rings.join(', ');
  switch (s.kind) {
    case 'promote': {
      const via = s.from === undefined ? '' : ` from ${s.from}`;
      const approval = s.approvedBy === undefined ? '' : `, approved by ${s.approvedBy}`;
      return `promote ${s.service} ${describeRelease(s)} to ${rings}${via} (by ${s.by}${approval})`;
    }
    case 'rollback':
      return `roll back ${s.service} ${rings} to ${describeRelease(s)} and hold it (by ${s.by}): ${s.reason}`;
    case 'unhold':
      return `unhold ${s.service} ${rings} (by ${s.by})`;
  }
}

function check(problems: readonly Problem[]): void {
  if (problems.length > 0) {
    throw new GitOpsError(problems);
  }
}

function commonProblems(by: string, now: Date): Problem[] {
  const out: Problem[] = [];
  if (by.trim() === '') {
    out.push(problem('CG609', { message: 'Who is doing it (`by`) is empty.', fix: 'Pass a person or an automation name, e.g. `ci`.' }));
  }
  if (!isValidDate(now)) {
    out.push(problem('CG609', { message: 'The current time (`now`) is not a valid date.', fix: 'Pass a valid `Date`.' }));
  }
  return out;
}

function limitProblems(limit: number): Problem[] {
  return Number.isInteger(limit) && limit >= 1
    ? []
    : [
        problem('CG609', {
          message: `The history limit must be a whole number of at least 1; received ${limit}.`,
          fix: `Pass a limit such as ${DEFAULT_HISTORY_LIMIT}.`,
        }),
      ];
}

/** The state of a ring in the ledger; only the ledger's own entries count. */
function stateOf(ledger: Ledger, ring: string): RingState | undefined {
  return Object.hasOwn(ledger.rings, ring) ? ledger.rings[ring] : undefined;
}

/** The index of `ring` among the program's rings, or throws CG605. */
function ringIndex(ledger: Ledger, rings: readonly RingSpec[], ring: string): number {
  const index = rings.findIndex((r) => r.name === ring);
  if (index < 0) {
    throw new GitOpsError(unknownRing(ledger, rings, ring));
  }
  return index;
}

function unknownRing(ledger: Ledger, rings: readonly RingSpec[], ring: string): Problem {
  return problem('CG605', {
    message: `Ring "${ring}" is not declared for ${ledger.service}; the program declares ${rings.map((r) => `"${r.name}"`).join(', ') || 'no rings'}.${didYouMean(
      ring,
      rings.map((r) => r.name),
    )}`,
    fix: `Use one of the declared rings, or declare "${ring}" in the program first.`,
  });
}

function heldProblem(service: string, ring: string, state: RingState): Problem {
  const hold = state.hold!;
  return problem('CG603', {
    message: `Ring "${ring}" is held since ${hold.since} by ${hold.by}: ${JSON.stringify(hold.reason)}.`,
    fix: `Run \`cdk8s-gitops unhold ${service} --ring ${ring}\` once the incident is over.`,
  });
}

/** What a soak is measured on. */
interface SoakFacts {
  readonly ring: string;
  readonly before: string;
  readonly soakSeconds: number;
  /** The release that soaks in `before`. */
  readonly release: Release;
  /** When the digest reached `before`; `null` when no commit has recorded it yet. */
  readonly arrival: Date | null;
  /** Up to when it counts. */
  readonly until: Date;
  /** The sync windows of `before`. */
  readonly windows: readonly WindowGroup[];
  /** Whether `arrival` comes from Git (true), from the ledger's `since` outside Git (false), or from the ledger unmarked. */
  readonly inGit?: boolean;
  /** `arrival` of a merge-request commit that reached the branch by a fast-forward (`Arrival.fastForward`). @default - its own time */
  readonly fastForward?: 'next' | 'unknown';
  /** `arrival` is when Argo CD reports the ring's Applications became Synced and Healthy at the release (a health gate). @default false */
  readonly healthy?: boolean;
}

/** When the ring before became Synced and Healthy, from a reading of a health gate; undefined when it says nothing of time. */
function healthyTime(reading: UpstreamHealth | undefined): Date | undefined {
  if (reading === undefined || reading.applications === 0 || reading.since === null) return undefined;
  const at = Date.parse(reading.since);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/**
 * CG620 when a ring's health gate is not met by `reading`: none was given (the promotion was not
 * made by a caller that asked Argo CD), or the ring's soak needs a time Argo CD did not report.
 * The CLI refuses a ring before that does not run the release Synced and Healthy itself, naming
 * each Application.
 */
function healthProblem(
  service: string,
  ring: string,
  before: string,
  spec: RingSpec,
  reading: UpstreamHealth | undefined,
): Problem | undefined {
  if (reading === undefined) {
    return problem('CG620', {
      message: `Ring "${ring}" takes a release only once every Application of ${service} in "${before}" runs it Synced and Healthy (Gate.healthy), and no reading of Argo CD was given to say so.`,
      fix: `Promote with the cdk8s-gitops CLI where it reaches the Argo CD of "${before}" (ARGOCD_SERVER and ARGOCD_AUTH_TOKEN, or the control plane's own), or pass upstreamHealthy to promote().`,
    });
  }
  const malformed = reading.since !== null && Number.isNaN(Date.parse(reading.since));
  if (malformed || !Number.isInteger(reading.applications) || reading.applications < 0) {
    return problem('CG620', {
      message: `The reading of Argo CD given for "${before}" is not one: ${malformed ? `its time ${JSON.stringify(reading.since)} is not a date` : 'its count of Applications is not a whole number'}.`,
    });
  }
  if (reading.applications > 0 && reading.since === null && (spec.gates.soakSeconds ?? 0) > 0) {
    return problem('CG620', {
      message:
        `Ring "${ring}" takes a release only after its Applications in "${before}" have run it Synced and Healthy for ${formatDuration(spec.gates.soakSeconds!)}, ` +
        `but Argo CD reports no time since which they are (no health transition, sync or deployment time).`,
      fix: 'Read the Applications with `argocd app get`; a sync of them records the time. Promote once Argo CD reports it.',
    });
  }
  return undefined;
}

/** The CG602 problem of a soak that is not over, or undefined. */
function soakProblem(f: SoakFacts, code: 'CG602' | 'CG611' = 'CG602', prefix = ''): Problem | undefined {
  const { ring, before, soakSeconds } = f;
  const what = describeRelease(f.release);
  if (soakSeconds <= 0) {
    return undefined;
  }
  if (f.arrival === null) {
    return problem(code, {
      message:
        `${prefix}Ring "${ring}" takes ${what} only after it has run ${formatDuration(soakSeconds)} in "${before}"; ` +
        `no commit records it in "${before}" yet, so Argo CD has not synced it there and its soak has not begun.`,
      fix: `Publish the promotion into "${before}" (\`--publish\`, or commit and push it), then promote ${formatDuration(soakSeconds)} later.`,
    });
  }
  const ran = servedSeconds(f.windows, f.arrival, f.until, soakSeconds);
  if (ran >= soakSeconds) {
    return undefined;
  }
  if (f.fastForward === 'unknown') {
    return problem(code, {
      message:
        `${prefix}Ring "${ring}" takes ${what} only after it has run ${formatDuration(soakSeconds)} in "${before}"; ` +
        `the commit that recorded it there was made for a merge request and merged by a fast-forward, so it keeps the time it was made, ` +
        `before its review, and no commit after it on the branch records when it arrived: its soak counts from the next commit.`,
      fix:
        `Merge promotion branches with a merge commit (or let the merge rebase them); for this one, push the next commit to the branch ` +
        `(any change), then ${prefix === '' ? 'promote' : 'promote it'} ${formatDuration(soakSeconds)} later.`,
    });
  }
  const windowed = hasWindows(f.windows);
  const allowed = windowed ? soakEnds(f.windows, f.arrival, soakSeconds) : new Date(f.arrival.getTime() + soakSeconds * 1000);
  return problem(code, {
    message:
      `${prefix}Ring "${ring}" takes ${what} only after it has run ${formatDuration(soakSeconds)} in "${before}"; ` +
      `it has run there ${formatDuration(Math.max(0, ran))}${windowed ? ` of time its sync windows let Argo CD sync` : ''} ` +
      `(since ${formatTimestamp(f.arrival)}${f.healthy === true ? ', when Argo CD reports the last of its Applications there became Synced and Healthy at it' : f.fastForward === 'next' ? ', the commit after the one that recorded it, which was merged by a fast-forward and keeps the time it was made' : f.inGit === true ? ', the commit that recorded it' : f.inGit === false ? ", the ledger's time: the checkout is not in a Git repository" : ''}), ${formatDuration(soakSeconds - Math.max(0, ran))} remain.`,
    fix:
      allowed === undefined
        ? `The sync windows of "${before}" leave no ${formatDuration(soakSeconds)} open within a year; change them in the program.`
        : `${prefix === '' ? 'Promote' : 'Promote it'} at or after ${formatTimestamp(allowed)}.`,
  });
}

/** Seconds the digest has soaked: from `arrival` to `until`, counting only open sync windows. */
function servedSeconds(windows: readonly WindowGroup[], arrival: Date, until: Date, enough: number): number {
  if (!hasWindows(windows)) {
    return (until.getTime() - arrival.getTime()) / 1000;
  }
  return until.getTime() <= arrival.getTime() ? 0 : openSeconds(windows, arrival, until, enough);
}

/**
 * Whether two names of people are the same person's: compared in Unicode compatibility form
 * (NFKC: full-width and ligature forms fold to plain letters), case and surrounding spaces aside.
 */
export function samePerson(a: string, b: string): boolean {
  const key = (name: string): string => name.normalize('NFKC').trim().toLowerCase();
  return key(a) === key(b);
}

/**
 * Letters of other scripts that look like Latin ones, lower-case, by the Latin letter they pass
 * for (Cyrillic and Greek; the common cases of Unicode's confusables).
 */
const LOOKALIKES: Readonly<Record<string, string>> = {
  a: 'аα',
  b: 'Ьв',
  c: 'сϲ',
  d: 'ԁ',
  e: 'еε',
  h: 'һн',
  i: 'іιӏ',
  j: 'ј',
  k: 'кκ',
  m: 'м',
  n: 'пη',
  o: 'оοσ',
  p: 'рρ',
  q: 'ԛ',
  s: 'ѕ',
  t: 'тτ',
  u: 'υ',
  v: 'νѵ',
  w: 'ԝѡω',
  x: 'хχ',
  y: 'уγ',
};
const AS_LATIN = new Map(Object.entries(LOOKALIKES).flatMap(([latin, others]) => [...others].map((c) => [c, latin] as const)));

/**
 * Whether two names of people look alike: the same person's ({@link samePerson}), or the same
 * once accents, invisible characters, inner spacing and letters of other scripts that pass for
 * Latin ones are set aside (`аlice` with a Cyrillic `а`). An approval by a name that looks like
 * the promoter's would read, in the record, as a second person's.
 */
export function lookAlike(a: string, b: string): boolean {
  const skeleton = (name: string): string =>
    [
      ...name
        .normalize('NFKD')
        .replace(/[\p{M}\p{Cf}\p{Default_Ignorable_Code_Point}\s]/gu, '')
        .toLowerCase(),
    ]
      .map((c) => AS_LATIN.get(c) ?? c)
      .join('');
  return samePerson(a, b) || skeleton(a) === skeleton(b);
}

/** CG614 and CG615: an approver who promotes their own change, or who is not among the ring's approvers. */
function approverProblems(ring: string, spec: RingSpec, by: string, approvedBy: string | undefined | null, prefix = ''): Problem[] {
  if (approvedBy === undefined || approvedBy === null || approvedBy.trim() === '') {
    return [];
  }
  const out: Problem[] = [];
  if (lookAlike(approvedBy, by)) {
    out.push(
      problem('CG614', {
        message: `${prefix}The promotion into "${ring}" is approved by ${JSON.stringify(approvedBy)}, who also promotes it (by ${JSON.stringify(by)}${samePerson(approvedBy, by) ? '' : ': the names look alike'}); an approval needs a second person.`,
      }),
    );
  }
  const approvers = spec.gates.approvers ?? [];
  if (approvers.length > 0 && !approvers.some((a) => samePerson(a, approvedBy))) {
    out.push(
      problem('CG615', {
        message: `${prefix}Ring "${ring}" takes approvals only from ${approvers.map((a) => JSON.stringify(a)).join(', ')}; received --approved-by ${JSON.stringify(approvedBy)}.${didYouMean(approvedBy, [...approvers])}`,
        fix: `Ask one of ${approvers.join(', ')} to approve.`,
      }),
    );
  }
  return out;
}

/** @internal Rule checks shared with the ledger checks of `gates.ts`. */
export const ruleChecks = { soakProblem, approverProblems, heldProblem };

/** The ring's new history: its current release first, then the older ones, without `next`, at most `limit`. */
function history(current: RingState | undefined, next: Release, limit: number): PreviousRelease[] {
  if (current === undefined) {
    return [];
  }
  const entries = [current, ...current.previous];
  const seen = new Set<string>([releaseKey(next)]);
  const out: PreviousRelease[] = [];
  for (const e of entries) {
    if (!seen.has(releaseKey(e))) {
      seen.add(releaseKey(e));
      out.push({ ...releaseOf(e), since: e.since, by: e.by });
    }
  }
  return out.slice(0, limit);
}

function withRing(ledger: Ledger, ring: string, state: RingState): Ledger {
  return { service: ledger.service, rings: { ...ledger.rings, [ring]: state } };
}

/** Why a bare digest of an image whose chart reads only a tag cannot be promoted: it would not be deployed. */
function tagOnlyProblem(image: string | undefined, version: string, tagOnly: readonly string[] | undefined): string | undefined {
  if (image === undefined || !tagOnly?.includes(image) || !isDigest(version)) return undefined;
  return `is a bare digest, but the chart reads only a tag for image "${image}" and would not deploy it; give the tag pinned by that digest, <tag>@${shortDigest(version)}…`;
}
