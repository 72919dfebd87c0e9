/**
 * A token or password in a URL a user put where cdk8s-gitops quotes it back: a ledger's field
 * edited by hand (CG212, CG610), or the program's own output. What the CLI prints shows the URL
 * without it. Each test drives the built CLI on a copy of one published fleet.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import { copyRingFleet, PAYMENTS, publishRingFleet, ringFleet, T0, T2 } from '../support/ring-fleet';
import { runCli } from '../support/tree';

const GITHUB_TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const GITLAB_TOKEN = 'glpat-abcdefghij0123456789';

let replay: ModelReplay;
/** The fleet through canary-b: prod runs A, prod-canary and nonprod run B (by mallory). */
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-url-credentials-', T0);
  fleet = (await publishRingFleet(replay, {}, { through: 'canary-b' })).sandbox;
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

/** The ledger with prod-canary's entry changed by `edit`. */
function editCanary(clone: string, edit: (entry: string) => string): void {
  const ledger = readFile(clone, PAYMENTS);
  const start = ledger.indexOf('\n  prod-canary:\n');
  fs.writeFileSync(path.join(clone, PAYMENTS), ledger.slice(0, start) + edit(ledger.slice(start)));
}

describe('a URL with a token, quoted back from a ledger edited by hand', () => {
  it('fails when the record of a release (by:) is rewritten to a URL with a token as its user (CG610); the message shows the URL without it', async () => {
    // GIVEN prod-canary's `by:` is rewritten by hand to a URL whose user is a GitHub token
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      editCanary(clone, (entry) => entry.replace('by: mallory', `by: "https://${GITHUB_TOKEN}@github.com/o/r"`));
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs
      const r = await replay.run(clone, ringFleet(), ['synth'], T2);
      // THEN it is refused, naming the rewrite with the URL's user shown as ***, and nothing was written
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `[${PAYMENTS}] CG610 Ring "prod-canary" runs sha256:bbbbbbbb as before, but its record was rewritten (by: "mallory" → "https://***@github.com/o/r"): the entry was changed by hand.`,
      );
      expect(r.stderr + r.stdout).not.toContain(GITHUB_TOKEN);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when a chart field holds a URL with a GitLab token as its user (CG212); the message shows the URL without it', async () => {
    // GIVEN prod-canary's entry gets a `chart:` that is a URL whose user is a GitLab token
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      editCanary(clone, (entry) =>
        entry.replace('    by: mallory', `    chart: "https://${GITLAB_TOKEN}@gitlab.com/g/r"\n    by: mallory`),
      );
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs
      const r = await replay.run(clone, ringFleet(), ['synth'], T2);
      // THEN the field is refused, quoted with its token as ***, and nothing was written
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /CG212 Field "rings\.prod-canary\.chart" is not a chart revision; received "https:\/\/\*\*\*@gitlab\.com\/g\/r"\./,
      );
      expect(r.stderr + r.stdout).not.toContain(GITLAB_TOKEN);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe("the program's own output", () => {
  it('is passed on without the credentials of the URLs it prints', async () => {
    // GIVEN a program that prints the URL it clones from, with a token and a password, on stderr
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const app = `echo "cloning https://${GITHUB_TOKEN}@github.com/o/r and https://oauth2:${GITLAB_TOKEN}@gitlab.com/g/r" >&2; ${replay.app(ringFleet())}`;
      // WHEN synth runs it
      const r = await runCli(['synth', '--out', clone, '--app', app], { CDK8S_GITOPS_NOW: T2 });
      // THEN its line is passed on with the token and the password as ***
      expect(r.stderr).toContain('cloning https://***@github.com/o/r and https://oauth2:***@gitlab.com/g/r');
      expect(r.stderr + r.stdout).not.toMatch(new RegExp(`${GITHUB_TOKEN}|${GITLAB_TOKEN}`));
    } finally {
      sandbox.cleanup();
    }
  });
});
