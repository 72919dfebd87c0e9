import { Cloud, Cluster, ControlPlane, Environment, Platform, Service } from '../../src';
import { snapshotPlatform } from '../../src/constructs/snapshot';
import { ledgerText } from '../../src/release/ledger-files';
import { treeFromLedgers } from '../../src/synth/build';
import { FileKind } from '../../src/synth/file-tree';
import { formatStatus, releaseOverview, spliceStatusSection, statusMarkdown, statusOf, STATUS_PATH } from '../../src/synth/status';
import { D1, D2, exampleModel, initialLedgers, ledgersAfterCanary, ledgersAfterRollback } from './example';

const model = exampleModel();

describe('statusOf', () => {
  test('the example before any promotion runs its initial digest in every ring', () => {
    // GIVEN the example and no ledger in the checkout
    // WHEN its status is taken
    const report = statusOf(model, initialLedgers(model));
    // THEN every ring, in program order, runs the initial digest
    expect(report.rings).toEqual(['nonprod', 'prod-canary', 'prod']);
    expect(report.services).toHaveLength(1);
    const [svc] = report.services;
    expect(svc.service).toBe('payments-api');
    expect(svc.ledger).toEqual({ path: 'releases/payments-api.yaml', fromInitialDigest: true });
    expect(svc.rings.map((r) => [r.ring, r.shortDigest, r.since, r.initial, r.by, r.applications.length])).toEqual([
      ['nonprod', 'sha256:2e8f1a31', '1970-01-01T00:00:00Z', true, 'initial', 4],
      ['prod-canary', 'sha256:2e8f1a31', '1970-01-01T00:00:00Z', true, 'initial', 1],
      ['prod', 'sha256:2e8f1a31', '1970-01-01T00:00:00Z', true, 'initial', 3],
    ]);
    expect(svc.rings[1].applications).toEqual(['payments-api-prod-azure-westeurope-01']);
  });

  test('records who moved what, from where, and the hold', () => {
    // GIVEN a promotion to nonprod and prod-canary, then a rollback of prod-canary
    // WHEN the status is taken
    const [svc] = statusOf(model, ledgersAfterRollback(model)).services;
    // THEN each ring says what it runs and how it got there
    expect(svc.ledger).toEqual({ path: 'releases/payments-api.yaml', fromInitialDigest: false });
    expect(svc.rings[0]).toEqual({
      ring: 'nonprod',
      declared: true,
      applications: [
        'payments-api-nonprod-aws-eu-central-1-01',
        'payments-api-nonprod-azure-westeurope-01',
        'payments-api-nonprod-gcp-europe-west4-01',
        'payments-api-nonprod-oci-eu-frankfurt-1-01',
      ],
      digest: D2,
      shortDigest: 'sha256:91ab5c0e',
      since: '2026-11-22T10:00:00Z',
      initial: false,
      by: 'ci',
      from: null,
      approvedBy: null,
      hold: null,
    });
    expect(svc.rings[1]).toMatchObject({
      ring: 'prod-canary',
      digest: D1,
      since: '2026-11-22T13:00:00Z',
      initial: false,
      by: 'bob',
      from: null,
      hold: { reason: 'p99 latency | doubled', since: '2026-11-22T13:00:00Z', by: 'bob' },
    });
    expect(svc.rings[2]).toMatchObject({ ring: 'prod', digest: D1, initial: true, hold: null });
  });

  test('lists one row per target, by ring order, with its values file', () => {
    // GIVEN the example after the rollback
    // WHEN the status is taken
    const report = statusOf(model, ledgersAfterRollback(model));
    // THEN targets come in ring order, each with its Application and values file
    expect(report.targets.map((t) => [t.application, t.ring, t.shortDigest])).toEqual([
      ['payments-api-nonprod-aws-eu-central-1-01', 'nonprod', 'sha256:91ab5c0e'],
      ['payments-api-nonprod-azure-westeurope-01', 'nonprod', 'sha256:91ab5c0e'],
      ['payments-api-nonprod-gcp-europe-west4-01', 'nonprod', 'sha256:91ab5c0e'],
      ['payments-api-nonprod-oci-eu-frankfurt-1-01', 'nonprod', 'sha256:91ab5c0e'],
      ['payments-api-prod-azure-westeurope-01', 'prod-canary', 'sha256:2e8f1a31'],
      ['payments-api-prod-aws-eu-central-1-01', 'prod', 'sha256:2e8f1a31'],
      ['payments-api-prod-gcp-europe-west4-01', 'prod', 'sha256:2e8f1a31'],
      ['payments-api-prod-oci-eu-frankfurt-1-01', 'prod', 'sha256:2e8f1a31'],
    ]);
    expect(report.targets[4]).toEqual({
      application: 'payments-api-prod-azure-westeurope-01',
      target: 'prod/azure/westeurope-01/payments-api',
      service: 'payments-api',
      environment: 'prod',
      cloud: 'azure',
      cluster: 'westeurope-01',
      ring: 'prod-canary',
      digest: D1,
      shortDigest: 'sha256:2e8f1a31',
      valuesFile: 'environments/prod/azure/westeurope-01/payments-api/values.yaml',
      emitted: true,
    });
  });

  test('a service without a ledger has no digest anywhere and no target in the tree', () => {
    // GIVEN a service without an initial digest, so without a ledger
    const small = smallModel();
    // WHEN the status is taken
    const report = statusOf(small, initialLedgers(small));
    // THEN its ring says — and its target is not emitted
    expect(report.services[0]).toEqual({
      service: 'orders-api',
      ledger: null,
      rings: [
        {
          ring: 'prod',
          declared: true,
          applications: ['orders-api-prod-aws-eu-01'],
          digest: null,
          shortDigest: null,
          since: null,
          initial: false,
          by: null,
          from: null,
          approvedBy: null,
          hold: null,
        },
      ],
    });
    expect(report.targets[0]).toMatchObject({ application: 'orders-api-prod-aws-eu-01', digest: null, emitted: false });
  });

  test('keeps a ring the ledger records but the program no longer declares, after the declared ones', () => {
    // GIVEN a ledger with a ring "legacy" the program does not declare
    const ledgers = ledgersAfterRollback(model);
    const file = ledgers.get('payments-api')!;
    const ledger = { ...file.ledger, rings: { legacy: file.ledger.rings.prod, ...file.ledger.rings } };
    ledgers.set('payments-api', { ...file, ledger, text: ledgerText(model, ledger) });
    // WHEN the status is taken
    const [svc] = statusOf(model, ledgers).services;
    // THEN it comes last, marked as not declared, with no targets
    expect(svc.rings.map((r) => [r.ring, r.declared, r.applications.length])).toEqual([
      ['nonprod', true, 4],
      ['prod-canary', true, 1],
      ['prod', true, 3],
      ['legacy', false, 0],
    ]);
  });
});

describe('formatStatus', () => {
  test('text: one table per service in ring order, with the hold and a legend', () => {
    // GIVEN the example after the rollback
    const report = statusOf(model, ledgersAfterRollback(model));
    // WHEN it is formatted as text
    const text = formatStatus(report, 'text');
    // THEN it is exactly this
    expect(text).toBe(
      [
        'Rings, in promotion order: nonprod → prod-canary → prod',
        '',
        'payments-api  (releases/payments-api.yaml)',
        '  RING         TARGETS  DIGEST           SINCE                 BY       FROM  APPROVED BY  HOLD',
        '  nonprod      4        sha256:91ab5c0e  2026-11-22T10:00:00Z  ci       —     —            —',
        '  prod-canary  1        sha256:2e8f1a31  2026-11-22T13:00:00Z  bob      —     —            HELD: p99 latency | doubled (by bob, 2026-11-22T13:00:00Z)',
        '  prod         3        sha256:2e8f1a31  initial               initial  —     —            —',
        '',
        "initial: the program's initialDigest; nothing was promoted into the ring since.",
        'Change what a ring runs with `cdk8s-gitops promote`, `rollback` and `unhold`.',
        '',
      ].join('\n'),
    );
  });

  test('text: a promoted ring names the ring it came from and who approved it', () => {
    // GIVEN the example after a promotion into prod-canary
    const report = statusOf(model, ledgersAfterCanary(model));
    // WHEN it is formatted as text
    const text = formatStatus(report, 'text');
    // THEN the prod-canary row says from nonprod, by alice, approved by carol
    expect(text).toContain('  prod-canary  1        sha256:91ab5c0e  2026-11-22T12:00:00Z  alice    nonprod  carol        —\n');
  });

  test('text: a ring with no digest says — and why', () => {
    // GIVEN a service without a ledger
    const small = smallModel();
    // WHEN its status is formatted
    const text = formatStatus(statusOf(small, initialLedgers(small)), 'text');
    // THEN the ring shows — and the legend explains it
    expect(text).toContain('orders-api  (no ledger yet: no initialDigest, nothing promoted)\n');
    expect(text).toContain('  prod  1        —       —      —   —     —            —\n');
    expect(text).toContain('— in DIGEST: nothing released to the ring yet; its targets are not emitted (no values file, no Application).');
    expect(formatStatus(statusOf(small, initialLedgers(small)), 'text', { targets: true })).toBe(
      ['APPLICATION                RING  DIGEST  VALUES FILE', 'orders-api-prod-aws-eu-01  prod  —       — (not emitted yet)', ''].join(
        '\n',
      ),
    );
  });

  test('text with targets: one row per target', () => {
    // GIVEN the example after the rollback
    const report = statusOf(model, ledgersAfterRollback(model));
    // WHEN it is formatted one row per target
    const lines = formatStatus(report, 'text', { targets: true }).split('\n');
    // THEN there is a header and a row per target
    expect(lines[0]).toBe('APPLICATION                                 RING         DIGEST           VALUES FILE');
    expect(lines[5]).toBe(
      'payments-api-prod-azure-westeurope-01       prod-canary  sha256:2e8f1a31  environments/prod/azure/westeurope-01/payments-api/values.yaml',
    );
    expect(lines).toHaveLength(10);
  });

  test('json holds the same view as plain data', () => {
    // GIVEN the example after the rollback
    const report = statusOf(model, ledgersAfterRollback(model));
    // WHEN it is formatted as JSON, per ring and per target
    const rings = JSON.parse(formatStatus(report, 'json'));
    const targets = JSON.parse(formatStatus(report, 'json', { targets: true }));
    // THEN it is the report's data
    expect(rings).toEqual({ rings: report.rings, services: report.services });
    expect(targets).toEqual({ targets: report.targets });
  });
});

describe('STATUS.md', () => {
  test('has the table and a flowchart of the rings with the hold marked', () => {
    // GIVEN the example after the rollback
    const report = statusOf(model, ledgersAfterRollback(model));
    // WHEN the status page is made
    const md = statusMarkdown(report);
    // THEN it says it is generated, how to change things, and shows table and flowchart
    expect(
      md.startsWith('# Release status\n\n> Generated by cdk8s-gitops from the release ledgers (`releases/`). Do not edit this file'),
    ).toBe(true);
    expect(md).toContain('> - `cdk8s-gitops promote <service> --ring <ring> --from <ring before>`');
    expect(md).toContain('> - `cdk8s-gitops rollback <service> --ring <ring> --previous --reason "…"`');
    expect(md).toContain(
      [
        '## payments-api',
        '',
        'Ledger: [`releases/payments-api.yaml`](releases/payments-api.yaml)',
        '',
        '| Ring | Targets | Digest | Since | By | From | Approved by | Hold |',
        '| --- | ---: | --- | --- | --- | --- | --- | --- |',
        '| nonprod | 4 | `sha256:91ab5c0e` | 2026-11-22T10:00:00Z | ci | — | — | — |',
        '| prod-canary | 1 | `sha256:2e8f1a31` | 2026-11-22T13:00:00Z | bob | — | — | **HELD**: p99 latency \\| doubled (by bob, 2026-11-22T13:00:00Z) |',
        '| prod | 3 | `sha256:2e8f1a31` | initial | initial | — | — | — |',
        '',
        '```mermaid',
        'flowchart LR',
        '  r0["nonprod<br/>sha256:91ab5c0e<br/>since 2026-11-22T10:00:00Z"]',
        '  r1["prod-canary<br/>sha256:2e8f1a31<br/>since 2026-11-22T13:00:00Z<br/>HOLD"]',
        '  r2["prod<br/>sha256:2e8f1a31<br/>initial"]',
        '  r0 --> r1',
        '  r1 --> r2',
        '  classDef held fill:#fde2e2,stroke:#c62828,stroke-width:2px',
        '  class r1 held',
        '```',
        '',
      ].join('\n'),
    );
  });

  test('is in the tree, at the root, as a status file made from the ledgers only', () => {
    // GIVEN the example and its ledgers
    const ledgers = ledgersAfterRollback(model);
    // WHEN the tree is built twice
    const tree = treeFromLedgers(model, ledgers);
    const again = treeFromLedgers(exampleModel(), ledgersAfterRollback(model));
    // THEN STATUS.md is in it, owned by the platform, with the same bytes both times
    expect(tree.get(STATUS_PATH)).toMatchObject({ kind: FileKind.STATUS, origin: 'platform' });
    expect(tree.content(STATUS_PATH)).toBe(statusMarkdown(statusOf(model, ledgers)));
    expect(again.content(STATUS_PATH)).toBe(tree.content(STATUS_PATH));
  });

  test('the whole tree of the example', () => {
    // GIVEN the example without ledgers
    // WHEN its tree is built
    const tree = treeFromLedgers(model, initialLedgers(model));
    // THEN it holds exactly these files
    expect(tree.paths()).toEqual([
      '.cdk8s-gitops/model/platform.json',
      '.cdk8s-gitops/model/services/payments-api.json',
      'STATUS.md',
      'applicationsets/nonprod/workloads-nonprod.yaml',
      'applicationsets/prod/workloads-prod.yaml',
      'bootstrap/nonprod.yaml',
      'bootstrap/prod.yaml',
      'environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml',
      'environments/nonprod/azure/westeurope-01/payments-api/values.yaml',
      'environments/nonprod/gcp/europe-west4-01/payments-api/values.yaml',
      'environments/nonprod/oci/eu-frankfurt-1-01/payments-api/values.yaml',
      'environments/prod/aws/eu-central-1-01/payments-api/values.yaml',
      'environments/prod/azure/westeurope-01/payments-api/values.yaml',
      'environments/prod/gcp/europe-west4-01/payments-api/values.yaml',
      'environments/prod/oci/eu-frankfurt-1-01/payments-api/values.yaml',
      'projects/nonprod.yaml',
      'projects/prod.yaml',
      'releases/payments-api.yaml',
    ]);
  });

  test('a service without a ledger gets a table of — and no flowchart digests', () => {
    // GIVEN a service without an initial digest
    const small = smallModel();
    // WHEN the status page is made
    const md = statusMarkdown(statusOf(small, initialLedgers(small)));
    // THEN it says there is no ledger yet and the ring shows —
    expect(md).toContain('No ledger yet: the service declares no initialDigest and nothing was promoted.');
    expect(md).toContain('| prod | 1 | — | — | — | — | — | — |');
    expect(md).toContain('  r0["prod<br/>— not released"]');
  });
});

/** One environment, one cluster, one service without an initial digest. */
function smallModel() {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
  new Cluster(prod, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
  new Service(platform, 'orders-api', { image: { repository: 'registry.example.com/orders-api' } }).deployTo(prod);
  return snapshotPlatform(platform);
}

describe('STATUS.md: one service section spliced into the page', () => {
  // GIVEN the example with a second service, orders, deployed where payments-api is
  const svc = model.services[0]!;
  const two = {
    ...model,
    services: [svc, { ...svc, name: 'orders', path: 'platform/orders' }],
    targets: [...model.targets, ...model.targets.map((t) => ({ ...t, service: 'orders', id: t.id.replace(/payments-api$/, 'orders') }))],
  };
  const names = two.services.map((s) => s.name);
  const before = initialLedgers(two);
  const page = statusMarkdown(releaseOverview(two, before));
  const only = (name: string) => ({ ...two, services: two.services.filter((s) => s.name === name) });

  test.each(['payments-api', 'orders'])('gives what the whole page gives after a change to the ledger of %s', (name) => {
    // WHEN one service's ledger changes and only its section is made again
    const after = new Map(before).set(name, { ...ledgersAfterCanary(model).get('payments-api')!, path: `releases/${name}.yaml` });
    const changed = { ...after.get(name)!, ledger: { ...after.get(name)!.ledger, service: name } };
    after.set(name, changed);
    const spliced = spliceStatusSection(page, releaseOverview(only(name), after), names);
    // THEN it is the page made from every service
    expect(spliced).toBe(statusMarkdown(releaseOverview(two, after)));
    expect(spliced).not.toBe(page);
  });

  test('fails (undefined) when the page is not split into the sections statusMarkdown writes', () => {
    const report = releaseOverview(only('orders'), before);
    expect(spliceStatusSection(page.replace('\n## payments-api\n', '\n## payment-api\n'), report, names)).toBeUndefined();
    expect(spliceStatusSection(page.replace('# Release status', '# Status'), report, names)).toBeUndefined();
    expect(spliceStatusSection(page, report, ['orders', 'payments-api'])).toBeUndefined();
  });
});
