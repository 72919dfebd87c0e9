/**
 * What the CLI prints of a hostile checkout, through the built CLI: names, paths and file
 * contents that carry terminal controls (an escape that clears the screen or retitles the
 * window, a carriage return, a bidirectional override) reach stdout and stderr as escapes
 * (`\u001b`), never raw; `check` says what a hand edit did to line endings, a binary file and a
 * file that does not read as YAML. The platform program's own output is passed on as it is.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeCheckout, synthesizedCheckout, writeFile } from '../synth/example-checkout';
import { main } from '../../src/cli/main';
import { cleanEnv } from '../support/cli';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'bin/cdk8s-gitops.js');

function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Characters a terminal acts on: controls but line feed and tab, bidirectional and zero-width ones. */
function hasRawControl(text: string): boolean {
  return /[\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069]/u.test(text.replace(/[\n\t]/g, ''));
}

const CLUSTER = 'environments/prod/aws/eu-central-1-01';
/** A directory name that would clear the screen, retitle the window and reverse the text after it. */
const EVIL = 'evil\u001b]0;pwned\u0007\u001b[2J\u202eok';
/** A directory name holding a colour the CLI itself writes, and its reset. */
const RED = '\u001b[31m[-]\u001b[0mred\u001b[31m';

describe('names and paths from a hostile checkout', () => {
  let out: string;
  beforeAll(() => {
    // GIVEN the example's checkout with a directory nobody declared, named with terminal controls
    out = synthesizedCheckout();
    writeFile(out, `${CLUSTER}/${EVIL}/values.yaml`, 'a: 1\n');
  });
  afterAll(() => removeCheckout(out));

  test('check shows them as escapes in text, and JSON keeps them as JSON', () => {
    // WHEN
    const text = cli(['check', '--out', out]);
    const json = cli(['check', '--out', out, '--format', 'json']);

    // THEN the finding names the directory, with each control as its escape
    expect(text.status).toBe(2);
    expect(hasRawControl(text.stdout)).toBe(false);
    expect(text.stdout).toContain(`${CLUSTER}/evil\\u001b]0;pwned\\u0007\\u001b[2J\\u202eok:`);
    // AND JSON parses to the real name
    expect(hasRawControl(json.stdout)).toBe(false);
    const findings = JSON.parse(json.stdout).findings as { path: string }[];
    expect(findings.map((f) => f.path)).toContain(`${CLUSTER}/${EVIL}`);
  });

  test('preview shows them as escapes', () => {
    // WHEN
    const r = cli(['preview', '--out', out]);

    // THEN
    expect(`${r.stdout}${r.stderr}`).toContain('evil\\u001b]0;pwned\\u0007\\u001b[2J\\u202eok');
    expect(hasRawControl(r.stdout)).toBe(false);
    expect(hasRawControl(r.stderr)).toBe(false);
  });

  test('an error quoting a flag value shows its controls as escapes', () => {
    // WHEN
    const r = cli(['preview', '--out', out, '--service', 'pay\u001b[2Jments']);

    // THEN
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no service "pay\\u001b[2Jments"');
    expect(hasRawControl(r.stderr)).toBe(false);
  });
});

describe('colours from a hostile checkout', () => {
  let out: string;
  beforeAll(() => {
    // GIVEN the example's checkout with a directory nobody declared, whose name holds the CLI's red mark and leaves red on
    out = synthesizedCheckout();
    writeFile(out, `${CLUSTER}/${RED}/values.yaml`, 'a: 1\n');
  });
  afterAll(() => removeCheckout(out));

  test('on a terminal, where the CLI colours its marks, a colour in a name is an escape too', async () => {
    // GIVEN a terminal, where colours are allowed
    const terminal = (): { text: string; isTTY: true; write(t: string): boolean } => {
      const s = { text: '', isTTY: true as const, write: (t: string) => ((s.text += t), true) };
      return s;
    };
    const stdout = terminal();
    const stderr = terminal();

    // WHEN
    const code = await main(['check', '--out', out], { cwd: REPO, stdout, stderr, env: cleanEnv() });

    // THEN the finding names the directory with its escapes: nothing is coloured
    expect(code).toBe(2);
    expect(stdout.text).toContain(`${CLUSTER}/\\u001b[31m[-]\\u001b[0mred\\u001b[31m:`);
    expect(hasRawControl(stdout.text)).toBe(false);
    expect(hasRawControl(stderr.text)).toBe(false);
  }, 60_000);
});

describe("check's diff of a hand edit", () => {
  let out: string;
  const file = (cluster: string): string => `environments/prod/${cluster}/payments-api/values.yaml`;
  beforeAll(() => {
    out = synthesizedCheckout();
    const read = (p: string): string => fs.readFileSync(path.join(out, p), 'utf8');
    // GIVEN one values file saved with CRLF line endings and nothing else changed,
    writeFile(out, file('azure/westeurope-01'), read(file('azure/westeurope-01')).replace(/\n/g, '\r\n'));
    // one with CRLF and a changed value,
    writeFile(
      out,
      file('aws/eu-central-1-01'),
      read(file('aws/eu-central-1-01')).replace(/\n/g, '\r\n').replace('cpu: "500m"', 'cpu: "750m"'),
    );
    // one overwritten with binary bytes,
    fs.writeFileSync(
      path.join(out, file('gcp/europe-west4-01')),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0x1b, 0x5b, 0x32, 0x4a, 0xff]),
    );
    // and one that does not read as YAML (a key twice), with an escape in an added line
    writeFile(
      out,
      file('oci/eu-frankfurt-1-01'),
      `${read(file('oci/eu-frankfurt-1-01'))}replicaCount: 1\nreplicaCount: 2\nnote: "\u001b[2J"\n`,
    );
  });
  afterAll(() => removeCheckout(out));

  test('says when only the line endings differ, compares a CRLF file by its lines, and shows no raw control', () => {
    // WHEN
    const r = cli(['check', '--out', out]);
    const json = JSON.parse(cli(['check', '--out', out, '--format', 'json']).stdout) as { findings: { path: string; diff?: string }[] };
    const diffOf = (p: string): string | undefined => json.findings.find((f) => f.path === p && f.diff !== undefined)?.diff;

    // THEN the file with CRLF only says so, in one line
    expect(r.status).toBe(2);
    expect(hasRawControl(r.stdout)).toBe(false);
    expect(diffOf(file('azure/westeurope-01'))).toBe(
      [
        `--- a/${file('azure/westeurope-01')}`,
        `+++ b/${file('azure/westeurope-01')}`,
        '(only the line endings differ: the file has CRLF (\\r\\n) where cdk8s-gitops writes LF (\\n))',
        '',
      ].join('\n'),
    );
    // AND the CRLF file with a change shows that change, its line screened as any other
    const crlf = diffOf(file('aws/eu-central-1-01'))!;
    expect(crlf).toContain('(line endings: the file has CRLF where cdk8s-gitops writes LF; the lines are compared without them)');
    expect(crlf).toContain('\n-    cpu: "500m"\n+    cpu: "750m"\n');
    expect(crlf).not.toContain('\r');
    // AND the binary file is said to be binary
    expect(diffOf(file('gcp/europe-west4-01'))).toContain('(binary content: not shown)');
    // AND a file with no readable digest (the binary one, and the one that does not read as YAML) is said to hold none, not "undefined"
    expect(r.stdout).toContain(
      `payments-api-prod-gcp-europe-west4-01 runs no release cdk8s-gitops can read in values.yaml (it holds none where cdk8s-gitops writes it, or does not read as YAML), but the ledger says ring prod runs`,
    );
    expect(r.stdout).toContain(`… and 1 more CG418 like it: ${file('oci/eu-frankfurt-1-01')}.`);
    expect(r.stdout).not.toContain('undefined');
  });
});

describe("the program's own output", () => {
  let work: string;
  let out: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-inert-'));
    out = path.join(work, 'gitops');
    // GIVEN a program that prints in colour before it synthesizes
    fs.writeFileSync(
      path.join(work, 'platform.js'),
      [
        `process.stderr.write('\\u001b[31mred from the program\\u001b[0m\\n');`,
        `const g = require(${JSON.stringify(path.join(REPO, 'lib'))});`,
        `const platform = new g.Platform({ repoURL: 'https://git.example.com/p.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });`,
        `const prod = new g.Environment(platform, 'prod');`,
        `const cluster = new g.Cluster(prod, 'c1', { cloud: new g.Cloud(platform, 'aws'), region: 'r' });`,
        `new g.Service(platform, 'api', { image: { repository: 'r.example.com/api' }, initialDigest: 'sha256:' + 'a'.repeat(64) }).deployTo(cluster);`,
        `platform.synth();`,
      ].join('\n'),
    );
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('is passed on as it is', () => {
    // WHEN
    const r = cli([
      'synth',
      '--app',
      `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(work, 'platform.js'))}`,
      '--out',
      out,
    ]);

    // THEN
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('\u001b[31mred from the program\u001b[0m\n');
  });
});
