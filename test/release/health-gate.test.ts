/**
 * The release rules of a ring with a health gate (`requireHealthy`): a promotion needs a reading
 * of the ring before's Argo CD, and its soak counts from when that reading says the ring became
 * Synced and Healthy, never from earlier than the release's arrival.
 */
import { GitOpsError } from '../../src/core/errors';
import { promote, PromoteOptions, UpstreamHealth } from '../../src/release/rules';
import { Ledger, RingSpec, RingState } from '../../src/release/types';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const RINGS: RingSpec[] = [
  { name: 'canary', gates: {} },
  { name: 'prod', gates: { soakSeconds: 3600, requireHealthy: true } },
];
const T0 = new Date('2026-11-22T10:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

const state = (digest: string, since: string): RingState => ({
  digest,
  since,
  by: 'ci',
  from: null,
  approvedBy: null,
  hold: null,
  previous: [],
});
/** The canary runs D2 since T0 (its arrival), prod runs D1. */
const LEDGER: Ledger = { service: 'web', rings: { canary: state(D2, '2026-11-22T10:00:00Z'), prod: state(D1, '2026-11-21T10:00:00Z') } };

function promoteAt(minutes: number, upstreamHealthy?: UpstreamHealth, rings = RINGS): ReturnType<typeof promote> {
  const options: PromoteOptions = {
    ring: 'prod',
    fromRing: 'canary',
    by: 'alice',
    now: at(minutes),
    upstreamArrival: { at: T0, inGit: true },
    ...(upstreamHealthy === undefined ? {} : { upstreamHealthy }),
  };
  return promote(LEDGER, rings, options);
}

function codes(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof GitOpsError) return e.problems.map((p) => `${p.code} ${p.message}`);
    throw e;
  }
  return [];
}

describe('a ring with a health gate', () => {
  test('without a reading, the promotion is refused (CG620), and a soak not over from the arrival is said too', () => {
    expect(codes(() => promoteAt(90))).toEqual([
      expect.stringMatching(
        /^CG620 Ring "prod" takes a release only once every Application of web in "canary" runs it Synced and Healthy \(Gate\.healthy\), and no reading of Argo CD was given/,
      ),
    ]);
    expect(codes(() => promoteAt(30)).map((c) => c.slice(0, 5))).toEqual(['CG620', 'CG602']);
  });

  test('the soak counts from when the ring became Synced and Healthy, when that is after the arrival', () => {
    const reading = { applications: 2, since: '2026-11-22T10:45:00Z' };
    expect(codes(() => promoteAt(90, reading))).toEqual([
      expect.stringContaining(
        'has run there 45m (since 2026-11-22T10:45:00Z, when Argo CD reports the last of its Applications there became Synced and Healthy at it), 15m remain.',
      ),
    ]);
    expect(promoteAt(105, reading).ledger.rings.prod!.digest).toBe(D2);
  });

  test('a reading earlier than the arrival does not shorten the soak', () => {
    const reading = { applications: 1, since: '2026-11-22T08:00:00Z' };
    expect(codes(() => promoteAt(30, reading))).toEqual([
      expect.stringContaining('(since 2026-11-22T10:00:00Z, the commit that recorded it)'),
    ]);
    expect(promoteAt(60, reading).changed).toBe(true);
  });

  test('no time in the reading refuses a soak; a ring without a soak takes it', () => {
    expect(codes(() => promoteAt(600, { applications: 1, since: null }))).toEqual([
      expect.stringContaining('but Argo CD reports no time since which they are'),
    ]);
    const noSoak: RingSpec[] = [RINGS[0]!, { name: 'prod', gates: { requireHealthy: true } }];
    expect(promoteAt(1, { applications: 1, since: null }, noSoak).changed).toBe(true);
  });

  test('a ring before without Applications of the service: the soak counts from the arrival', () => {
    expect(codes(() => promoteAt(30, { applications: 0, since: null }))).toEqual([expect.stringContaining('CG602')]);
    expect(promoteAt(60, { applications: 0, since: null }).changed).toBe(true);
  });

  test('a reading that is not one is refused', () => {
    expect(codes(() => promoteAt(600, { applications: 1, since: 'yesterday' }))).toEqual([
      expect.stringContaining('CG620 The reading of Argo CD given for "canary" is not one: its time "yesterday" is not a date.'),
    ]);
    expect(codes(() => promoteAt(600, { applications: -1, since: null }))).toEqual([
      expect.stringContaining('its count of Applications is not a whole number'),
    ]);
  });
});
