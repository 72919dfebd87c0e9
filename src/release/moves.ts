/**
 * Ring moves and removals as a release ledger sees them: a ring renamed or split takes over
 * the entry of the ring it was (`movedFrom`), and a ledger entry of a ring the program neither
 * declares nor explains is refused, so that no target silently stops running what it runs.
 *
 * @module
 */
import { Problem, problem } from '../core/errors';
import { closeMatches, didYouMean } from '../core/suggest';
import type { PlatformModel } from '../model/platform-model';
import { shortDigest } from '../model/versions';
import { Ledger, RingState } from './types';

/** The old ring names the program explains: moved from (to a declared ring) or removed. */
function explainedRings(model: PlatformModel): Set<string> {
  const out = new Set<string>();
  for (const r of model.rings) for (const old of r.movedFrom ?? []) out.add(old);
  for (const r of model.removals ?? []) if (r.kind === 'ring') out.add(r.name);
  return out;
}

/**
 * The ledger once the program's ring moves and removals are applied: a declared ring without
 * an entry takes the entry of the first ring of its `movedFrom` that has one (digest, history
 * and hold); entries of rings the program no longer declares but explains (moved from, or
 * removed) are dropped. Returns `ledger` itself when nothing changes.
 */
export function applyRingMoves(model: PlatformModel, ledger: Ledger): Ledger {
  const declared = new Set(model.rings.map((r) => r.name));
  const explained = explainedRings(model);
  if (explained.size === 0) return ledger;
  const rings: Record<string, RingState> = {};
  let changed = false;
  for (const [name, state] of Object.entries(ledger.rings)) {
    if (!declared.has(name) && explained.has(name)) changed = true;
    else rings[name] = state;
  }
  for (const r of model.rings) {
    if (Object.hasOwn(ledger.rings, r.name)) continue;
    const from = (r.movedFrom ?? []).find((old) => Object.hasOwn(ledger.rings, old));
    if (from === undefined) continue;
    rings[r.name] = ledger.rings[from]!;
    changed = true;
  }
  return changed ? { service: ledger.service, rings } : ledger;
}

/** A ring as its place in the ring order and its moves see it. */
export interface MovedRing {
  readonly name: string;
  readonly movedFrom?: readonly string[];
}

/**
 * The rings that took over the ring `old`, in ring order: the ring still named `old` (a split
 * that keeps the name) and each ring whose `movedFrom` names it. More than one: `old` was split.
 */
export function ringsTakingOver(rings: readonly MovedRing[], old: string): string[] {
  return rings.filter((r) => r.name === old || (r.movedFrom ?? []).includes(old)).map((r) => r.name);
}

/**
 * The ring order of the day before a split, as `ring` sees it: `ring`, one of the rings `split`
 * that took over one old ring, stands where the first of them stands, and the others are left
 * out. A release made into the old ring is judged in this order in each ring of the split: the
 * ring before it is the ring before the old ring.
 */
export function orderBeforeSplit<T extends MovedRing>(rings: readonly T[], split: readonly string[], ring: string): T[] {
  const first = rings.findIndex((r) => split.includes(r.name));
  const self = rings.find((r) => r.name === ring);
  if (first < 0 || self === undefined) return [...rings];
  return rings.flatMap((r, i) => (i === first ? [self] : split.includes(r.name) ? [] : [r]));
}

/**
 * The entries of a ledger (read from `file`) for rings the program neither declares nor
 * explains by a move or a removal (CG209), each with a did-you-mean and the declaration that
 * fixes it. `at` names the commit the ledger was read from, when not the checkout.
 */
export function undeclaredRingProblems(model: PlatformModel, ledger: Ledger, file: string, at?: string): Problem[] {
  const declared = model.rings.map((r) => r.name);
  const explained = explainedRings(model);
  const problems: Problem[] = [];
  for (const name of Object.keys(ledger.rings)) {
    if (declared.includes(name) || explained.has(name)) continue;
    // A ring renamed is most likely one the ledger has no entry for yet.
    const empty = declared.filter((r) => !Object.hasOwn(ledger.rings, r));
    const likely = closeMatches(name, empty)[0] ?? (empty.length === 1 ? empty[0] : undefined) ?? closeMatches(name, declared)[0];
    const hint = likely !== undefined ? ` Did you mean "${likely}"?` : didYouMean(name, declared);
    const target = likely ?? '<new ring>';
    // A ring renamed again keeps every name it had: the new name is added to what it moves from.
    const movedFrom = [...(model.rings.find((r) => r.name === likely)?.movedFrom ?? []), name].map((r) => `'${r}'`).join(', ');
    const where = at === undefined ? file : `${file} as of ${at}`;
    problems.push(
      problem('CG209', {
        file,
        message:
          `${where} records ring "${name}" (running ${shortDigest(ledger.rings[name]!.digest)}), which the program does not declare; ` +
          `the program declares ${declared.map((r) => `"${r}"`).join(', ') || 'no rings'}. Its targets would run nothing and Argo CD would delete their Applications.${hint}`,
        fix:
          `If "${name}" was renamed or split, declare it on the new ring: new PromotionRing(platform, '${target}', { …, movedFrom: [${movedFrom}] }). ` +
          `If it was removed, declare platform.removed(Removal.ring('${name}')). If "${name}" is a typo in the ledger, correct it` +
          (at === undefined
            ? '. If another clone published the rename already, pull it first (git pull).'
            : ` in a commit of its own (or git revert the commit that made it): the ledger as of ${at} is what the ring rules judge a change by.`),
      }),
    );
  }
  return problems;
}
