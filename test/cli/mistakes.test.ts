/**
 * Mistakes in ledgers and on the command line, through the built CLI against the example
 * program: each ends in a clear error with exit code 1, names the file and line where there is
 * one, and leaves the GitOps checkout byte for byte as it was.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { CliResult, inBatches, readTree, ROOT, runCli, treeDiff } from '../support/tree';

const LEDGER = 'releases/payments-api.yaml';
const D2 = `sha256:${'b'.repeat(64)}`;
const D3 = `sha256:${'c'.repeat(64)}`;

/** Replaces line `n` (1-based) of the ledger, or inserts after it. */
type Edit = (lines: string[]) => void;
const lineOf = (lines: string[], text: string, from = 0): number => lines.indexOf(text, from) + 1;
const prodDigest = (lines: string[]): number => lineOf(lines, '  prod:') + 1;

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly code: string;
  /** Also expected in the error output. */
  readonly says?: RegExp;
  /** `file:line` the error must point at, computed from the edited ledger. */
  readonly at?: (lines: string[]) => string;
  readonly edit?: Edit;
  readonly setup?: (dir: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Run the example program itself (slow), not its recorded model. */
  readonly program?: boolean;
}

const CASES: readonly Case[] = [
  // Hand-edited ledgers: every command that reads them refuses, with file and line.
  {
    name: 'a ledger that is not valid YAML (unclosed quote)',
    args: ['synth'],
    code: 'CG201',
    says: /Not valid YAML/,
    program: true,
    edit: (l) => {
      l[prodDigest(l)] = '    since: "2026-01-01T00:00:00Z';
    },
    at: (l) => `${LEDGER}:${l.length - 1}`,
  },
  {
    name: 'a ledger with a tab-broken mapping',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D2],
    code: 'CG201',
    edit: (l) => {
      l[4] = `\t${l[4]}`;
    },
    at: () => `${LEDGER}:5`,
  },
  {
    name: 'a ledger with a duplicate key',
    args: ['synth'],
    code: 'CG201',
    says: /unique/,
    edit: (l) => {
      l.splice(prodDigest(l), 0, `    digest: ${D2}`);
    },
    at: (l) => `${LEDGER}:${prodDigest(l) + 1}`,
  },
  {
    name: 'a ledger digest that is not a digest',
    args: ['synth'],
    code: 'CG203',
    says: /rings\.prod\.digest" is not a digest/,
    edit: (l) => {
      l[prodDigest(l) - 1] = '    digest: sha256:2e8f1a31';
    },
    at: (l) => `${LEDGER}:${prodDigest(l)}`,
  },
  {
    name: 'a ledger ring that runs a tag where digests are required',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D2],
    code: 'CG204',
    says: /is a tag, but this ring takes only digests; received "1\.4\.2"/,
    edit: (l) => {
      l[prodDigest(l) - 1] = '    digest: "1.4.2"';
    },
    at: (l) => `${LEDGER}:${prodDigest(l)}`,
  },
  {
    name: 'a ledger with an unknown field',
    args: ['synth'],
    code: 'CG202',
    says: /Unknown field "rings\.prod\.approver"/,
    edit: (l) => {
      l.splice(prodDigest(l), 0, '    approver: bob');
    },
    at: (l) => `${LEDGER}:${prodDigest(l) + 1}`,
  },
  {
    name: 'a ledger that names another service',
    args: ['synth'],
    code: 'CG205',
    edit: (l) => {
      l[1] = 'service: payments-worker';
    },
    at: () => `${LEDGER}:2`,
  },
  {
    name: 'a ledger timestamp without a zone',
    args: ['synth'],
    code: 'CG206',
    edit: (l) => {
      l[prodDigest(l)] = '    since: "2026-01-01T10:00:00"';
    },
    at: (l) => `${LEDGER}:${prodDigest(l) + 1}`,
  },
  {
    name: 'a hand-edited manifest',
    args: ['synth'],
    code: 'CG401',
    setup: (dir) => fs.writeFileSync(path.join(dir, '.cdk8s-gitops/manifest.json'), '{"generator": "cdk8s-gitops", '),
  },
  {
    name: 'a hand-written file where the program generates one',
    args: ['synth'],
    code: 'CG404',
    says: /1 file not owned by cdk8s-gitops stands? in the way; nothing was written/,
    setup: (dir) => {
      fs.rmSync(path.join(dir, '.cdk8s-gitops/manifest.json'));
      fs.appendFileSync(path.join(dir, 'projects/prod.yaml'), '# reviewed by hand\n');
    },
    at: () => 'projects/prod.yaml',
  },
  // Release commands.
  {
    name: 'an unknown service',
    args: ['promote', 'payments', '--ring', 'nonprod', '--digest', D2],
    code: 'CG306',
    says: /no service "payments"; it has payments-api/,
  },
  {
    name: 'an unknown ring',
    args: ['promote', 'payments-api', '--ring', 'production', '--digest', D2],
    code: 'CG605',
    says: /"nonprod", "prod-canary", "prod"/,
  },
  {
    name: 'a digest that is not one',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', 'sha256:XYZ'],
    code: 'CG608',
    says: /is not a digest/,
  },
  {
    name: 'a tag where the ring takes only digests',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', '1.4.2'],
    code: 'CG608',
    says: /is a tag, but this ring takes only digests/,
  },
  {
    name: '--digest and --from that disagree',
    args: ['promote', 'payments-api', '--ring', 'prod-canary', '--digest', D3, '--from', 'nonprod'],
    code: 'CG609',
    says: /--digest sha256:cccccccc and --from nonprod disagree: "nonprod" runs sha256:2e8f1a31/,
  },
  {
    name: 'a digest that skips rings, without approval',
    args: ['promote', 'payments-api', '--ring', 'prod', '--digest', D2],
    code: 'CG601',
    says: /2 problems found:[\s\S]*CG601[\s\S]*CG604/,
  },
  {
    name: '--from a ring that is not the one before',
    args: ['promote', 'payments-api', '--ring', 'prod', '--from', 'nonprod', '--approved-by', 'bob'],
    code: 'CG601',
  },
  {
    name: 'promote without --digest or --from',
    args: ['promote', 'payments-api', '--ring', 'nonprod'],
    code: 'CG301',
    says: /needs --digest or --from/,
  },
  {
    name: 'promote without a service',
    args: ['promote', '--ring', 'nonprod', '--digest', D2],
    code: 'CG301',
    says: /takes one service name; received none/,
  },
  {
    name: 'rollback with both --previous and --to',
    args: ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--to', D2, '--reason', 'x'],
    code: 'CG301',
    says: /exactly one of --previous and --to/,
  },
  {
    name: 'rollback without --reason',
    args: ['rollback', 'payments-api', '--ring', 'prod', '--previous'],
    code: 'CG301',
    says: /needs --reason/,
  },
  {
    name: 'rollback with no earlier release',
    args: ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'x'],
    code: 'CG606',
  },
  {
    name: 'rollback to a digest not in the history',
    args: ['rollback', 'payments-api', '--ring', 'prod', '--to', D2, '--reason', 'x'],
    code: 'CG606',
  },
  { name: 'unhold of a ring that is not held', args: ['unhold', 'payments-api', '--ring', 'prod'], code: 'CG607' },
  {
    name: '--branch without --publish',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--branch'],
    code: 'CG301',
    says: /takes --branch only with --publish/,
  },
  {
    name: 'an unknown flag',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--force'],
    code: 'CG301',
    says: /Unknown option --force for promote\.\n?.* Fix: .*\nUsage: cdk8s-gitops promote <service>/,
  },
  { name: 'an unknown format', args: ['synth', '--format', 'yaml'], code: 'CG301' },
  {
    name: 'a clock that is not a time',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D2],
    code: 'CG307',
    env: { CDK8S_GITOPS_NOW: 'tomorrow' },
  },
  {
    name: 'a clock without a time zone',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D2],
    code: 'CG307',
    says: /CG307 CDK8S_GITOPS_NOW "2026-11-22T10:00:00" has no time zone, so it would mean another instant in each time zone it runs in\. Fix: Give the zone: Z for UTC \(CDK8S_GITOPS_NOW=2026-11-22T10:00:00Z\) or an offset such as \+01:00, or unset it; this machine would read it as 2026-11-22T18:00:00Z\.\n$/,
    env: { CDK8S_GITOPS_NOW: '2026-11-22T10:00:00', TZ: 'America/Los_Angeles' },
  },
  {
    name: 'a promoter named on two lines',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--by', 'car\nol'],
    code: 'CG301',
    says: /promote --by "car\\nol" is not a name a ledger and a commit can record/,
  },
  {
    name: 'an approver with no name',
    args: ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--by', 'carol', '--approved-by', ' '],
    code: 'CG301',
    says: /--approved-by " " is not a name/,
  },
  {
    name: 'a CI user with a control character, for a rollback',
    args: ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'broken'],
    code: 'CG301',
    says: /rollback --by "ci\\u001bbot" is not a name/,
    env: { GITHUB_ACTOR: 'ci\u001bbot' },
  },
  {
    name: 'a publisher named on two lines',
    args: ['publish', '--by', 'a\rb'],
    code: 'CG301',
    says: /publish --by "a\\rb" is not a name/,
  },
  {
    name: 'a program that crashes',
    args: ['synth', '--app', 'node -e "process.exit(3)"'],
    code: 'CG304',
    says: /exited with 3 without handing over a model/,
  },
];

describe('mistakes through the CLI', () => {
  let base: string;
  let results: { c: Case; dir: string; before: Map<string, string>; lines: string[]; result: CliResult }[];

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-cli-'));
    // The first synth runs the example program as cdk8s.yaml says, and keeps the model it hands
    // over; the cases replay that model, so each run costs a CLI start, not a TypeScript compile.
    const model = path.join(base, 'model.json');
    const app = `${parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')).app} && cp "$CDK8S_GITOPS_MODEL_OUT" ${JSON.stringify(model)}`;
    const first = await runCli(['synth', '--out', path.join(base, 'base'), '--app', app]);
    if (first.code !== 0) throw new Error(`synth failed: ${first.stderr}`);
    const replay = `cp ${JSON.stringify(model)} "$CDK8S_GITOPS_MODEL_OUT"`;
    const prepared = CASES.map((c, i) => {
      const dir = path.join(base, `case-${i}`);
      fs.cpSync(path.join(base, 'base'), dir, { recursive: true });
      const lines = fs.readFileSync(path.join(dir, LEDGER), 'utf8').split('\n');
      if (c.edit) {
        c.edit(lines);
        fs.writeFileSync(path.join(dir, LEDGER), lines.join('\n'));
      }
      c.setup?.(dir);
      return { c, dir, lines, before: readTree(dir) };
    });
    const ran = await inBatches(
      prepared.map((p) => () => {
        const withApp = p.c.program || p.c.args.includes('--app') ? p.c.args : [...p.c.args, '--app', replay];
        return runCli([...withApp, '--out', p.dir], p.c.env);
      }),
      4,
    );
    results = prepared.map((p, i) => ({ ...p, result: ran[i] }));
  }, 120_000);

  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  test.each(CASES.map((c, i) => [c.name, i] as const))('fails on %s, and changes nothing', (_name, i) => {
    const { c, dir, before, lines, result } = results[i];
    expect(result.stderr).not.toContain('Internal error');
    expect(result.stderr).toMatch(/^Error: /);
    expect(result.stderr).toContain(c.code);
    if (c.says) expect(result.stderr).toMatch(c.says);
    if (c.at) expect(result.stderr).toContain(`[${c.at(lines)}] ${c.code}`);
    expect(result.stderr).toContain('Fix: ');
    expect(result.code).toBe(1);
    expect(treeDiff(before, readTree(dir))).toEqual([]);
  });

  test('covers every kind of mistake once', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });
});
