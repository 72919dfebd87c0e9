/**
 * A target keeps running what it runs: a write made from the program (not a promotion or a
 * rollback) that would change the release of a target the ledger does not explain fails with
 * `CG144`, naming every Application. A target changes release only when its ring's entry in the
 * ledger changes; a target that joins another ring, or a ring that takes over the entry of
 * another (`movedFrom`), must find the release it runs there.
 *
 * @module
 */
import { applicationName } from '../constructs/name-checks';
import { GitOpsError, Problem } from '../errors';
import { readLedgerTexts, ringPolicies } from '../release/checkout';
import { shortDigest } from '../release/digest';
import { parseLedger } from '../release/ledger';
import { Ledger } from '../release/types';
import { contentHash, FileTree } from './file-tree';
import { Manifest, readManifest } from './manifest';
import { PlatformModel } from './model';
import type { WritePlan } from './writer';

/**
 * The ledgers of the checkout that are as cdk8s-gitops last wrote them (the manifest records
 * their hash), parsed without ring moves: what the targets' files were written from. A ledger
 * changed since (by hand, by a pull) is left out: its changes are what the write follows, and
 * the ring rules judge them.
 */
function ledgersAsWritten(model: PlatformModel, dir: string, recorded: Manifest): Map<string, Ledger> {
  const out = new Map<string, Ledger>();
  for (const [service, f] of readLedgerTexts(model, dir)) {
    if (f.initial || recorded.files.get(f.path)?.sha256 !== contentHash(f.text)) continue;
    try {
      out.set(service, parseLedger(f.text, f.path, { policies: ringPolicies(model) }));
    } catch {
      // A malformed ledger fails with its own error where it is read for the tree.
    }
  }
  return out;
}

/**
 * The problems (`CG144`) of the targets whose release writing `tree` (as `write` plans it)
 * would change without their ring's ledger entry changing: one per service, ring and pair of
 * releases.
 */
export function unexplainedReleaseChanges(model: PlatformModel, tree: FileTree, dir: string, write: WritePlan): Problem[] {
  const old = readManifest(dir);
  let ledgers: Map<string, Ledger> | undefined;
  const targets = new Map(model.targets.map((t) => [t.path, t]));
  const groups = new Map<string, { service: string; ring: string; from: string; to: string; apps: Set<string> }>();
  for (const p of write.writes.keys()) {
    const e = tree.get(p);
    const before = old.files.get(p)?.release;
    if (e?.release === undefined || e.service === undefined || before === undefined || before === e.release.version) continue;
    ledgers ??= ledgersAsWritten(model, dir, old);
    const ledger = ledgers.get(e.service);
    // A ledger changed since it was written explains the change; or the ring ran `before` and its
    // entry changes now: a promotion or a rollback of the ring.
    if (ledger === undefined || ledger.rings[e.release.ring]?.digest === before) continue;
    const key = [e.service, e.release.ring, before, e.release.version].join('\u0000');
    const group = groups.get(key) ?? { service: e.service, ring: e.release.ring, from: before, to: e.release.version, apps: new Set<string>() };
    const target = targets.get(e.origin);
    group.apps.add(target ? applicationName(target) : p);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => {
    const apps = [...g.apps].sort();
    const ring = model.rings.find((r) => r.name === g.ring);
    return {
      code: 'CG144',
      ...(ring ? { constructPath: ring.path } : {}),
      message: `The write would switch ${apps.length === 1 ? 'Application' : `${apps.length} Applications`} ${apps.join(', ')} from ${shortDigest(g.from)} to ${shortDigest(g.to)} ` +
        `without a promotion: the program puts ${apps.length === 1 ? 'its target' : 'their targets'} in ring "${g.ring}", which runs ${shortDigest(g.to)} of ${g.service} ` +
        `(a target moved to another ring, or a ring that takes over the entry of a ring ${apps.length === 1 ? 'it' : 'they'} did not run in). No ring's gates were checked for it.`,
      fix: `A target keeps what it runs: keep ${apps.length === 1 ? 'it' : 'them'} in ${apps.length === 1 ? 'its' : 'their'} ring; or first make both rings run one digest ` +
        `(promote ${shortDigest(g.to)} into the ring ${apps.length === 1 ? 'it leaves' : 'they leave'}, or roll "${g.ring}" back to ${shortDigest(g.from)}), then move ${apps.length === 1 ? 'it' : 'them'}. ` +
        'movedFrom names only a ring\'s own old names.',
    };
  });
}

/** Fails with `CG144` when the write changes the release of a target its ring's ledger entry does not explain. */
export function assertReleasesExplained(model: PlatformModel, tree: FileTree, dir: string, write: WritePlan): void {
  const problems = unexplainedReleaseChanges(model, tree, dir, write);
  if (problems.length > 0) throw new GitOpsError(problems, 'This write would change what targets run without a promotion; nothing was written:');
}
