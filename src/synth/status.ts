/**
 * What runs where, and how it got there: per service and ring, the digest the release ledger
 * records, since when, by whom and from which ring, and any hold; per target, its Application
 * and values file. Plain data built from the model and the ledgers only (no clock, no Git, no
 * cluster), so the same input always gives the same report.
 */
import { applicationName } from '../model/placement';
import { INITIAL_SINCE, LedgerFile } from '../release/ledger-files';
import { shortDigest } from '../model/versions';
import { formatTimestamp } from '../core/timestamp';
import { Hold, RingState } from '../release/types';
import { PlatformModel, ServiceModel, TargetModel } from '../model/platform-model';
import { RingChart, ringChart } from '../model/source-kinds';
import { describeImages, releaseVersion, shortChart, sortedImages } from '../release/release';
import { RELEASE_FILE } from './sources';
import { valuesFile } from '../model/placement';

/** Repository-relative path of the status page the synthesizer writes. */
export { STATUS_PATH } from './file-tree';

/** The `since` of a program's initial digest, as the ledger records it. */
const INITIAL_SINCE_TEXT = formatTimestamp(INITIAL_SINCE);

/** What one ring of one service runs. */
export interface RingStatus {
  /** Name of the ring. */
  readonly ring: string;
  /** False for a ring the ledger still records but the program no longer declares. */
  readonly declared: boolean;
  /** Applications of this service in this ring, sorted. */
  readonly applications: readonly string[];
  /**
   * Digest (or tag) the ring runs; for a service with named images, all of them as
   * `api=sha256:…,worker=sha256:…`; `null` when nothing is released to it yet.
   */
  readonly digest: string | null;
  /**
   * `sha256:` and the first 8 hex characters; tags as they are; for named images
   * `api sha256:2e8f1a31, worker sha256:9c0d4b7e`.
   */
  readonly shortDigest: string | null;
  /**
   * The digest of each named image, for a service with named images.
   * @default - absent for a service with one image, and for a ring that runs nothing yet
   */
  readonly images?: Readonly<Record<string, string>>;
  /**
   * The chart revision the ring reads, for a service whose chart is promoted with the image
   * (`pinned: false`: its release records none, so it reads the program's).
   * @default - absent for any other service, and for a ring that runs nothing yet
   */
  readonly chart?: RingChart;
  /** When the digest entered the ring, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly since: string | null;
  /** True when the ring runs the program's initial digest and nothing was promoted since. */
  readonly initial: boolean;
  /** Who put the digest there; `null` when nothing is released to the ring yet. */
  readonly by: string | null;
  /** The ring it was promoted from; `null` for the first ring, an initial digest or a rollback. */
  readonly from: string | null;
  /** Who approved the promotion; `null` when nobody was named. */
  readonly approvedBy: string | null;
  /** The hold on the ring; `null` when it is not held. */
  readonly hold: Hold | null;
}

/** The rings of one service, in the program's ring order. */
export interface ServiceStatus {
  /** Name of the service. */
  readonly service: string;
  /** The team that owns it. @default - none: the platform has no teams */
  readonly team?: string;
  /** The ledger file; `null` when the service has none (no initial digest, nothing promoted). */
  readonly ledger: {
    /** Repository-relative path, e.g. `releases/payments-api.yaml`. */
    readonly path: string;
    /** True when the file does not exist yet and the ledger comes from the service's `initialDigest`. */
    readonly fromInitialDigest: boolean;
  } | null;
  /** Declared rings in the program's order, then rings only the ledger still records. */
  readonly rings: readonly RingStatus[];
}

/** One target: its Application, what it runs and where its values are. */
export interface TargetStatus {
  /** Name of the Application, `<service>-<env>-<cloud>-<cluster>`. */
  readonly application: string;
  /** `<environment>/<cloud>/<cluster>/<service>`. */
  readonly target: string;
  /** Name of the service. */
  readonly service: string;
  /** The team that owns the service. @default - none: the platform has no teams */
  readonly team?: string;
  /** Name of the environment. */
  readonly environment: string;
  /** Name of the cloud. */
  readonly cloud: string;
  /** Name of the cluster. */
  readonly cluster: string;
  /** Name of the promotion ring the target belongs to. */
  readonly ring: string;
  /** Digest (or tag) its ring runs (named images as `api=sha256:…,worker=sha256:…`); `null` when nothing is released to the ring yet. */
  readonly digest: string | null;
  /** `sha256:` and the first 8 hex characters (tags as they are; named images `api sha256:2e8f1a31, …`); `null` with `digest`. */
  readonly shortDigest: string | null;
  /** Where its values file is (or will be, once its ring runs a digest). */
  readonly valuesFile: string;
  /** Whether the target is in the tree: its ring runs something, so Argo CD has an Application. */
  readonly emitted: boolean;
}

/** Release status of a whole platform. */
export interface StatusReport {
  /** Ring names in the program's order. */
  readonly rings: readonly string[];
  /** Services in declaration order. */
  readonly services: readonly ServiceStatus[];
  /** Targets by service, ring order, then Application name. */
  readonly targets: readonly TargetStatus[];
}

/** Output formats of {@link formatStatus}. */
export type StatusFormat = 'text' | 'json';

/** Options of {@link formatStatus}. */
export interface FormatStatusOptions {
  /**
   * One row per target instead of one per service and ring.
   * @default false
   */
  readonly targets?: boolean;
}

/**
 * The release status of every service and target, from the model and the ledgers.
 *
 * @example
 * const report = statusOf(model, readLedgers(model, '../platform-gitops'));
 * report.services[0].rings.map((r) => `${r.ring}: ${r.shortDigest ?? '—'}`);
 */
export function statusOf(model: PlatformModel, ledgers: ReadonlyMap<string, LedgerFile>): StatusReport {
  return { ...releaseOverview(model, ledgers), targets: targetStatuses(model, ledgers) };
}

/** The rings and the services of {@link statusOf}, without a row per target: what `STATUS.md` shows. */
export function releaseOverview(model: PlatformModel, ledgers: ReadonlyMap<string, LedgerFile>): Pick<StatusReport, 'rings' | 'services'> {
  const ringOrder = model.rings.map((r) => r.name);
  const ringIndex = new Map(ringOrder.map((name, i) => [name, i]));
  // Application names by service, then ring.
  const applicationsOf = new Map<string, Map<string, string[]>>();
  for (const t of model.targets) {
    let rings = applicationsOf.get(t.service);
    if (rings === undefined) applicationsOf.set(t.service, (rings = new Map()));
    const names = rings.get(t.ring);
    if (names) names.push(applicationName(t));
    else rings.set(t.ring, [applicationName(t)]);
  }
  const services = model.services.map((s): ServiceStatus => {
    const file = ledgers.get(s.name);
    const recorded = file?.ledger.rings ?? {};
    const undeclared = Object.keys(recorded).filter((r) => !ringIndex.has(r));
    const rings = [...ringOrder, ...undeclared].map((ring): RingStatus => {
      const state = recorded[ring];
      const applications = [...(applicationsOf.get(s.name)?.get(ring) ?? [])].sort();
      return {
        ring,
        declared: ringIndex.has(ring),
        applications,
        digest: state ? releaseVersion(state) : null,
        shortDigest: state ? describeImages(state) : null,
        ...(state?.images === undefined ? {} : { images: sortedImages(state.images) }),
        ...chartOf(s, state),
        since: state?.since ?? null,
        initial: state !== undefined && isInitialRelease(state),
        by: state?.by ?? null,
        from: state?.from ?? null,
        approvedBy: state?.approvedBy ?? null,
        hold: state?.hold ?? null,
      };
    });
    return {
      service: s.name,
      ...(s.team === undefined ? {} : { team: s.team }),
      ledger: file ? { path: file.path, fromInitialDigest: file.initial } : null,
      rings,
    };
  });

  return { rings: ringOrder, services };
}

/** The targets of {@link statusOf}: by service, ring order, then Application name. */
function targetStatuses(model: PlatformModel, ledgers: ReadonlyMap<string, LedgerFile>): TargetStatus[] {
  const ringOrder = model.rings.map((r) => r.name);
  const ringIndex = new Map(ringOrder.map((name, i) => [name, i]));
  const order = new Map(model.services.map((s, i) => [s.name, i]));
  const teamOf = new Map(model.services.map((s) => [s.name, s.team]));
  const rank = (t: TargetModel): number => ringIndex.get(t.ring) ?? ringOrder.length;
  return model.targets
    .map((t) => ({ t, application: applicationName(t) }))
    .sort((a, b) => order.get(a.t.service)! - order.get(b.t.service)! || rank(a.t) - rank(b.t) || compare(a.application, b.application))
    .map(({ t, application }): TargetStatus => {
      const state = ledgers.get(t.service)?.ledger.rings[t.ring];
      const digest = state === undefined ? null : releaseVersion(state);
      return {
        application,
        target: t.id,
        service: t.service,
        ...(teamOf.get(t.service) === undefined ? {} : { team: teamOf.get(t.service) }),
        environment: t.environment,
        cloud: t.cloud,
        cluster: t.cluster,
        ring: t.ring,
        digest,
        shortDigest: state === undefined ? null : describeImages(state),
        valuesFile: valuesFile(model, t),
        emitted: digest !== null,
      };
    });
}

/**
 * The rings that read an unpinned chart, per service whose chart is promoted with the image:
 * their release records no chart revision, so they read the program's, which can move without
 * a promotion. One line each, for `plan` to say.
 */
export function unpinnedChartNotes(report: Pick<StatusReport, 'services'>, model?: PlatformModel): string[] {
  const out: string[] = [];
  for (const s of report.services) {
    const rings = s.rings.filter((r) => r.chart?.pinned === false);
    if (rings.length === 0) continue;
    const names = rings.map((r) => `"${r.ring}"`).join(', ');
    const base = model?.services.find((x) => x.name === s.service)?.source.kind === 'kustomize';
    const what = base ? 'Kustomize base' : 'chart';
    out.push(
      `${s.service} promotes its ${what} with the image, but ${rings.length === 1 ? 'ring' : 'rings'} ${names} ${rings.length === 1 ? 'records' : 'record'} ` +
        `no ${what} revision yet: ${rings.length === 1 ? 'it reads' : 'they read'} the ${what} unpinned, at ${rings[0]!.chart!.revision}. ` +
        `Pin it from the first ring on: \`cdk8s-gitops promote ${s.service} --ring ${s.rings[0]!.ring} --chart-revision <commit SHA>\`${base ? '' : ' (--chart-version for a Helm or OCI chart)'}, then \`--from\` ring by ring.`,
    );
  }
  return out;
}

/**
 * The releases a write brings into production without a promotion there approved by the platform
 * team: a team's service whose new Applications in a production environment start with what their
 * ring's ledger entry runs (a ring that selects production's clusters only now keeps the release a
 * team promoted while it did not). The change is the platform team's to approve (CODEOWNERS owns
 * production's files), and these lines say what that approval takes in. One line per service
 * and ring.
 *
 * @param created the names of the Applications the write creates
 */
export function productionEntryNotes(model: PlatformModel, ledgers: ReadonlyMap<string, LedgerFile>, created: readonly string[]): string[] {
  const platformTeam = model.teams?.find((t) => t.platform === true);
  if (platformTeam === undefined) return [];
  const production = new Set(model.environments.filter((e) => e.production === true).map((e) => e.name));
  const teamOf = new Map(model.services.map((s) => [s.name, s.team]));
  const targets = new Map(
    model.targets
      .filter((t) => production.has(t.environment) && teamOf.get(t.service) !== undefined && teamOf.get(t.service) !== platformTeam.name)
      .map((t) => [applicationName(t), t]),
  );
  const approvers = new Set(platformTeam.approvers ?? []);
  const counts = new Map<string, { service: string; ring: string; count: number }>();
  for (const name of created) {
    const t = targets.get(name);
    if (t === undefined) continue;
    const key = `${t.service}\n${t.ring}`;
    const entry = counts.get(key) ?? { service: t.service, ring: t.ring, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  const out: string[] = [];
  for (const { service, ring, count } of counts.values()) {
    const state = ledgers.get(service)?.ledger.rings[ring];
    if (state === undefined || (state.approvedBy !== null && approvers.has(state.approvedBy))) continue;
    const origin = isInitialRelease(state)
      ? "the program's initial release"
      : `promoted there by ${state.by} at ${state.since}${state.approvedBy === null ? '' : `, approved by ${state.approvedBy}`}`;
    out.push(
      `${service} (team ${teamOf.get(service)}) starts ${count} Application${count === 1 ? '' : 's'} in production with what ring "${ring}" runs, ` +
        `${describeImages(state)}${state.chart === undefined ? '' : ` (chart ${shortChart(state.chart)})`}, ${origin}, which no approver of the platform team (${platformTeam.name}) approved: ` +
        'approving this change brings that release into production.',
    );
  }
  return out;
}

/**
 * The rings whose release files a write creates while their release records a chart revision
 * (a service that promoted its chart before, stopped, and promotes it again): they go back to
 * that revision, which they did not read in between. One line per service, for `plan` to say.
 *
 * @param created the paths of the files the write creates
 */
export function resumedChartNotes(model: PlatformModel, ledgers: ReadonlyMap<string, LedgerFile>, created: readonly string[]): string[] {
  const byFile = new Map(model.targets.map((t) => [`${model.layout.environments}/${t.id}/${RELEASE_FILE}`, t]));
  const made = new Set(created);
  const rings = new Map<string, Map<string, string>>();
  for (const p of created) {
    const t = byFile.get(p);
    // A target new to the tree read nothing before: only one that was there goes back.
    if (t !== undefined && made.has(`${model.layout.environments}/${t.id}/values.yaml`)) continue;
    const chart = t === undefined ? undefined : ledgers.get(t.service)?.ledger.rings[t.ring]?.chart;
    if (t === undefined || chart === undefined) continue;
    const service = model.services.find((s) => s.name === t.service);
    if (service === undefined || ringChart(service, chart) === undefined) continue;
    const of = rings.get(t.service) ?? new Map<string, string>();
    of.set(t.ring, chart);
    rings.set(t.service, of);
  }
  return [...rings].map(
    ([service, of]) =>
      `${service}'s release files are written again, and its ${of.size === 1 ? 'ring' : 'rings'} ${[...of].map(([r, c]) => `"${r}" (${shortChart(c)})`).join(', ')} ` +
      `${of.size === 1 ? 'goes' : 'go'} back to the chart revision ${of.size === 1 ? 'its release records' : 'their releases record'}, which ${of.size === 1 ? 'it' : 'they'} did not read while the chart was not promoted. ` +
      `Promote the revision each should run (--chart-revision / --chart-version) if that is not it.`,
  );
}

/** `{ chart }` for a ring of a service whose chart is promoted with the image, else nothing. */
function chartOf(service: ServiceModel, state: RingState | undefined): { chart?: RingChart } {
  const chart = state === undefined ? undefined : ringChart(service, state.chart);
  return chart === undefined ? {} : { chart };
}

/** Whether a ring runs the program's initial digest, untouched by any promotion or rollback. */
export function isInitialRelease(state: RingState): boolean {
  return state.since === INITIAL_SINCE_TEXT && state.from === null && state.previous.length === 0;
}

/**
 * The report as text for people (a table per service, or one row per target) or as JSON.
 * JSON holds the same view: `{ services }`, or `{ targets }` with `targets: true`.
 */
export function formatStatus(report: StatusReport, format: StatusFormat, options: FormatStatusOptions = {}): string {
  if (format === 'json') {
    const view = options.targets ? { targets: report.targets } : { rings: report.rings, services: report.services };
    return `${JSON.stringify(view, null, 2)}\n`;
  }
  return options.targets ? targetsText(report) : servicesText(report);
}

const NONE = '—';

function servicesText(report: StatusReport): string {
  const out: string[] = [];
  if (report.rings.length > 0) out.push(`Rings, in promotion order: ${report.rings.join(' → ')}`, '');
  for (const s of report.services) {
    out.push(`${s.service}  ${s.team === undefined ? '' : `team ${s.team}  `}${ledgerNote(s)}`);
    const charts = s.rings.some((r) => r.chart !== undefined);
    const images = imagesOf(s);
    const rows = s.rings.map((r) => [
      r.declared ? r.ring : `${r.ring} (not declared)`,
      String(r.applications.length),
      ...(images === undefined ? [r.shortDigest ?? NONE] : imageCells(r, images)),
      ...(charts ? [chartText(r)] : []),
      sinceText(r),
      r.by ?? NONE,
      r.from ?? NONE,
      r.approvedBy ?? NONE,
      r.hold ? `HELD: ${r.hold.reason} (by ${r.hold.by}, ${r.hold.since})` : NONE,
    ]);
    const digests = images === undefined ? ['DIGEST'] : images.map((i) => `${i.toUpperCase()} DIGEST`);
    const head = ['RING', 'TARGETS', ...digests, ...(charts ? ['CHART'] : []), 'SINCE', 'BY', 'FROM', 'APPROVED BY', 'HOLD'];
    out.push(...table(head, rows).map((l) => `  ${l}`), '');
  }
  const rings = report.services.flatMap((s) => s.rings);
  if (rings.some((r) => r.chart?.pinned === false))
    out.push(
      "unpinned in CHART: the ring's release records no chart revision, so it reads the program's, which can move without a promotion; promote one with --chart-revision or --chart-version.",
    );
  if (rings.some((r) => r.initial)) out.push("initial: the program's initialDigest; nothing was promoted into the ring since.");
  if (rings.some((r) => r.digest === null))
    out.push(`${NONE} in DIGEST: nothing released to the ring yet; its targets are not emitted (no values file, no Application).`);
  if (report.services.some((s) => imagesOf(s) !== undefined))
    out.push('<IMAGE> DIGEST: a service with named images runs a digest per image; a release moves all of them together.');
  out.push('Change what a ring runs with `cdk8s-gitops promote`, `rollback` and `unhold`.');
  return `${out.join('\n')}\n`;
}

function targetsText(report: StatusReport): string {
  const teams = report.targets.some((t) => t.team !== undefined);
  const rows = report.targets.map((t) => [
    t.application,
    ...(teams ? [t.team ?? NONE] : []),
    t.ring || NONE,
    t.shortDigest ?? NONE,
    t.emitted ? t.valuesFile : `${NONE} (not emitted yet)`,
  ]);
  const out = table(['APPLICATION', ...(teams ? ['TEAM'] : []), 'RING', 'DIGEST', 'VALUES FILE'], rows);
  if (report.targets.length === 0) out.push('The program declares no targets.');
  return `${out.join('\n')}\n`;
}

/**
 * The names of a service's images when its rings run named images (from what they run), sorted;
 * undefined for a service with one image.
 */
function imagesOf(s: ServiceStatus): string[] | undefined {
  const names = new Set(s.rings.flatMap((r) => Object.keys(r.images ?? {})));
  return names.size === 0 ? undefined : [...names].sort(compare);
}

/** The short digest one named image runs in a ring. */
function imageText(r: RingStatus, image: string): string {
  const version = r.images?.[image];
  return version === undefined ? NONE : shortDigest(version);
}

/**
 * A ring's cells of the image columns `images`: the digest of each; for a ring that still runs a
 * digest of one image (held at it while the program names its images, CG214), that digest in the
 * first column, marked as such.
 */
function imageCells(r: RingStatus, images: readonly string[]): string[] {
  if (r.images === undefined && r.shortDigest !== null) return images.map((_, i) => (i === 0 ? `${r.shortDigest} (one image)` : NONE));
  return images.map((i) => imageText(r, i));
}

function ledgerNote(s: ServiceStatus): string {
  if (!s.ledger) return '(no ledger yet: no initialDigest, nothing promoted)';
  return s.ledger.fromInitialDigest ? `(${s.ledger.path} not written yet: initialDigest)` : `(${s.ledger.path})`;
}

/** The chart revision a ring reads, for a chart promoted with the image: `v1.4.2`, or `main (unpinned)`. */
function chartText(r: RingStatus): string {
  if (r.chart === undefined) return NONE;
  return r.chart.pinned ? shortChart(r.chart.revision) : `${r.chart.revision} (unpinned)`;
}

function sinceText(r: RingStatus): string {
  if (r.since === null) return NONE;
  return r.initial ? 'initial' : r.since;
}

/** Rows padded into columns two spaces apart; the last column is not padded. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i].length), h.length));
  return [head, ...rows].map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The status page written at the repository root: the same table in Markdown and, per
 * service, a Mermaid flowchart of its rings (GitLab and GitHub render both). Made from the
 * report only, so it changes exactly when a ledger or the program's rings change.
 */
export function statusMarkdown(report: Pick<StatusReport, 'rings' | 'services'>): string {
  const out: string[] = [
    '# Release status',
    '',
    '> Generated by cdk8s-gitops from the release ledgers (`releases/`). Do not edit this file: the next',
    '> synth rewrites it. To change what a ring runs:',
    '>',
    '> - `cdk8s-gitops promote <service> --ring <ring> --from <ring before>` (the first ring takes `--digest sha256:…`)',
    '> - `cdk8s-gitops rollback <service> --ring <ring> --previous --reason "…"` puts the previous digest back and holds the ring',
    '> - `cdk8s-gitops unhold <service> --ring <ring>` lifts the hold',
    '>',
    "> `cdk8s-gitops explain <application>` shows where a target's values come from.",
  ];
  if (report.rings.length > 0) out.push('', `Rings, in promotion order: ${report.rings.map((r) => `\`${r}\``).join(' → ')}.`);
  for (const s of report.services) {
    out.push('', `## ${s.service}`, '');
    out.push(
      s.ledger
        ? `Ledger: [\`${s.ledger.path}\`](${s.ledger.path})`
        : 'No ledger yet: the service declares no initialDigest and nothing was promoted.',
    );
    // A chart column only for a service whose chart is promoted with the image: other pages keep their bytes.
    const charts = s.rings.some((r) => r.chart !== undefined);
    // A column per image only for a service with named images: other pages keep their bytes.
    const images = imagesOf(s);
    const digestHead = images === undefined ? ' Digest |' : images.map((i) => ` \`${md(i)}\` digest |`).join('');
    out.push(
      '',
      `| Ring | Targets |${digestHead}${charts ? ' Chart |' : ''} Since | By | From | Approved by | Hold |`,
      `| --- | ---: |${' --- |'.repeat(images?.length ?? 1)}${charts ? ' --- |' : ''} --- | --- | --- | --- | --- |`,
    );
    for (const r of s.rings) {
      out.push(
        `| ${[
          r.declared ? md(r.ring) : `${md(r.ring)} (not declared)`,
          String(r.applications.length),
          ...(images === undefined
            ? [r.shortDigest ? `\`${md(r.shortDigest)}\`` : NONE]
            : imageCells(r, images).map((c) => (c === NONE ? NONE : `\`${md(c)}\``))),
          ...(charts
            ? [
                r.chart === undefined
                  ? NONE
                  : r.chart.pinned
                    ? `\`${md(shortChart(r.chart.revision))}\``
                    : `${md(r.chart.revision)} (unpinned)`,
              ]
            : []),
          sinceText(r),
          r.by ? md(r.by) : NONE,
          r.from ? md(r.from) : NONE,
          r.approvedBy ? md(r.approvedBy) : NONE,
          r.hold ? `**HELD**: ${md(r.hold.reason)} (by ${md(r.hold.by)}, ${r.hold.since})` : NONE,
        ].join(' | ')} |`,
      );
    }
    const rings = s.rings.filter((r) => r.declared);
    if (rings.length === 0) continue;
    out.push('', '```mermaid', 'flowchart LR');
    rings.forEach((r, i) => {
      const lines = [
        r.ring,
        ...(r.images === undefined
          ? [r.shortDigest ?? `${NONE} not released`]
          : Object.keys(r.images).map((i) => `${i} ${imageText(r, i)}`)),
        ...(r.chart ? [`chart ${r.chart.pinned ? shortChart(r.chart.revision) : `${r.chart.revision} (unpinned)`}`] : []),
        ...(r.since ? [r.initial ? 'initial' : `since ${r.since}`] : []),
        ...(r.hold ? ['HOLD'] : []),
      ];
      out.push(`  r${i}["${lines.map(mermaid).join('<br/>')}"]`);
    });
    for (let i = 1; i < rings.length; i++) out.push(`  r${i - 1} --> r${i}`);
    const held = rings.map((r, i) => (r.hold ? `r${i}` : undefined)).filter((id): id is string => id !== undefined);
    if (held.length > 0) out.push('  classDef held fill:#fde2e2,stroke:#c62828,stroke-width:2px', `  class ${held.join(',')} held`);
    out.push('```');
  }
  return `${out.join('\n')}\n`;
}

/** Text safe inside a Markdown table cell. */
function md(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

/** Text safe inside a quoted Mermaid label. */
function mermaid(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/**
 * The status page `page` (as {@link statusMarkdown} wrote it for every service of the platform)
 * with the section of the one service of `report` made again from `report`: what
 * `statusMarkdown` of the whole platform gives when only that service's ledger changed, without
 * the other services' ledgers and targets. Undefined when `page` cannot be split into the
 * sections `statusMarkdown` writes: its head (up to the first section) differs from the one
 * `report` makes, or its sections are not those of `services` (every service's name, in order).
 */
export function spliceStatusSection(
  page: string,
  report: Pick<StatusReport, 'rings' | 'services'>,
  services: readonly string[],
): string | undefined {
  if (report.services.length !== 1) return undefined;
  const name = report.services[0]!.service;
  const rendered = statusMarkdown(report);
  const heading = `\n## ${name}\n`;
  const at = rendered.indexOf(heading);
  // A section runs from its heading's line to the blank line before the next heading (or the end).
  const headings = page
    .split('\n')
    .filter((l) => l.startsWith('## '))
    .map((l) => l.slice(3));
  if (headings.join('\n') !== services.join('\n')) return undefined;
  const start = page.indexOf(heading);
  const head = page.indexOf('\n## ');
  if (at === -1 || start === -1 || page.slice(0, head) !== rendered.slice(0, at)) return undefined;
  const next = page.indexOf('\n\n## ', start + 1);
  const end = next === -1 ? page.length : next + 1;
  return `${page.slice(0, start)}${rendered.slice(at)}${page.slice(end)}`;
}
