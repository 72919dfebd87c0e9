import * as fs from 'fs';
import * as path from 'path';
import { readLedgers } from '../../src/workspace/ledgers';
import { treeFromLedgers } from '../../src/synth/build';
import { buildTree } from '../../src/workspace/build';
import { checkCheckout, Finding, FINDING_CODES, FindingKind } from '../../src/workspace/check';
import { errorEntry } from '../../src/core/error-catalogue';
import { PlatformModel } from '../../src/model/platform-model';
import { writeTree } from '../../src/workspace/checkout/writer';
import { TRANSACTION_DIR } from '../../src/workspace/checkout/transaction-dir';
import { contentHash } from '../../src/synth/file-tree';
import { recordInManifest } from '../support/manifest';
import { addLedgerApi, exampleModel, readFile, removeCheckout, SEED_DIGEST, synthesizedCheckout, writeFile } from './example-checkout';

const VALUES = 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml';
const OTHER_DIGEST = `sha256:${'b'.repeat(64)}`;

/** What `cdk8s-gitops check` finds: the program's model against the checkout `dir`. */
function check(model: PlatformModel, dir: string): Finding[] {
  const ledgers = readLedgers(model, dir);
  return checkCheckout(model, treeFromLedgers(model, ledgers), ledgers, dir);
}

describe('checkCheckout', () => {
  const model = exampleModel();
  let dir: string;

  beforeEach(() => {
    dir = synthesizedCheckout(model);
  });

  afterEach(() => removeCheckout(dir));

  test('finds nothing in a checkout the program just synthesized', () => {
    // GIVEN a checkout synthesized from the example
    // WHEN it is checked against the same program
    // THEN it is clean
    expect(check(model, dir)).toEqual([]);
  });

  test('finds an owned file edited by hand', () => {
    // GIVEN an owned values file with a key added by hand
    fs.appendFileSync(path.join(dir, VALUES), 'debug: true\n');
    // WHEN the checkout is checked
    // THEN the file is reported as edited, with the fix
    expect(check(model, dir)).toEqual([
      {
        kind: FindingKind.EDITED,
        code: 'CG413',
        path: VALUES,
        message: `${VALUES} was edited by hand.`,
        fix: 'Make the change in the program (or with promote/rollback) and run `cdk8s-gitops synth --verify`, or revert the edit.',
        // the hand edit, from what cdk8s-gitops writes
        diff: [
          `--- a/${VALUES}`,
          `+++ b/${VALUES}`,
          '@@ -33,3 +33,4 @@',
          '   limits:',
          '     cpu: "1"',
          '     memory: "2Gi"',
          '+debug: true',
          '',
        ].join('\n'),
      },
    ]);
  });

  test('finds an owned file deleted by hand, and the Application it takes away', () => {
    // GIVEN an owned values file deleted by hand
    fs.rmSync(path.join(dir, VALUES));
    // WHEN the checkout is checked
    // THEN the file is missing, and its Application would not be generated
    expect(check(model, dir)).toEqual([
      {
        kind: FindingKind.MISSING_APPLICATION,
        code: 'CG417',
        path: 'applicationsets/prod/workloads-prod.yaml',
        message: 'Application payments-api-prod-aws-eu-central-1-01 is declared but the checkout would not generate it.',
        fix: 'Run `cdk8s-gitops synth` and commit the result.',
      },
      {
        kind: FindingKind.MISSING,
        code: 'CG414',
        path: VALUES,
        message: `${VALUES} is owned by cdk8s-gitops but missing.`,
        fix: 'Run `cdk8s-gitops synth` to restore it.',
      },
    ]);
  });

  test('finds nothing once synth has restored a deleted owned file, as its fix says', () => {
    // GIVEN an owned values file deleted by hand
    const text = readFile(dir, VALUES);
    fs.rmSync(path.join(dir, VALUES));
    // WHEN synth runs, then check
    writeTree(buildTree(model, dir), dir);
    // THEN the file is back as it was and the checkout is clean
    expect(readFile(dir, VALUES)).toBe(text);
    expect(check(model, dir)).toEqual([]);
  });

  test('finds a stray directory at the generator depth as an undeclared Application', () => {
    // GIVEN a directory nobody declared where workloads-prod looks for targets
    writeFile(dir, 'environments/prod/aws/eu-central-1-01/stray/values.yaml', 'replicaCount: 1\n');
    // WHEN the checkout is checked
    // THEN the directory is reported with the Application it would become
    expect(check(model, dir)).toEqual([
      {
        kind: FindingKind.UNDECLARED_APPLICATION,
        code: 'CG416',
        path: 'environments/prod/aws/eu-central-1-01/stray',
        message:
          'ApplicationSet workloads-prod would generate Application stray-prod-aws-eu-central-1-01, which the program does not declare.',
        fix: 'Remove the stray directory, or declare the target in the program.',
      },
    ]);
  });

  test('finds a target the program dropped as an undeclared Application, with the declaration that removes it rather than removing it by hand', () => {
    // GIVEN a checkout synthesized with ledger-api in nonprod
    const withLedger = exampleModel((p) => addLedgerApi(p));
    const written = synthesizedCheckout(withLedger);
    try {
      // WHEN the program no longer declares ledger-api, and the checkout is checked
      const undeclared = check(model, written).filter((f) => f.kind === FindingKind.UNDECLARED_APPLICATION);
      // THEN each of its directories is reported, and the fix is the declared removal (its Application may be running)
      expect(undeclared.length).toBeGreaterThan(0);
      const aws = undeclared.find((f) => f.path === 'environments/nonprod/aws/eu-central-1-01/ledger-api');
      expect(aws).toEqual({
        kind: FindingKind.UNDECLARED_APPLICATION,
        code: 'CG416',
        path: 'environments/nonprod/aws/eu-central-1-01/ledger-api',
        message:
          'ApplicationSet workloads-nonprod would generate Application ledger-api-nonprod-aws-eu-central-1-01, which the program does not declare.',
        fix:
          'The program no longer declares this target, which cdk8s-gitops wrote: declare it again, or declare its removal in the program ' +
          '(platform.removed(Removal.application("ledger-api-nonprod-aws-eu-central-1-01")), or Removal.service or Removal.cluster for all of theirs) ' +
          'and run synth, which removes it (removed by hand, its Application would go without that declaration).',
      });
      expect(undeclared.every((f) => f.fix.startsWith('The program no longer declares this target'))).toBe(true);
    } finally {
      removeCheckout(written);
    }
  });

  test('finds the directory at the generator depth above a deeper stray file', () => {
    // GIVEN a file two levels below a cluster directory, in a directory nobody declared
    writeFile(dir, 'environments/prod/aws/eu-central-1-01/x/y/values.yaml', 'replicaCount: 1\n');
    // WHEN the checkout is checked
    // THEN its directory at the generator depth, x, would become an Application
    expect(check(model, dir).map((f) => [f.kind, f.path, f.message])).toEqual([
      [
        FindingKind.UNDECLARED_APPLICATION,
        'environments/prod/aws/eu-central-1-01/x',
        'ApplicationSet workloads-prod would generate Application x-prod-aws-eu-central-1-01, which the program does not declare.',
      ],
    ]);
  });

  test.each([
    ['deeper than the glob, below a target', 'environments/prod/aws/eu-central-1-01/payments-api/extra/values.yaml'],
    ['shallower than the glob', 'environments/prod/aws/notes/values.yaml'],
    ['shallower than the glob, a new cloud', 'environments/prod/newcloud/README.md'],
    ['hidden, at the generator depth', 'environments/prod/aws/eu-central-1-01/.stray/values.yaml'],
    ['below a hidden directory', 'environments/prod/.x/a/b/values.yaml'],
    ['outside the environments', 'docs/prod/aws/eu-central-1-01/stray/values.yaml'],
  ])('finds nothing for a foreign directory %s', (_, file) => {
    // GIVEN a file nobody declared in a directory no ApplicationSet matches
    writeFile(dir, file, 'replicaCount: 1\n');
    // WHEN the checkout is checked
    // THEN there is nothing to report
    expect(check(model, dir)).toEqual([]);
  });

  test('finds a program change that was not synthesized yet', () => {
    // GIVEN the example checkout, and a program that adds ledger-api on nonprod
    const changed = exampleModel((p) => addLedgerApi(p));
    // WHEN the checkout is checked against the changed program
    const findings = check(changed, dir);
    // THEN every file to write is out of date, and ledger-api's Applications are missing
    // (with the release model: its platform.json, and a file for ledger-api)
    expect(findings.filter((f) => f.kind === FindingKind.OUT_OF_DATE).map((f) => [f.path, f.message])).toEqual([
      ['.cdk8s-gitops/model/platform.json', '.cdk8s-gitops/model/platform.json differs from what the program synthesizes.'],
      [
        '.cdk8s-gitops/model/services/ledger-api.json',
        '.cdk8s-gitops/model/services/ledger-api.json is declared by the program but not synthesized yet.',
      ],
      ['STATUS.md', 'STATUS.md differs from what the program synthesizes.'],
      ...['aws/eu-central-1-01', 'azure/westeurope-01', 'gcp/europe-west4-01', 'oci/eu-frankfurt-1-01'].map((c) => [
        `environments/nonprod/${c}/ledger-api/values.yaml`,
        `environments/nonprod/${c}/ledger-api/values.yaml is declared by the program but not synthesized yet.`,
      ]),
      ['projects/nonprod.yaml', 'projects/nonprod.yaml differs from what the program synthesizes.'],
      ['releases/ledger-api.yaml', 'releases/ledger-api.yaml is declared by the program but not synthesized yet.'],
    ]);
    expect(findings.filter((f) => f.kind === FindingKind.OUT_OF_DATE).map((f) => f.fix)).toEqual(
      Array(9).fill('Run `cdk8s-gitops synth` (or publish) and commit the result.'),
    );
    expect(findings.filter((f) => f.kind === FindingKind.MISSING_APPLICATION).map((f) => f.message)).toEqual([
      'Application ledger-api-nonprod-aws-eu-central-1-01 is declared but the checkout would not generate it.',
      'Application ledger-api-nonprod-azure-westeurope-01 is declared but the checkout would not generate it.',
      'Application ledger-api-nonprod-gcp-europe-west4-01 is declared but the checkout would not generate it.',
      'Application ledger-api-nonprod-oci-eu-frankfurt-1-01 is declared but the checkout would not generate it.',
    ]);
    expect(findings).toHaveLength(13);
  });

  test('finds a service the program dropped as out of date', () => {
    // GIVEN a checkout synthesized with ledger-api, and the example without it
    removeCheckout(dir);
    dir = synthesizedCheckout(exampleModel((p) => addLedgerApi(p)));
    // WHEN the checkout is checked against the example
    const findings = check(model, dir);
    // THEN ledger-api's files are no longer produced, and its directories are undeclared
    // until synth removes them; its ledger is kept, with its history, so it is not a finding
    const clusters = ['aws/eu-central-1-01', 'azure/westeurope-01', 'gcp/europe-west4-01', 'oci/eu-frankfurt-1-01'];
    expect(findings.map((f) => [f.kind, f.path])).toEqual([
      [FindingKind.OUT_OF_DATE, '.cdk8s-gitops/model/platform.json'],
      [FindingKind.OUT_OF_DATE, '.cdk8s-gitops/model/services/ledger-api.json'],
      [FindingKind.OUT_OF_DATE, 'STATUS.md'],
      ...clusters.flatMap((c) => [
        [FindingKind.UNDECLARED_APPLICATION, `environments/nonprod/${c}/ledger-api`],
        [FindingKind.OUT_OF_DATE, `environments/nonprod/${c}/ledger-api/values.yaml`],
      ]),
      [FindingKind.OUT_OF_DATE, 'projects/nonprod.yaml'],
    ]);
    expect(findings.find((f) => f.path === 'releases/ledger-api.yaml')).toBeUndefined();
  });

  test('finds a digest changed by hand in values as both an edit and a mismatch with the ledger', () => {
    // GIVEN a prod values file whose image.digest was changed by hand
    fs.writeFileSync(path.join(dir, VALUES), readFile(dir, VALUES).replace(SEED_DIGEST, OTHER_DIGEST));
    // WHEN the checkout is checked
    // THEN the file is edited, and its digest disagrees with what ring prod runs
    expect(check(model, dir)).toEqual([
      {
        kind: FindingKind.DIGEST_MISMATCH,
        code: 'CG418',
        path: VALUES,
        message: `payments-api-prod-aws-eu-central-1-01 runs ${OTHER_DIGEST} in values.yaml, but the ledger says ring prod runs ${SEED_DIGEST}.`,
        fix: 'Change digests only with promote/rollback, then run `cdk8s-gitops synth --verify`.',
      },
      {
        kind: FindingKind.EDITED,
        code: 'CG413',
        path: VALUES,
        message: `${VALUES} was edited by hand.`,
        fix: 'Make the change in the program (or with promote/rollback) and run `cdk8s-gitops synth --verify`, or revert the edit.',
        diff: expect.stringContaining(`\n-  digest: ${SEED_DIGEST}\n+  digest: ${OTHER_DIGEST}\n`),
      },
    ]);
  });

  test('finds an interrupted write', () => {
    // GIVEN a checkout in which a write was killed while staging its files (no cleanup ran)
    fs.mkdirSync(path.join(dir, TRANSACTION_DIR, 'files'), { recursive: true });
    fs.writeFileSync(path.join(dir, TRANSACTION_DIR, 'files', '0'), 'staged: true\n');
    // WHEN the checkout is checked
    // THEN the interrupted write is reported, with the fix
    expect(check(model, dir)).toEqual([
      {
        kind: FindingKind.INTERRUPTED_WRITE,
        code: 'CG419',
        path: '.cdk8s-gitops/transaction',
        message: 'A write was interrupted and has not been completed.',
        fix: 'Run `cdk8s-gitops synth` to complete or discard it.',
      },
    ]);
  });

  test('against the base of a change set, finds a record planted in the manifest for a file the program does not make', () => {
    // GIVEN the checkout as it was at the base, then a user's file and a record of it with its very hash
    const base = new Map<string, string>();
    const walk = (rel: string): void => {
      for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
        const p = `${rel}/${e.name}`;
        if (e.isDirectory()) walk(p);
        else base.set(p, fs.readFileSync(path.join(dir, p), 'utf8'));
      }
    };
    walk('.cdk8s-gitops');
    writeFile(dir, 'docs/runbook.yaml', 'steps: [page the on-call]\n');
    recordInManifest(dir, 'docs/runbook.yaml', { sha256: contentHash('steps: [page the on-call]\n'), key: 'planted' });
    const ledgers = readLedgers(model, dir);
    const tree = treeFromLedgers(model, ledgers);
    // WHEN it is checked without a base, and against the base
    const plain = checkCheckout(model, tree, ledgers, dir);
    const against = checkCheckout(model, tree, ledgers, dir, {
      base: {
        ref: 'origin/main',
        read: (paths) => new Map(paths.map((p) => [p, base.get(p)])),
        list: (d) => [...base.keys()].filter((p) => p.startsWith(`${d}/`)),
      },
    });
    // THEN only the check against the base can tell the record is new, and names it
    expect(plain.map((f) => f.code)).toEqual(['CG415']);
    expect(against).toEqual([
      expect.objectContaining({
        code: 'CG421',
        path: 'docs/runbook.yaml',
        message:
          'The manifest records docs/runbook.yaml since origin/main, but the program does not make it: cdk8s-gitops never records a file it does not write, and synth would delete it.',
      }),
    ]);
  });

  test('gives each kind of finding its own code from the catalogue', () => {
    // GIVEN every kind of finding
    const kinds = Object.values(FindingKind);

    // THEN each has a code of its own, catalogued for the checkout
    expect(new Set(kinds.map((k) => FINDING_CODES[k])).size).toBe(kinds.length);
    for (const k of kinds) expect(errorEntry(FINDING_CODES[k])?.where).toBe('checkout');
  });
});
