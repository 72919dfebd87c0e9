import { promotedSourceOf } from '../model/source-kinds';
import { GitOpsError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { someNames } from '../core/name-list';
import { BuildTreeOptions, modelFingerprint, serviceTree, treeFromLedgers, treeInputs } from '../synth/build';
import { MANIFEST_PATH, recordsInputs } from '../synth/manifest';
import { ledgerTextsKey, STATUS_PATH } from '../synth/file-tree';
import { Checkout } from './checkout/checkout-fs';
import { readRecordedModel } from './recorded-model';
import { readManifest } from './checkout/manifest-io';
import { FileTree } from '../synth/file-tree';
import { PlatformModel, ServiceModel } from '../model/platform-model';
import { applicationName } from '../model/placement';
import { LedgerFile, ledgerFilePath, ledgerText, parseLedgerTexts } from '../release/ledger-files';
import { ringPolicies } from '../model/versions';
import { teamReadsChartByCommit } from '../model/teams';
import { readLedgerTexts } from './ledgers';
import { knownStatusPage, releaseFilesInUse } from './build';
import { DriftCheck } from './checkout/drift';
import { CheckoutGates, gateRings, soakUntil, takesEffect } from './checkout-gates';
import { arrivalOf } from '../release/gates';
import { LedgerChange, promote, PromoteOptions, releaseSummary, rollback, unhold, UpstreamHealth } from '../release/rules';
import { orderBeforeSplit } from '../release/moves';
import { Ledger, RingSpec } from '../release/types';
import { ImageVersions, releaseKey, releaseOf, releaseVersion, sameRelease } from '../release/release';
import { releaseMismatch, ringRelease } from '../synth/synthesize';
import { imageNames } from '../model/images';
import { redactUrl } from '../model/names';

/** A change to what a ring runs. */
export type ReleaseRequest =
  | {
      readonly kind: 'promote';
      readonly service: string;
      readonly ring: string;
      /** The digest to promote, of a service with one image. @default - what `fromRing` runs */
      readonly digest?: string;
      /**
       * The digests of named images to promote, by image name, of a service with named images;
       * an image not named keeps what the ring takes from runs. @default - none
       */
      readonly images?: ImageVersions;
      /** The chart revision to promote, for a service whose chart is promoted with its image. @default - see `PromoteOptions.chart` */
      readonly chart?: string;
      /** Promote what this ring runs. @default - `digest` is required */
      readonly fromRing?: string;
      /** Who approved it. @default - nobody */
      readonly approvedBy?: string;
      /**
       * What Argo CD reported of the ring before when the promotion was made, for a ring with a
       * health gate (kept with a pending operation, which is judged again as of then).
       * @default - no reading
       */
      readonly upstreamHealthy?: UpstreamHealth;
    }
  | {
      readonly kind: 'rollback';
      readonly service: string;
      readonly ring: string;
      /** The digest to go back to. @default - `previous` */
      readonly to?: string;
      /** With `to`: the chart revision it ran with. @default - the newest release of `to` in the ring's history */
      readonly toChart?: string;
      /** Go back to the release before the current one. @default false */
      readonly previous?: boolean;
      /** Put back only the image, keeping the chart the ring runs (see `RollbackOptions.keepChart`). @default false */
      readonly keepChart?: boolean;
      readonly reason: string;
    }
  | { readonly kind: 'unhold'; readonly service: string; readonly ring: string };

/** Who asks, and when. */
export interface ReleaseContext {
  readonly by: string;
  /** The time recorded in the ledger (`CDK8S_GITOPS_NOW` sets it in the CLI). */
  readonly now: Date;
  /**
   * The system clock: `now` may be earlier (set back for a reproducible run), never later, and
   * soaks are measured up to the earlier of the two.
   * @default - `now`
   */
  readonly clock?: Date;
}

/** What a release operation did. */
export interface ReleaseOutcome {
  readonly request: ReleaseRequest;
  readonly change: LedgerChange;
  /** The service's ledger before the change (undefined when it had none). */
  readonly before?: Ledger;
  /** The tree after the change: the whole repository, or only the part the change touches (see `FileTree.part`). */
  readonly tree: FileTree;
  /** Applications (names) of the ring's targets, which the change moves. */
  readonly applications: readonly string[];
  /**
   * What the user should know: when a ring whose sync windows are closed takes the change, or
   * that soak times came from the ledger because the checkout is not in Git.
   */
  readonly notes: readonly string[];
  /**
   * The texts the change was worked out from (the service's ledger as the rules read it; undefined
   * when there was none), for the write's `basis`: a write of the tree fails if it changed since.
   */
  readonly basis: ReadonlyMap<string, string | undefined>;
  /**
   * The model the tree was built from, when it is not the one given: a request without the
   * program on a checkout that needs the whole tree reads every service's file of the release
   * model. Write the tree with this model.
   * @default - the model given
   */
  readonly model?: PlatformModel;
}

/** How {@link runRelease} builds and applies the change. */
export interface ReleaseOptions extends BuildTreeOptions {
  /**
   * The rings the request's ring is now, for a request made before the program renamed or split
   * that ring (a pending operation): the change is made in each of them, as the one change it
   * was, and each is judged in the ring order of its day (see `orderBeforeSplit`): a promotion
   * takes from the ring before the first of them. A `fromRing` the ring before took over
   * (`movedFrom`) is read as that ring.
   * @default - the request's ring, as named
   */
  readonly movedTo?: readonly string[];
  /**
   * The model was read from the tree's release model (`readRecordedModel`) and holds some of the
   * platform's services only; these are the names of all of them, in order. The change is then
   * built as the service's part of the tree on the checkout (its section of `STATUS.md` spliced
   * into the page), and refused with `CG316` when the checkout is not as a write from that model
   * and its ledgers left it (only the program can write the whole tree).
   * @default - the model is the program's, whole
   */
  readonly recordedServices?: readonly string[];
}

/**
 * Applies a release request to the ledgers of the checkout `dir` and returns the new tree.
 * Pure but for reading the checkout; the caller writes the tree (only the changed files are
 * rendered and written, so a promotion touches one ring's values files and the ledger). When
 * the checkout was written from the same model and ledgers, the tree holds only the service's
 * part of the repository.
 */
export function runRelease(
  model: PlatformModel,
  dir: string,
  request: ReleaseRequest,
  ctx: ReleaseContext,
  options: ReleaseOptions = {},
): ReleaseOutcome {
  const service = model.services.find((s) => s.name === request.service);
  if (!service) {
    const known = model.services.map((s) => s.name);
    throw GitOpsError.of('CG306', {
      message: `The program has no service "${request.service}"; it has ${known.length ? someNames(known) : 'none'}.${didYouMean(request.service, known)}`,
    });
  }
  const texts = readLedgerTexts(model, dir);
  const ledgers = parseLedgerTexts(model, texts);
  const existing = ledgers.get(service.name);
  const before = existing?.ledger;
  const ledger: Ledger = before ?? { service: service.name, rings: {} };
  const rings = gateRings(model, service.name);
  const promotedChart = promotedSourceOf(service);
  const targets = options.movedTo !== undefined && options.movedTo.length > 0 ? options.movedTo : [request.ring];
  /** The ring order `ring` is judged in, and the ring before it there. */
  const placeOf = (ring: string): { order: RingSpec[]; upstream?: RingSpec } => {
    const order = targets.length > 1 ? orderBeforeSplit(rings, targets, ring) : rings;
    const index = order.findIndex((r) => r.name === ring);
    return index > 0 ? { order, upstream: order[index - 1] } : { order };
  };
  const fromOf = (ring: string, fromRing: string | undefined): string | undefined => {
    if (fromRing === undefined || options.movedTo === undefined) return fromRing;
    const upstream = placeOf(ring).upstream;
    return upstream !== undefined && (upstream.movedFrom ?? []).includes(fromRing) ? upstream.name : fromRing;
  };
  if (request.kind === 'promote') assertRunsSomewhere(model, service.name, targets);
  const elsewhere = request.kind === 'promote' ? model.rings.find((r) => r.name === request.ring)?.takesFrom : undefined;
  if (request.kind === 'promote' && elsewhere !== undefined && request.fromRing === elsewhere.ring) {
    throw GitOpsError.of('CG623', {
      message:
        `Ring "${request.ring}" takes its releases from "${elsewhere.ring}", whose releases are recorded in another GitOps repository, ${redactUrl(elsewhere.repoURL)}: ` +
        `this checkout cannot read nor verify what "${elsewhere.ring}" runs, so --from ${elsewhere.ring} is not taken. Nothing was written.`,
      fix: `Read what "${elsewhere.ring}" runs in its checkout (cdk8s-gitops status ${service.name} --repository ${redactUrl(elsewhere.repoURL)}) and promote that release here by --digest (with --chart-revision or --chart-version for a promoted chart).`,
    });
  }
  const fromElsewhere =
    request.kind === 'promote' &&
    request.fromRing !== undefined &&
    model.ringsElsewhere !== undefined &&
    Object.hasOwn(model.ringsElsewhere, request.fromRing)
      ? model.ringsElsewhere[request.fromRing]
      : undefined;
  if (request.kind === 'promote' && fromElsewhere !== undefined && !model.rings.some((r) => r.name === request.fromRing)) {
    const before = placeOf(request.ring).upstream?.name;
    throw GitOpsError.of('CG623', {
      message: `--from ${request.fromRing} names a ring whose releases are recorded in another GitOps repository, ${redactUrl(fromElsewhere)}, and not the ring "${request.ring}" takes its releases from: this checkout cannot read nor verify what "${request.fromRing}" runs. Nothing was written.`,
      fix:
        before === undefined
          ? `"${request.ring}" takes a release by --digest (with --chart-revision or --chart-version for a promoted chart).`
          : `Promote into "${request.ring}" from the ring before it: --from ${before}.`,
    });
  }
  if (request.kind === 'promote' && request.upstreamHealthy !== undefined) {
    const before = placeOf(request.ring).upstream?.name;
    if (before !== undefined) assertReadingFits(model, service.name, before, request.upstreamHealthy.applications);
  }
  const named = imageNamesOf(service);
  const applyOne = (on: Ledger, ring: string, times: Pick<PromoteOptions, 'upstreamArrival' | 'soakUntil'>): LedgerChange => {
    const ringPolicy = ringPolicies(model)[ring];
    const policy =
      ringPolicy !== undefined && teamReadsChartByCommit(model, service, ring) ? { ...ringPolicy, chartByCommit: true } : ringPolicy;
    return request.kind === 'promote'
      ? promote(on, placeOf(ring).order, {
          ring,
          digest: request.digest,
          ...(request.images === undefined ? {} : { images: request.images }),
          ...named,
          ...(request.chart === undefined ? {} : { chart: request.chart }),
          ...(promotedChart === undefined ? {} : { promotedChart }),
          fromRing: fromOf(ring, request.fromRing),
          approvedBy: request.approvedBy,
          ...(request.upstreamHealthy === undefined ? {} : { upstreamHealthy: request.upstreamHealthy }),
          by: ctx.by,
          now: ctx.now,
          policy,
          ...times,
        })
      : request.kind === 'rollback'
        ? rollback(on, rings, {
            ring,
            to: request.to,
            ...(request.toChart === undefined ? {} : { toChart: request.toChart }),
            ...(promotedChart === undefined ? {} : { promotedChart }),
            ...(request.keepChart === true ? { keepChart: true } : {}),
            ...(named.tagOnlyImages === undefined ? {} : { tagOnlyImages: named.tagOnlyImages }),
            previous: request.previous,
            reason: request.reason,
            by: ctx.by,
            now: ctx.now,
            policy,
          })
        : unhold(on, { ring, by: ctx.by, now: ctx.now });
  };
  // An unhold of a split ring lifts the holds its rings have; the rest of the change is made in every one.
  const held = request.kind === 'unhold' ? targets.filter((r) => Object.hasOwn(ledger.rings, r) && ledger.rings[r]!.hold !== null) : [];
  const into = request.kind === 'unhold' && targets.length > 1 && held.length > 0 ? held : targets;
  const apply = (timesOf: (ring: string) => Pick<PromoteOptions, 'upstreamArrival' | 'soakUntil'>): LedgerChange => {
    const changes: { ring: string; change: LedgerChange }[] = [];
    let on = ledger;
    for (const ring of into) {
      const change = applyOne(on, ring, timesOf(ring));
      changes.push({ ring, change });
      on = change.ledger;
    }
    return joinChanges(request, ctx, changes);
  };
  // Refusals that do not depend on when things happened come first, before Git is read.
  try {
    apply(() => ({}));
  } catch (e) {
    // A refusal that names the soak is made again below, with the times from Git.
    if (!(e instanceof GitOpsError) || !e.problems.some((p) => p.code === 'CG602')) throw e;
  }
  // Hand edits anywhere in the checkout are refused before a change is built on them.
  const gates = CheckoutGates.open(model, dir, ctx);
  gates.assertLedgers(texts);
  const path = ledgerFilePath(model, service.name);
  const onDisk = existing === undefined || existing.initial ? undefined : existing.text;
  // As read for the rules: the text before the program's ring moves.
  const basis = new Map([[path, texts.get(service.name)?.initial === false ? texts.get(service.name)!.text : undefined]]);
  const upstreamOf = (ring: string): string | undefined => {
    const upstream = placeOf(ring).upstream?.name;
    return upstream !== undefined && Object.hasOwn(ledger.rings, upstream) ? upstream : undefined;
  };
  const history = gates.inGit && into.some((r) => upstreamOf(r) !== undefined) ? gates.context(path, onDisk).history : undefined;
  const made = apply((ring) => {
    const upstream = upstreamOf(ring);
    const upstreamArrival = upstream === undefined ? undefined : arrivalOf(ledger, upstream, ledger.rings[upstream], history);
    return { ...(upstreamArrival ? { upstreamArrival } : {}), soakUntil: soakUntil(ctx) };
  });
  // The commit says so too: its subject is what `history` and `git log` show of it.
  const change =
    made.changed && elsewhere !== undefined
      ? { ...made, summary: `${made.summary}; ring before, ${elsewhere.ring}, in another repository: not checked` }
      : made;
  if (change.changed) {
    // A ring takes only a release of the program's images (a ring held at an older one, CG214,
    // keeps its files until it does).
    const misfits = into.flatMap((ring) => {
      const state = change.ledger.rings[ring];
      const was = ledger.rings[ring];
      if (state === undefined || (was !== undefined && releaseKey(was) === releaseKey(state))) return [];
      const why = releaseMismatch(service, ring, ringRelease(state));
      return why === undefined
        ? []
        : [
            {
              ...why,
              message: `${why.message.replace(/, so none of the ring's files can be written\.$/, '')}: the ${request.kind} cannot put that release into it. Nothing was written.`,
            },
          ];
    });
    if (misfits.length > 0) throw new GitOpsError(misfits);
    // The ledger the change makes must pass the ring rules as any other ledger does.
    // An unhold made now is the record of the holds it lifts (in its rings only).
    const lifted =
      request.kind === 'unhold'
        ? {
            service: change.ledger.service,
            rings: Object.fromEntries(into.filter((r) => Object.hasOwn(change.ledger.rings, r)).map((r) => [r, change.ledger.rings[r]!])),
          }
        : undefined;
    const problems = gates.problemsOf(service.name, path, onDisk, change.ledger, targets.length > 1 ? targets : undefined, lifted);
    if (problems.length > 0) throw new GitOpsError(problems);
  }
  const notes: string[] = [];
  if (change.changed && request.kind !== 'unhold') {
    for (const ring of into) {
      const state = change.ledger.rings[ring];
      const effect = takesEffect(rings, ring, soakUntil(ctx), state === undefined ? undefined : releaseVersion(state));
      if (effect !== undefined) notes.push(effect);
    }
  }
  if (change.changed && elsewhere !== undefined) {
    notes.push(
      `Ring "${request.ring}" follows "${elsewhere.ring}", whose releases are recorded in ${redactUrl(elsewhere.repoURL)}: this checkout took the release as given, without checking that "${elsewhere.ring}" runs it or how long it has.`,
    );
  }
  const soaks = into.some((r) => (rings.find((spec) => spec.name === r)?.gates.soakSeconds ?? 0) > 0);
  if (request.kind === 'promote' && !gates.inGit && soaks && gates.note !== undefined) notes.push(gates.note);
  const next = new Map<string, LedgerFile>(ledgers);
  if (change.changed || existing?.initial) {
    next.set(service.name, {
      path: ledgerFilePath(model, service.name),
      ledger: change.ledger,
      text: ledgerText(model, change.ledger),
      initial: false,
    });
  }
  const moved = new Set(model.rings.filter((r) => into.includes(r.name)).flatMap((r) => r.targets));
  const applications = model.targets
    .filter((t) => t.service === service.name && moved.has(t.id))
    .map(applicationName)
    .sort();
  // A checkout written from this model and these ledgers changes only where the service's
  // ledger shows; any other checkout is brought up to the program as a whole.
  const fingerprint = options.modelFingerprint ?? modelFingerprint(model);
  const retainReleaseFiles = releaseFilesInUse(model, dir);
  const inputs = treeInputs(fingerprint, retainReleaseFiles);
  const recorded = recordsInputs(readManifest(dir), inputs, ledgers.values());
  if (options.recordedServices !== undefined) {
    if (recorded) {
      // The service's part, its section of STATUS.md spliced into the checkout's page.
      const statusPage = { text: new Checkout(dir).read(STATUS_PATH) ?? '', services: options.recordedServices };
      const tree = serviceTree(model, next, service.name, inputs, { modelFingerprint: fingerprint, retainReleaseFiles, statusPage });
      return { request, change, before, tree, applications, notes: [...notes, ...tree.notes], basis };
    }
    // The checkout needs the whole tree (e.g. the first write since ApplicationSets started to read release files):
    // it is built from every service's file of the release model, as the program would build it.
    const whole = readRecordedModel(dir, 'all', request.kind);
    if (whole.fingerprint !== fingerprint) throw notAsSynthLeft(dir, request.kind);
    const all = new Map(parseLedgerTexts(whole.model, readLedgerTexts(whole.model, dir)));
    const mine = next.get(service.name);
    if (mine !== undefined) all.set(service.name, mine);
    const tree = treeFromLedgers(whole.model, all, { modelFingerprint: fingerprint, retainReleaseFiles });
    return { request, change, before, tree, applications, notes: [...notes, ...tree.notes], basis, model: whole.model };
  }
  // The service's section spliced into STATUS.md when the stat cache knows the page is what the program makes of the ledgers before.
  const statusPage = recorded
    ? knownStatusPage(model, dir, DriftCheck.load(new Checkout(dir)), ledgerTextsKey(inputs, ledgers.values()))
    : undefined;
  const tree = recorded
    ? serviceTree(model, next, service.name, inputs, {
        modelFingerprint: fingerprint,
        retainReleaseFiles,
        ...(statusPage ? { statusPage } : {}),
      })
    : treeFromLedgers(model, next, { modelFingerprint: fingerprint, retainReleaseFiles });
  return { request, change, before, tree, applications, notes: [...notes, ...tree.notes], basis };
}

/**
 * CG622 when no target of `service` is in `rings` or a ring after them: nothing would run what a
 * promotion puts there, and the release would wait in the ledger, approved by whoever was named,
 * for the day the program places the service there.
 */
function assertRunsSomewhere(model: PlatformModel, service: string, rings: readonly string[]): void {
  const order = model.rings.map((r) => r.name);
  const first = Math.min(...rings.map((r) => order.indexOf(r)).filter((i) => i >= 0));
  if (!Number.isFinite(first)) return; // a ring the program does not declare: the release rules say so
  const later = new Set(order.slice(first));
  if (model.targets.some((t) => t.service === service && later.has(t.ring))) return;
  throw GitOpsError.of('CG622', {
    message: `No target of ${service} is in ring "${rings[0]}" or a ring after it: nothing would run a release promoted there. Nothing was written.`,
    fix: `Place ${service} on the clusters of "${rings[0]}" in the program first (deployTo), then promote.`,
  });
}

/**
 * CG620 when a reading of Argo CD (kept with a pending promotion) counts another number of
 * Applications of `service` in ring `before` than the program places on control planes Argo CD
 * reconciles: it was not made for this program, or was edited.
 */
function assertReadingFits(model: PlatformModel, service: string, before: string, applications: number): void {
  const flux = new Set(model.controlPlanes.filter((cp) => cp.reconciler?.kind === 'flux').map((cp) => cp.name));
  const argoCd = new Set(model.environments.filter((e) => !flux.has(e.controlPlane)).map((e) => e.name));
  const placed = model.targets.filter((t) => t.service === service && t.ring === before && argoCd.has(t.environment)).length;
  if (placed === applications) return;
  throw GitOpsError.of('CG620', {
    message: `The reading of Argo CD the promotion of ${service} carries counts ${applications} Application${applications === 1 ? '' : 's'} of it in "${before}", where the program places ${placed}: it was not made for this program, or was edited. Nothing was written.`,
    fix: `Drop the pending promotion (cdk8s-gitops publish --drop-pending) and promote again, where the CLI reaches the Argo CD of "${before}".`,
  });
}

/** `CG316`: the checkout was not written from the release model it holds; only the program can write it. */
function notAsSynthLeft(dir: string, kind: string): GitOpsError {
  return GitOpsError.of('CG316', {
    file: MANIFEST_PATH,
    message: `The checkout ${dir} is not as synth left it (its manifest does not record the release model it holds, or was edited): only the program can write its tree. Nothing was written.`,
    fix: `Run ${kind} with the program (--app, or app in cdk8s.yaml); or bring the checkout to the remote's state (git status, git pull) and run it again.`,
  });
}

/**
 * The change made in each of the rings a request names now, as one: the last ledger, and one
 * summary that names the rings together when they took the same release.
 */
function joinChanges(
  request: ReleaseRequest,
  ctx: ReleaseContext,
  changes: readonly { ring: string; change: LedgerChange }[],
): LedgerChange {
  if (changes.length === 1) return changes[0]!.change;
  const ledger = changes[changes.length - 1]!.change.ledger;
  const made = changes.filter((c) => c.change.changed);
  if (made.length === 0) return { ledger, changed: false, summary: changes.map((c) => c.change.summary).join('; ') };
  if (made.length === 1) return { ledger, changed: true, summary: made[0]!.change.summary };
  const states = made.map((c) => ledger.rings[c.ring]!);
  const first = states[0]!;
  const rings = made.map((c) => c.ring);
  const one = states.every((st) => sameRelease(st, first) && st.from === first.from);
  const summary = !one
    ? made.map((c) => c.change.summary).join('; ')
    : request.kind === 'promote'
      ? releaseSummary({
          kind: 'promote',
          service: ledger.service,
          rings,
          ...releaseOf(first),
          ...(first.from !== null ? { from: first.from } : {}),
          by: ctx.by,
          ...(first.approvedBy !== null ? { approvedBy: first.approvedBy } : {}),
        })
      : request.kind === 'rollback'
        ? releaseSummary({ kind: 'rollback', service: ledger.service, rings, ...releaseOf(first), by: ctx.by, reason: request.reason })
        : releaseSummary({ kind: 'unhold', service: ledger.service, rings, by: ctx.by });
  return { ledger, changed: true, summary };
}

/**
 * `{ imageNames }` of a service with named images (its releases name a digest per image), with
 * `tagOnlyImages` where its chart reads only a tag for some, else nothing.
 */
function imageNamesOf(service: ServiceModel): { imageNames?: readonly string[]; tagOnlyImages?: readonly string[] } {
  if (service.images === undefined) return {};
  const tagOnly = service.images.filter((i) => i.tagOnly === true).map((i) => i.name);
  return { imageNames: imageNames(service), ...(tagOnly.length === 0 ? {} : { tagOnlyImages: tagOnly }) };
}
