/**
 * Attacks on the release-history fixes: a ledger edit whose manifest record was lost over more
 * than one commit (or with the whole .cdk8s-gitops directory), a ledger deleted by a commit a
 * shallow clone does not hold, a pending operation made before a ring rename that synth then
 * moved, and a tag as the initial release of a service that only tag environments run while a
 * ring of the program requires digests. Each test drives the built CLI on a real checkout (a
 * clone of a bare remote, copied from one published fleet) with a model replayed from JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Removal, Service, Targets } from '../../src';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import {
  A,
  copyRingFleet,
  D0,
  LEDGER_API,
  PAYMENTS,
  PROD_GCP_VALUES,
  prodToBWithoutApproval,
  publishRingFleet,
  ringFleet,
  SHARD,
  subjectsSince,
  T0,
  T3,
} from '../support/ring-fleet';

/** payments-api's values directory on prod's aws cluster (ring prod). */
const PROD_AWS_DIR = 'environments/prod/aws/eu-02/payments-api';
/** payments-api's values directory on prod's gcp cluster (ring prod). */
const PROD_GCP_DIR = 'environments/prod/gcp/gcp-01/payments-api';

let replay: ModelReplay;
/** The fleet through canary-b: prod runs A (approved by bob), prod-canary and nonprod run B. */
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-fixes-attacks-', T0);
  fleet = (await publishRingFleet(replay, {}, { through: 'canary-b' })).sandbox;
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

/** Writes payments-api's shard without the ledger's and prod's values files' entries, indented by `spaces`. */
function dropFromShard(dir: string, spaces: number): void {
  const shard = JSON.parse(readFile(dir, SHARD));
  for (const p of Object.keys(shard.files)) {
    if (p === PAYMENTS || p.startsWith(`${PROD_AWS_DIR}/`) || p.startsWith(`${PROD_GCP_DIR}/`)) delete shard.files[p];
  }
  fs.writeFileSync(path.join(dir, SHARD), `${JSON.stringify(shard, null, spaces)}\n`);
}

describe('a ledger edit whose manifest record was lost', () => {
  it('synth judges the edit (CG612) when the record was dropped in one commit and the shard touched again in the commit of the edit', async () => {
    // GIVEN prod runs A (approved by bob); prod-canary runs B
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND a commit drops the ledger's entry (and prod's values files') from payments-api's shard ("tidy the manifest")
      dropFromShard(clone, 2);
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Tidy the manifest');
      // AND a later commit sets prod to B with no approver, deletes prod's values directories and reformats the shard
      prodToBWithoutApproval(clone);
      dropFromShard(clone, 1);
      sandbox.git(clone, 'rm', '--quiet', '-r', PROD_AWS_DIR, PROD_GCP_DIR);
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Tidy payments-api');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs with the unchanged program
      const r = await replay.run(clone, ringFleet(), ['synth'], T3);
      // THEN prod's entry is judged as the hand edit it is (no approver: CG612) and nothing is written:
      //      prod's clusters are not switched to B without an approval
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('CG612')]);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(fs.existsSync(path.join(clone, PROD_GCP_VALUES))).toBe(false);
    } finally {
      sandbox.cleanup();
    }
  });

  it('synth judges the edit (CG612) when the commit of the edit deleted the whole .cdk8s-gitops directory and STATUS.md', async () => {
    // GIVEN prod runs A (approved by bob); prod-canary runs B
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND one commit sets prod to B with no approver and deletes every record (.cdk8s-gitops/), STATUS.md and prod's values directories
      prodToBWithoutApproval(clone);
      sandbox.git(clone, 'rm', '--quiet', '-r', '.cdk8s-gitops', 'STATUS.md', PROD_AWS_DIR, PROD_GCP_DIR);
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Start the records afresh');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs with the unchanged program
      const r = await replay.run(clone, ringFleet(), ['synth'], T3);
      // THEN the edit is judged against what the records held before that commit (CG612), and nothing is written
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('CG612')]);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(fs.existsSync(path.join(clone, PROD_GCP_VALUES))).toBe(false);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a ledger deleted by a commit a shallow clone does not hold', () => {
  it('synth and publish in a depth-1 clone do not restart prod from initialDigest', async () => {
    // GIVEN prod runs A; payments-api is removed (declared) and published
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      await replay.ok(clone, ringFleet({ paymentsApi: false, removals: [Removal.service('payments-api')] }), ['publish', '--by', 'ci'], T3);
      // AND a commit deletes its ledger and shard, and another commit follows; both pushed
      sandbox.git(clone, 'rm', '--quiet', PAYMENTS, SHARD);
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Clean up payments-api');
      fs.writeFileSync(path.join(clone, 'NOTES.md'), 'notes\n');
      sandbox.git(clone, 'add', 'NOTES.md');
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Add notes');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      // AND CI works in a shallow clone (depth 1): the commit that deleted the ledger is not in it
      sandbox.git(sandbox.root, 'clone', '--quiet', '--depth', '1', `file://${sandbox.remote}`, 'shallow');
      const shallow = path.join(sandbox.root, 'shallow');
      sandbox.git(shallow, 'config', 'user.name', 'CI Bot');
      sandbox.git(shallow, 'config', 'user.email', 'ci@example.com');
      const before = cloneSnapshot(sandbox, shallow);
      // WHEN payments-api is declared again and synth, then publish, run there
      const synth = await replay.run(shallow, ringFleet(), ['synth'], T3);
      const synthWrote = cloneSnapshot(sandbox, shallow);
      const publish = await replay.run(shallow, ringFleet(), ['publish', '--by', 'ci'], T3);
      // THEN both refuse, naming the ledger (its history is not in the clone: fetch it, or restore the ledger),
      //      and nothing is written or pushed: prod must never restart from initialDigest
      expect([synth.code, synth.stderr]).toEqual([1, expect.stringContaining(PAYMENTS)]);
      expect(synthWrote).toEqual(before);
      expect([publish.code, publish.stderr]).toEqual([1, expect.stringContaining(PAYMENTS)]);
      expect(sandbox.git(sandbox.remote, 'ls-tree', '--name-only', 'main', PAYMENTS)).toBe('');
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('the ledgers moved by the program (layout.releases)', () => {
  it('synth refuses to delete the ledgers at the old place and restart every ring from initialDigest', async () => {
    // GIVEN prod runs A (approved by bob), prod-canary and nonprod run B; the ledgers are in releases/
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const before = cloneSnapshot(sandbox, clone);
      // WHEN the program moves the ledgers (layout: { releases: 'ledgers' }) and synth runs
      const r = await replay.run(clone, ringFleet({ releases: 'ledgers' }), ['synth'], T3);
      // THEN it refuses, naming the ledger it would delete, and writes nothing: prod keeps running A,
      //      never restarted from initialDigest (the history of every ring would be gone)
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(PAYMENTS)]);
      expect(r.stderr).toContain('CG211');
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(readFile(clone, PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a pending operation made before a ring rename', () => {
  it('publish after synth moved the ring publishes the rename and the pending promotion, not CG519', async () => {
    // GIVEN prod runs A, prod-canary runs B
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const base = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      // AND frank promotes ledger-api into nonprod without --publish (pending)
      await replay.ok(clone, ringFleet(), ['promote', 'ledger-api', '--ring', 'nonprod', '--digest', A, '--by', 'frank'], T3);
      // AND the program then renames prod to production (movedFrom: ['prod']); check says to run synth, and synth runs
      const renamed = ringFleet({ rings: 'prod-renamed' });
      expect((await replay.run(clone, renamed, ['check'], T3)).code).toBe(2);
      await replay.ok(clone, renamed, ['synth'], T3);
      // WHEN publish runs
      const r = await replay.run(clone, renamed, ['publish', '--by', 'ci'], T3);
      // THEN synth's ring move is the program's change, not an edit of frank's ledger: the rename is one synth
      //      commit and frank's promotion one of its own
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('CG519')]);
      expect(subjectsSince(sandbox, base)).toEqual([
        'Synthesize the platform program',
        'promote ledger-api sha256:aaaaaaaa to nonprod (by frank)',
      ]);
      expect(sandbox.remoteFile(LEDGER_API)).toContain('\n  production:\n');
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a tag as initialDigest', () => {
  it('a service only tag environments run, in a program whose prod ring requires digests: CG115 at the service, naming the ring', () => {
    // GIVEN nonprod takes tags (requireDigest: false), prod requires digests; payments-api runs in nonprod only,
    //       with the tag 1.0.0 as its initial release
    const platform = new Platform({
      repoURL: 'https://git.example.com/platform/platform-gitops.git',
      applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    });
    const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod'), requireDigest: false });
    const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
    const aws = new Cloud(platform, 'aws');
    new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
    new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
    new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
    new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
    new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: '1.0.0' }).deployTo([
      nonprod,
    ]);
    new Service(platform, 'ledger-api', { image: { repository: 'registry.example.com/ledger-api' }, initialDigest: D0 }).deployTo([
      nonprod,
      prod,
    ]);
    // WHEN the program is synthesized
    // THEN the program's validation refuses it (CG115 at the service, naming the ring that takes only digests), as the
    //      ledger would: the initial release goes into every ring, prod included; no command gets a CG608 of no ring and no file
    expect(() => platform.snapshot()).toThrow(
      '[platform/payments-api] CG115 initialDigest "1.0.0" is a tag, but ring "prod" takes only digests, and the initial release goes into every ring\'s entry of the service\'s ledger.',
    );
  });
});
