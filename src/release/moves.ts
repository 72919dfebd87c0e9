/**
 * Ring moves and removals as a release ledger sees them: a ring renamed or split takes over
 * the entry of the ring it was (`movedFrom`), and a ledger entry of a ring the program neither
 * declares nor explains is refused, so that no target silently stops running what it runs.
 *
 * @module
 */
import { Problem, problem } from '../core/errors';
import { closeMatches, didYouMean } from '../core/suggest';
import { redactUrl } from '../model/names';
import type { PlatformModel } from '../model/platform-model';
import { describeHold, describeImages, describeRelease, Release, releaseOf, sameRelease } from './release';
import { Hold, Ledger, RingState } from './types';

/** The old ring names the program explains: moved from (to a declared ring) or removed. */
function explainedRings(model: PlatformModel): Set<string> {
  const out = new Set<string>();
  for (const r of model.rings) for (const old of r.movedFrom ?? []) out.add(old);
  for (const r of model.removals ?? []) if (r.kind === 'ring') out.add(r.name);
  return out;
}

/** What one declared ring takes over when the program's ring moves are applied to a ledger. */
interface TakeOver {
  /** The declared ring. */
  readonly ring: string;
  /** The rings whose entries it takes over, in the order they count: its own entry first, then its `movedFrom`. */
  readonly from: readonly string[];
  /** The entry it ends up with. */
  readonly entry: RingState;
  /** Releases of the first entry's history that another of the merged rings never ran (dropped). */
  readonly dropped: readonly Release[];
  /** The ring whose hold the merged ring keeps, when the first entry was not held. */
  readonly holdOf?: string;
}

/**
 * What each declared ring takes over. A ring without an entry of its own takes the entries of
 * the rings of its `movedFrom` that have one; a ring with one also takes those of the rings of its
 * `movedFrom` the program no longer declares. One entry (a rename, a ring of a split) is taken as
 * it is; several (a merge) become one ({@link mergeEntries}).
 */
function takeOvers(model: PlatformModel, ledger: Ledger): TakeOver[] {
  const declared = new Set(model.rings.map((r) => r.name));
  const out: TakeOver[] = [];
  for (const r of model.rings) {
    const own = Object.hasOwn(ledger.rings, r.name);
    const from = [
      ...(own ? [r.name] : []),
      ...(r.movedFrom ?? []).filter((old) => Object.hasOwn(ledger.rings, old) && !(own && declared.has(old))),
    ];
    if (from.length === 0 || (own && from.length === 1)) continue;
    out.push({ ring: r.name, from, ...mergeEntries(from.map((old) => [old, ledger.rings[old]!] as const)) });
  }
  return out;
}

/**
 * One entry from the entries of several rings merged into one (the first entry's release and
 * record). Its history keeps only releases every merged ring ran (as its release or in its
 * history), newest first: a rollback puts back only a release every target of the merged ring
 * ran. It is held when any merged entry is held (the newest hold), whatever their order.
 */
function mergeEntries(entries: readonly (readonly [string, RingState])[]): Pick<TakeOver, 'entry' | 'dropped' | 'holdOf'> {
  const [first, ...others] = entries.map(([, e]) => e);
  if (others.length === 0) return { entry: first!, dropped: [] };
  const ranIn = (e: RingState, r: Release): boolean => sameRelease(e, r) || e.previous.some((p) => sameRelease(p, r));
  const previous = first!.previous.filter((p) => others.every((e) => ranIn(e, p)));
  const dropped = first!.previous.filter((p) => !previous.includes(p)).map(releaseOf);
  const held = entries
    .filter(([, e]) => e.hold !== null)
    .sort(([, a], [, b]) => compareHolds(b.hold!, a.hold!))
    .map(([old]) => old);
  const holder = held[0] === undefined ? undefined : entries.find(([old]) => old === held[0])!;
  const hold = holder === undefined ? null : holder[1].hold;
  const holdOf = holder !== undefined && first!.hold === null ? holder[0] : undefined;
  return {
    entry: { ...first!, hold, previous },
    dropped,
    ...(holdOf === undefined ? {} : { holdOf }),
  };
}

/**
 * Orders holds by when they were set, then by who and why (code point order, whatever the
 * locale), so that the newest wins whatever the order of `movedFrom`.
 */
function compareHolds(a: Hold, b: Hold): number {
  const order = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return order(a.since, b.since) || order(a.by, b.by) || order(a.reason, b.reason);
}

/**
 * The ledger once the program's ring moves are applied: a declared ring takes over the entries
 * of the rings of its `movedFrom` (a rename or a split: the entry as it is, with its history and
 * hold; a merge of several: one entry whose history holds only releases every merged ring ran,
 * held when any of them is held); entries of rings the program no longer declares but explains
 * (moved from, or removed) are dropped. Returns `ledger` itself when nothing changes.
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
  for (const t of takeOvers(model, ledger)) {
    rings[t.ring] = t.entry;
    changed = true;
  }
  return changed ? { service: ledger.service, rings } : ledger;
}

/**
 * What applying the program's ring moves to `ledger` (read from `file`) drops or carries over
 * beyond renaming entries, as sentences for `plan`: a merged ring's history that not every merged
 * ring ran, the hold it keeps from one of them, and the hold of a ring removed (`Removal.ring`).
 */
export function ringMoveNotes(model: PlatformModel, ledger: Ledger, file: string): string[] {
  const notes: string[] = [];
  for (const t of takeOvers(model, ledger)) {
    if (t.from.length < 2) continue;
    const rings = t.from.map((r) => `"${r}"`).join(', ');
    const parts: string[] = [];
    if (t.holdOf !== undefined)
      parts.push(
        `it keeps the hold of "${t.holdOf}", ${describeHold(t.entry.hold!)}, until \`cdk8s-gitops unhold ${ledger.service} --ring ${t.ring}\``,
      );
    else if (t.entry.hold !== null) parts.push(`it stays held, ${describeHold(t.entry.hold)}`);
    if (t.dropped.length > 0)
      parts.push(
        `its history drops ${t.dropped.map((r) => describeRelease(r)).join(', ')}, which not every one of them ran (rollback puts back only a release all of its targets ran)`,
      );
    notes.push(`${file}: ring "${t.ring}" takes over ${rings} (a merge)${parts.length === 0 ? '.' : `: ${parts.join('; ')}.`}`);
  }
  for (const r of model.removals ?? []) {
    if (r.kind !== 'ring' || !Object.hasOwn(ledger.rings, r.name)) continue;
    const hold = ledger.rings[r.name]!.hold;
    if (hold !== null)
      notes.push(
        `${file}: ring "${r.name}" is removed (Removal.ring) while held, ${describeHold(hold)}: its hold and history are dropped with it.`,
      );
  }
  return notes;
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
    const elsewhere =
      model.ringsElsewhere !== undefined && Object.hasOwn(model.ringsElsewhere, name) ? model.ringsElsewhere[name] : undefined;
    if (elsewhere !== undefined) {
      problems.push(
        problem('CG209', {
          file,
          message:
            `${at === undefined ? file : `${file} as of ${at}`} records ring "${name}" (running ${describeImages(ledger.rings[name]!)}), which the program now places in another GitOps repository, ${redactUrl(elsewhere)} (its control planes read that repository): ` +
            `this repository's tree would lose the ring's targets, and Argo CD reading it would delete their Applications. A ring's releases do not move between repositories.`,
          fix:
            `A ring's releases stay with its repository (movedFrom does not carry them to another): give the rings of the moved control planes new names (the new repository's rings start afresh, by promotion) and declare platform.removed(Removal.ring('${name}')); ` +
            `write this repository without them (--allow-remove for their Applications) only once the other repository's Argo CD runs them.`,
        }),
      );
      continue;
    }
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
          `${where} records ring "${name}" (running ${describeImages(ledger.rings[name]!)}), which the program does not declare; ` +
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
