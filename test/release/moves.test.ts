import { Cloud, Cluster, Environment, Platform, PromotionRing, Removal, Service, Targets, Workload } from '../../src';
import { applyRingMoves, ringMoveNotes, undeclaredRingProblems } from '../../src/release/moves';
import { Ledger, RingState } from '../../src/release/types';
import { PlatformModel } from '../../src/model/platform-model';

const STATE = (digest: string): RingState => ({
  digest,
  since: '2026-11-22T10:00:00Z',
  by: 'ci',
  from: null,
  approvedBy: null,
  hold: null,
  previous: [],
});
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;
const D4 = `sha256:${'4'.repeat(64)}`;
const HOLD = { reason: 'D1 corrupts payments', since: '2026-11-22T14:00:00Z', by: 'bob' };

/**
 * A canary ring that ran D4, was rolled back from it to D1 and unheld, and a prod ring that never
 * ran D4 (D1 since it was promoted, over D2 and D3), held after a rollback of its own.
 */
const CANARY: RingState = {
  ...STATE(D1),
  since: '2026-11-22T14:00:00Z',
  by: 'bob',
  previous: [
    { digest: D4, since: '2026-11-22T12:00:00Z', by: 'mallory' },
    { digest: D2, since: '2026-11-21T10:00:00Z', by: 'alice' },
    { digest: D3, since: '2026-11-20T10:00:00Z', by: 'alice' },
  ],
};
const PROD: RingState = {
  ...STATE(D1),
  since: '2026-11-22T13:00:00Z',
  by: 'alice',
  from: 'canary',
  approvedBy: 'bob',
  hold: HOLD,
  previous: [
    { digest: D3, since: '2026-11-20T12:00:00Z', by: 'alice' },
    { digest: D2, since: '2026-11-19T12:00:00Z', by: 'alice' },
  ],
};

/** A model with the rings given (only names, moves and removals matter here). */
function model(rings: { name: string; movedFrom?: string[] }[], removals: PlatformModel['removals'] = []): PlatformModel {
  return {
    rings: rings.map((r) => ({ ...r, path: `platform/rings/${r.name}`, gates: { soakSeconds: 0, requireApproval: false }, targets: [] })),
    removals,
  } as unknown as PlatformModel;
}

describe('applyRingMoves', () => {
  test('renames the entry of a ring declared with movedFrom, keeping its state', () => {
    // GIVEN a ledger with prod, and a program whose production moved from prod
    const ledger: Ledger = {
      service: 'api',
      rings: { nonprod: STATE(D2), prod: { ...STATE(D1), previous: [{ digest: D2, since: '2026-11-21T10:00:00Z', by: 'bob' }] } },
    };
    // WHEN the moves are applied
    const moved = applyRingMoves(model([{ name: 'nonprod' }, { name: 'production', movedFrom: ['prod'] }]), ledger);
    // THEN production has prod's state, and prod is gone
    expect(moved.rings).toEqual({ nonprod: STATE(D2), production: ledger.rings.prod });
  });

  test("gives both rings of a split the old ring's state, and keeps an entry a ring already has", () => {
    const ledger: Ledger = { service: 'api', rings: { prod: STATE(D1), 'prod-b': STATE(D2) } };
    const moved = applyRingMoves(
      model([
        { name: 'prod-a', movedFrom: ['prod'] },
        { name: 'prod-b', movedFrom: ['prod'] },
      ]),
      ledger,
    );
    expect(moved.rings).toEqual({ 'prod-a': STATE(D1), 'prod-b': STATE(D2) });
  });

  test('keeps the old entry when the old ring is still declared, and drops the entry of a removed ring', () => {
    const ledger: Ledger = { service: 'api', rings: { prod: STATE(D1), qa: STATE(D2) } };
    const moved = applyRingMoves(
      model([{ name: 'prod' }, { name: 'prod-eu', movedFrom: ['prod'] }], [{ kind: 'ring', name: 'qa' }]),
      ledger,
    );
    expect(moved.rings).toEqual({ prod: STATE(D1), 'prod-eu': STATE(D1) });
  });

  test('merges two rings into one whose history holds only releases both ran, newest first, and keeps the hold, in either order', () => {
    // GIVEN canary ran D4 (rolled back from), prod never did and is held
    const ledger: Ledger = { service: 'api', rings: { canary: CANARY, prod: PROD } };
    // WHEN production is declared moved from both, in either order
    const canaryFirst = applyRingMoves(model([{ name: 'production', movedFrom: ['canary', 'prod'] }]), ledger);
    const prodFirst = applyRingMoves(model([{ name: 'production', movedFrom: ['prod', 'canary'] }]), ledger);
    // THEN the merged ring takes the first entry's release and record, without D4 in its history, and prod's hold
    expect(canaryFirst.rings).toEqual({ production: { ...CANARY, hold: HOLD, previous: [CANARY.previous[1], CANARY.previous[2]] } });
    expect(prodFirst.rings).toEqual({ production: PROD });
  });

  test('merges the entry of a ring the program no longer declares into a ring that keeps its own entry', () => {
    // GIVEN prod is held; canary, which now takes over prod's targets, is not
    const ledger: Ledger = { service: 'api', rings: { canary: CANARY, prod: PROD } };
    // WHEN canary declares it moved from prod
    const moved = applyRingMoves(model([{ name: 'canary', movedFrom: ['prod'] }]), ledger);
    // THEN canary keeps its own release but is held, and its history holds only what prod ran too
    expect(moved.rings).toEqual({ canary: { ...CANARY, hold: HOLD, previous: [CANARY.previous[1], CANARY.previous[2]] } });
  });

  test('keeps the newest hold when several merged rings are held, whatever their order', () => {
    const older = { reason: 'older', since: '2026-11-22T11:00:00Z', by: 'carol' };
    const ledger: Ledger = { service: 'api', rings: { canary: { ...CANARY, hold: older }, prod: PROD } };
    for (const movedFrom of [
      ['canary', 'prod'],
      ['prod', 'canary'],
    ]) {
      expect(applyRingMoves(model([{ name: 'production', movedFrom }]), ledger).rings.production!.hold).toEqual(HOLD);
    }
  });

  test('returns the same ledger when nothing moves', () => {
    const ledger: Ledger = { service: 'api', rings: { prod: STATE(D1) } };
    expect(applyRingMoves(model([{ name: 'prod' }]), ledger)).toBe(ledger);
  });
});

describe('ringMoveNotes', () => {
  test('names the hold a merged ring keeps and the history it drops', () => {
    const ledger: Ledger = { service: 'api', rings: { canary: CANARY, prod: PROD } };
    expect(ringMoveNotes(model([{ name: 'production', movedFrom: ['canary', 'prod'] }]), ledger, 'releases/api.yaml')).toEqual([
      'releases/api.yaml: ring "production" takes over "canary", "prod" (a merge): it keeps the hold of "prod", "D1 corrupts payments" (set 2026-11-22T14:00:00Z by bob), ' +
        'until `cdk8s-gitops unhold api --ring production`; its history drops sha256:44444444, which not every one of them ran (rollback puts back only a release all of its targets ran).',
    ]);
  });

  test('names the hold of a ring removed while held, and says nothing of a rename', () => {
    const ledger: Ledger = { service: 'api', rings: { canary: CANARY, prod: PROD } };
    expect(ringMoveNotes(model([{ name: 'canary' }], [{ kind: 'ring', name: 'prod' }]), ledger, 'releases/api.yaml')).toEqual([
      'releases/api.yaml: ring "prod" is removed (Removal.ring) while held, "D1 corrupts payments" (set 2026-11-22T14:00:00Z by bob): its hold and history are dropped with it.',
    ]);
    expect(ringMoveNotes(model([{ name: 'canary' }, { name: 'production', movedFrom: ['prod'] }]), ledger, 'releases/api.yaml')).toEqual(
      [],
    );
  });
});

describe('undeclaredRingProblems', () => {
  test('fails when a ledger records a ring the program does not declare, suggesting the ring without an entry', () => {
    const ledger: Ledger = { service: 'api', rings: { nonprod: STATE(D1), prod: STATE(D1) } };
    const [p, ...rest] = undeclaredRingProblems(model([{ name: 'nonprod' }, { name: 'production' }]), ledger, 'releases/api.yaml');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'CG209', file: 'releases/api.yaml' });
    expect(p.message).toContain(
      'releases/api.yaml records ring "prod" (running sha256:11111111), which the program does not declare; the program declares "nonprod", "production".',
    );
    expect(p.message).toContain('Did you mean "production"?');
    expect(p.fix).toContain("new PromotionRing(platform, 'production', { …, movedFrom: ['prod'] })");
    expect(p.fix).toContain("platform.removed(Removal.ring('prod'))");
  });

  test('accepts an entry a move or a removal explains', () => {
    const ledger: Ledger = { service: 'api', rings: { prod: STATE(D1), qa: STATE(D1) } };
    expect(
      undeclaredRingProblems(
        model([{ name: 'production', movedFrom: ['prod'] }], [{ kind: 'ring', name: 'qa' }]),
        ledger,
        'releases/api.yaml',
      ),
    ).toEqual([]);
  });
});

describe('program declarations', () => {
  function platformWith(f: (p: Platform, env: Environment) => void): () => PlatformModel {
    const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });
    const env = new Environment(platform, 'prod');
    f(platform, env);
    return () => platform.snapshot();
  }

  test('records movedFrom and removals in the model', () => {
    const m = platformWith((p, env) => {
      new Cluster(env, 'westeurope-01', { cloud: new Cloud(p, 'azure'), region: 'westeurope' });
      new Service(p, 'api', {
        workload: Workload.helmChart({ repoURL: 'https://git.example.com/apps/api.git' }),
        image: { repository: 'registry.example.com/api' },
      }).deployTo(env);
      new PromotionRing(p, 'production', { targets: Targets.environment(env), movedFrom: ['prod'] });
      p.removed(Removal.service('legacy-api'), Removal.cluster('prod/aws/eu-central-1-01'));
    })();
    expect(m.rings[0].movedFrom).toEqual(['prod']);
    expect(m.removals).toEqual([
      { kind: 'service', name: 'legacy-api' },
      { kind: 'cluster', name: 'prod/aws/eu-central-1-01' },
    ]);
  });

  test('fails when movedFrom names the ring itself, a bad name or one ring twice (CG142)', () => {
    const snapshot = platformWith((p, env) => {
      new PromotionRing(p, 'production', { targets: Targets.environment(env), movedFrom: ['production', 'Prod', 'old', 'old'] });
    });
    expect(snapshot).toThrow(
      /CG142 Ring "production" declares movedFrom "production", which names no ring it can take over: it is the ring's own name\./,
    );
    expect(snapshot).toThrow(/CG142 Ring "production" declares movedFrom "Prod"/);
    expect(snapshot).toThrow(
      /CG142 Ring "production" declares movedFrom "old", which names no ring it can take over: it is listed twice\./,
    );
  });

  test('fails when a removal names nothing usable or something still declared (CG143)', () => {
    const snapshot = platformWith((p) => {
      p.removed(Removal.cluster('prod/aws'), Removal.application('Bad Name'), Removal.environment('prod'));
    });
    expect(snapshot).toThrow(/CG143 Removal.cluster\("prod\/aws"\) names nothing usable: it is not <environment>\/<cloud>\/<cluster>\./);
    expect(snapshot).toThrow(/CG143 Removal.application\("Bad Name"\) names nothing usable/);
    expect(snapshot).toThrow(/CG143 Removal.environment\("prod"\) removes an environment the program still declares\./);
  });
});
