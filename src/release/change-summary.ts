import { applicationName } from '../model/placement';
import { PlatformModel, TargetModel } from '../model/platform-model';
import { LedgerFile } from './ledger-files';
import { serializeLedger } from './ledger';
import { Ledger } from './types';
import { releaseImages } from './release';
import { getOrSet } from '../core/maps';

/** The rings of one service a change touches that run one release: what its commit records as a release. */
export interface ChangedRelease {
  readonly service: string;
  /** In the program's ring order; none when the change touches the service's ledger but no ring of it. */
  readonly rings: readonly string[];
  /**
   * The digests these rings now run, where the change touches a target of theirs; `<image>=<digest>`
   * for a service with named images. None for a change to the ledger alone (an unhold).
   */
  readonly digests: readonly string[];
  /**
   * The chart revision these rings now run, for a chart promoted with the image.
   * @default - none recorded
   */
  readonly chart?: string;
}

/** Which services, rings and targets a set of changed files touches. */
export interface ChangeSummary {
  readonly services: readonly string[];
  readonly rings: readonly string[];
  /**
   * What the change does to each service: its touched rings grouped by the release they run,
   * by service, then by the first ring of each group in the program's order.
   */
  readonly releases: readonly ChangedRelease[];
  /** Applications whose files (values, rendered objects, namespace baseline) changed. */
  readonly applications: readonly string[];
  /** Other generated files that changed (ApplicationSets, AppProjects, bootstrap, ledgers). */
  readonly otherFiles: readonly string[];
}

/**
 * Works out what the changed files of a tree mean, for commit messages and trailers. A file in
 * a target's directory touches that target's Application and ring; a ring is also touched when
 * its entry in a changed ledger differs from the same entry in `before` (an unhold changes no
 * values file).
 *
 * @param before the ledgers as they were before the change, by service @default - none
 */
export function summarizeChange(
  model: PlatformModel,
  files: readonly string[],
  ledgers: ReadonlyMap<string, LedgerFile>,
  before: ReadonlyMap<string, Ledger> = new Map(),
): ChangeSummary {
  const byDir = new Map(model.targets.map((t) => [`${model.layout.environments}/${t.id}`, t]));
  const targetOf = (f: string): TargetModel | undefined => {
    for (let i = f.lastIndexOf('/'); i > 0; i = f.lastIndexOf('/', i - 1)) {
      const t = byDir.get(f.slice(0, i));
      if (t) return t;
    }
    return undefined;
  };
  const seen = new Set<string>();
  const ledgerOwner = new Map([...ledgers.values()].map((l) => [l.path, l.ledger.service]));
  const services = new Set<string>();
  // The rings each service touches, and those of them where a target's files changed.
  const ringsOf = new Map<string, Set<string>>();
  const pairs = new Set<string>();
  const applications: string[] = [];
  const otherFiles: string[] = [];
  for (const f of files) {
    const t = targetOf(f);
    if (t) {
      services.add(t.service);
      getOrSet(ringsOf, t.service, () => new Set()).add(t.ring);
      pairs.add(`${t.service}\u0000${t.ring}`);
      if (!seen.has(t.id)) applications.push(applicationName(t));
      seen.add(t.id);
      continue;
    }
    const owner = ledgerOwner.get(f);
    if (owner) {
      services.add(owner);
      const touched = getOrSet(ringsOf, owner, () => new Set());
      const now = ledgers.get(owner)!.ledger;
      const was = before.get(owner);
      for (const ring of new Set([...Object.keys(now.rings), ...Object.keys(was?.rings ?? {})])) {
        if (ringText(now, ring) !== (was && ringText(was, ring))) touched.add(ring);
      }
    }
    otherFiles.push(f);
  }
  const order = model.rings.map((r) => r.name);
  const releases: ChangedRelease[] = [];
  for (const service of [...services].sort()) {
    const groups = new Map<string, { rings: string[]; digests: string[]; chart?: string }>();
    for (const ring of order.filter((r) => ringsOf.get(service)?.has(r))) {
      // What a ring whose target changed runs now; a ledger change alone records no release.
      const state = pairs.has(`${service}\u0000${ring}`) ? ledgers.get(service)?.ledger.rings[ring] : undefined;
      // A service with named images: one `<image>=<digest>` per image.
      const digests = (state === undefined ? [] : releaseImages(state))
        .filter(([, version]) => version)
        .map(([image, version]) => (image === undefined ? version : `${image}=${version}`))
        .sort();
      const release = { digests, ...(state?.chart ? { chart: state.chart } : {}) };
      getOrSet(groups, JSON.stringify(release), () => ({ ...release, rings: [] })).rings.push(ring);
    }
    if (groups.size === 0) releases.push({ service, rings: [], digests: [] });
    for (const group of groups.values()) releases.push({ service, ...group });
  }
  return {
    services: [...services].sort(),
    rings: order.filter((r) => [...ringsOf.values()].some((touched) => touched.has(r))),
    releases,
    applications: applications.sort(),
    otherFiles: otherFiles.sort(),
  };
}

/** A ring's entry in a ledger as written, or undefined when the ledger has none. */
function ringText(ledger: Ledger, ring: string): string | undefined {
  const state = Object.hasOwn(ledger.rings, ring) ? ledger.rings[ring] : undefined;
  return state && serializeLedger({ service: ledger.service, rings: { [ring]: state } }, [ring]);
}

/** The body of a commit message: what changed, for which rings and targets. */
export function describeChange(s: ChangeSummary): string {
  const lines: string[] = [];
  if (s.services.length) lines.push(`Services: ${s.services.join(', ')}`);
  if (s.rings.length) lines.push(`Rings: ${s.rings.join(', ')}`);
  if (s.applications.length) {
    lines.push(`Applications (${s.applications.length}):`);
    const shown = s.applications.slice(0, 40);
    lines.push(...shown.map((a) => `  - ${a}`));
    if (shown.length < s.applications.length) lines.push(`  … and ${s.applications.length - shown.length} more`);
  }
  if (s.otherFiles.length) {
    // A heading git does not read as a trailer: a body of only `Key: value` lines would be
    // taken for the trailer block, and the trailers appended to it.
    lines.push(`Files (${s.otherFiles.length}):`);
    lines.push(...s.otherFiles.slice(0, 40).map((f) => `  - ${f}`));
    if (s.otherFiles.length > 40) lines.push(`  … and ${s.otherFiles.length - 40} more`);
  }
  return lines.join('\n');
}
