/**
 * `history --ring` over a ring's whole life: the changes it recorded under the names it had
 * before, up to the change that gave it its own, and none a ring it split off made since under
 * a name it kept. Drives the built CLI on a published fleet.
 */
import { Sandbox } from '../git/sandbox';
import { ModelReplay } from '../support/replay';
import { B, copyRingFleet, publishRingFleet, ringFleet, T3 } from '../support/ring-fleet';

const T4 = '2026-11-22T16:00:00Z';

let replay: ModelReplay;
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-history-ring-life-', T3);
  fleet = (await publishRingFleet(replay, {}, { through: 'prod' })).sandbox;
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

it("--ring of a ring split off another shows the other's changes up to the split, not those it made since under the name it kept", async () => {
  const { sandbox, clone } = copyRingFleet(fleet);
  try {
    // GIVEN prod's gcp cluster split off into a ring of its own, moved from nonprod, which keeps its name
    const split = ringFleet({ rings: 'gcp-moved-from-nonprod' });
    await replay.ok(clone, split, ['publish', '--by', 'platform-team'], T4);
    // AND nonprod then takes B
    await replay.ok(clone, split, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'], T4);
    // WHEN the split ring's history is asked for
    const r = await replay.run(clone, split, ['history', '--ring', 'prod-gcp', '--format', 'json'], T4);
    // THEN it holds nonprod's promotion of A from before the split, and not nonprod's B since
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as { subject: string; ring: string[]; digest: string[] }[];
    expect(entries.some((e) => e.digest.includes(B))).toBe(false);
    expect(entries.some((e) => e.ring.includes('nonprod') && e.subject.startsWith('promote payments-api sha256:aaaaaaaa to nonprod'))).toBe(
      true,
    );
    // AND nonprod's own history holds both
    const nonprod = JSON.parse((await replay.run(clone, split, ['history', '--ring', 'nonprod', '--format', 'json'], T4)).stdout) as {
      digest: string[];
    }[];
    expect(nonprod.some((e) => e.digest.includes(B))).toBe(true);
  } finally {
    sandbox.cleanup();
  }
});
