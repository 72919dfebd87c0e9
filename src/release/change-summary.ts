import { applicationName } from '../model/placement';
import { PlatformModel, TargetModel } from '../model/platform-model';
import { LedgerFile } from './ledger-files';
import { serializeLedger } from './ledger';
import { Ledger } from './types';
import { releaseImages } from './release';

/** Which services, rings and targets a set of changed files touches. */
export interface ChangeSummary {
  readonly services: readonly string[];
  readonly rings: readonly string[];
  /** Digests the touched rings now run; `<image>=<digest>` for a service with named images. */
  readonly digests: readonly string[];
  /** Chart revisions the touched rings now run, for charts promoted with the image. */
  readonly charts: readonly string[];
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
  const rings = new Set<string>();
  const pairs = new Set<string>();
  const applications: string[] = [];
  const otherFiles: string[] = [];
  for (const f of files) {
    const t = targetOf(f);
    if (t) {
      services.add(t.service);
      rings.add(t.ring);
      pairs.add(`${t.service}\u0000${t.ring}`);
      if (!seen.has(t.id)) applications.push(applicationName(t));
      seen.add(t.id);
      continue;
    }
    const owner = ledgerOwner.get(f);
    if (owner) {
      services.add(owner);
      const now = ledgers.get(owner)!.ledger;
      const was = before.get(owner);
      for (const ring of new Set([...Object.keys(now.rings), ...Object.keys(was?.rings ?? {})])) {
        if (ringText(now, ring) !== (was && ringText(was, ring))) rings.add(ring);
      }
    }
    otherFiles.push(f);
  }
  const digests = new Set<string>();
  const charts = new Set<string>();
  for (const pair of pairs) {
    const [service, ring] = pair.split('\u0000');
    const state = ledgers.get(service)?.ledger.rings[ring];
    // A service with named images: one `<image>=<digest>` per image.
    for (const [image, version] of state === undefined ? [] : releaseImages(state)) {
      if (version) digests.add(image === undefined ? version : `${image}=${version}`);
    }
    if (state?.chart) charts.add(state.chart);
  }
  return {
    services: [...services].sort(),
    rings: model.rings.map((r) => r.name).filter((r) => rings.has(r)),
    digests: [...digests].sort(),
    charts: [...charts].sort(),
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
