import { Cloud, Cluster, Environment, Platform, PromotionRing, Removal, Service, Targets, Workload } from '../../src';
import { applyRingMoves, undeclaredRingProblems } from '../../src/release/moves';
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

  test('returns the same ledger when nothing moves', () => {
    const ledger: Ledger = { service: 'api', rings: { prod: STATE(D1) } };
    expect(applyRingMoves(model([{ name: 'prod' }]), ledger)).toBe(ledger);
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
