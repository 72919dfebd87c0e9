/**
 * The checks only the constructs can answer, run with the model rules on every snapshot: which
 * rings select a target, which platform a cluster belongs to, and values schemas, which run
 * the program's code.
 */
import { Problem, problem } from '../core/errors';
import { PlatformModel, TargetModel } from '../model/platform-model';
import { serviceReleaseValues, targetLayers } from '../model/target-values';
import { mergeValuesWithProvenance } from '../model/values';
import { Cluster } from './cluster';
import { Service } from './service';

/**
 * Targets in no ring (CG116) or in several (CG117), and rings that select no target (CG118):
 * which rings select a target is known only from the rings' selectors.
 *
 * @param targetRings the rings of each target, in the order of `model.targets`; targets that
 *   share an id (reported elsewhere) share the rings of the last of them
 */
export function problemsOfRingMembership(model: PlatformModel, targetRings: readonly (readonly string[])[], declared: boolean): Problem[] {
  if (!declared) return [];
  if (new Set(model.targets.map((t) => t.id)).size < model.targets.length) targetRings = lastByTargetId(model.targets, targetRings);
  const problems: Problem[] = [];
  model.targets.forEach((t, i) => {
    const rings = targetRings[i];
    if (rings.length === 0) {
      problems.push(
        problem('CG116', {
          constructPath: t.path,
          message: `Target ${t.id} is in no promotion ring.`,
          fix: `Select it in one ring, e.g. add Targets.environment(${t.environment}) to a ring's targets.`,
        }),
      );
    } else if (rings.length > 1) {
      problems.push(
        problem('CG117', {
          constructPath: t.path,
          message: `Target ${t.id} is in ${rings.length} promotion rings: ${rings.join(', ')}.`,
          fix: `Keep it in one ring: narrow the others with .except(...).`,
        }),
      );
    }
  });
  for (const r of model.rings) {
    if (r.targets.length === 0) {
      problems.push(
        problem('CG118', {
          constructPath: r.path,
          message: `Promotion ring "${r.name}" selects no target.`,
        }),
      );
    }
  }
  return problems;
}

/** Services placed on a cluster of another platform (CG119). */
export function problemsOfForeignClusters(services: readonly Service[], foreignClusters: ReadonlySet<Cluster>): Problem[] {
  if (foreignClusters.size === 0) return [];
  const problems: Problem[] = [];
  for (const s of services) {
    for (const { cluster } of s.placements) {
      if (foreignClusters.has(cluster)) {
        problems.push(
          problem('CG119', {
            constructPath: s.node.path,
            message: `Service "${s.name}" is placed on cluster ${cluster.node.path} of another platform.`,
          }),
        );
      }
    }
  }
  return problems;
}

/** A placeholder for the digest the ledger sets later, for checking values against a schema. */
const PLACEHOLDER_DIGEST = `sha256:${'0'.repeat(64)}`;
/** How many targets a schema problem lists before it counts the rest. */
const TARGETS_SHOWN = 3;

/** Values of a target that break its service's values schema (CG121): the schema is the program's code. */
export function problemsOfSchemas(model: PlatformModel, services: readonly Service[]): Problem[] {
  const problems: Problem[] = [];
  for (const service of services) {
    const schema = service.valuesSchema;
    if (!schema) continue;
    const found = new Map<string, { keyPath: string; rule: string; setBy?: string; targets: string[] }>();
    for (const t of model.targets) {
      if (t.service !== service.name) continue;
      const serviceModel = model.services.find((s) => s.name === service.name)!;
      const values = serviceReleaseValues(serviceModel, (image) =>
        image === undefined
          ? (service.initialDigest ?? PLACEHOLDER_DIGEST)
          : (service.images?.[image]?.initialDigest ?? PLACEHOLDER_DIGEST),
      );
      const release = { id: 'release', label: 'release ledger', values };
      const merged = mergeValuesWithProvenance([...targetLayers(model, t), release]);
      for (const v of schema.check(merged.values)) {
        const setBy = merged.provenance.get(v.keyPath.replace(/\[\d+\].*$/, ''));
        const key = `${v.keyPath}\u0000${v.rule}\u0000${setBy ?? ''}`;
        const entry = found.get(key) ?? { ...v, ...(setBy ? { setBy } : {}), targets: [] };
        entry.targets.push(t.id);
        found.set(key, entry);
      }
    }
    for (const f of found.values()) {
      const shown = f.targets.slice(0, TARGETS_SHOWN).join(', ');
      const more = f.targets.length > TARGETS_SHOWN ? ` and ${f.targets.length - TARGETS_SHOWN} more` : '';
      problems.push(
        problem('CG121', {
          constructPath: service.node.path,
          message: `Values of ${f.targets.length === 1 ? 'target' : 'targets'} ${shown}${more} break ${schema.source}: "${f.keyPath}" ${f.rule}${f.setBy ? `; it is set by ${f.setBy}` : ''}.`,
          fix: f.setBy
            ? `Change "${f.keyPath}" in the values of ${f.setBy}, or update the schema if the chart accepts it.`
            : `Set "${f.keyPath}" in the service's values, or update the schema if the chart accepts it.`,
        }),
      );
    }
  }
  return problems;
}

/** For each target, the value of the last target with its id. */
function lastByTargetId<T>(targets: readonly TargetModel[], values: readonly T[]): T[] {
  const byId = new Map(targets.map((t, i) => [t.id, values[i]]));
  return targets.map((t) => byId.get(t.id)!);
}
