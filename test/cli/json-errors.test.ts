/**
 * A command run with `--format json` that fails prints one JSON document of the error on stdout
 * (every problem with its code, message, place and fix) and the message for people on stderr,
 * with the exit code of a text run.
 */
import * as path from 'path';
import { errorDocument } from '../../src/cli/error-document';
import { GitOpsError } from '../../src/core/errors';
import { CliRun, runCli } from '../support/cli';
import { useProgramCheckout } from '../support/program-checkout';

const ROOT = path.resolve(__dirname, '..', '..');
const NOW = '2026-11-22T10:00:00Z';
const PROGRAM = `
const { Cloud, Cluster, Environment, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev');
const aws = new Cloud(platform, 'aws');
const svc = new Service(platform, 'api', { image: { repository: 'registry.example.com/api' }, initialDigest: 'sha256:${'a'.repeat(64)}' });
for (const n of ['eu-01', 'eu-02', 'eu-03', 'eu-04', 'eu-05']) svc.deployTo(new Cluster(dev, n, { cloud: aws, region: 'eu-central-1' }));
new PromotionRing(platform, 'canary', { targets: Targets.label('ring', 'canary') });
platform.synth();
`;

/** The JSON document on stdout of a failed run, which must be the only thing there. */
function errorOf(r: CliRun): any {
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^Error: /);
  return JSON.parse(r.stdout);
}

describe('--format json on a failure', () => {
  const checkout = useProgramCheckout(PROGRAM, 'json-errors');
  const run = (args: string[]) => runCli(args, { out: checkout.out, now: NOW, app: checkout.app });

  test("prints every problem of a program's error, each with its code, message, place and fix", async () => {
    // WHEN plan and synth run a program with problems of several kinds, grouped on stderr
    for (const command of ['plan', 'synth']) {
      const r = await run([command, '--format', 'json']);

      // THEN stdout is one document naming every problem, none grouped or left out
      const doc = errorOf(r);
      expect(r.stderr).toContain('more CG116 like it');
      expect(Object.keys(doc)).toEqual(['error']);
      expect(doc.error.code).toBe(doc.error.problems[0].code);
      expect(typeof doc.error.message).toBe('string');
      const cg116 = doc.error.problems.filter((p: any) => p.code === 'CG116');
      expect(cg116.map((p: any) => p.constructPath)).toEqual(
        ['eu-01', 'eu-02', 'eu-03', 'eu-04', 'eu-05'].map((n) => `platform/api/dev/aws/${n}`),
      );
      for (const p of doc.error.problems) {
        expect(Object.keys(p).sort()).toEqual(expect.arrayContaining(['code', 'fix', 'message']));
        expect(p.fix.length).toBeGreaterThan(0);
        expect(r.stderr).toContain(`${p.code} `);
      }
    }
  });

  test('prints the error of arguments that do not parse, of a bad value and of an unknown command', async () => {
    // WHEN check has an unknown option, history an unknown service, and a command is misspelt
    const unknownOption = await run(['check', '--format', 'json', '--no-such-option']);
    const unknownService = await run(['history', 'no-such-service', '--format=json']);
    const unknownCommand = await run(['chek', '--format', 'json']);

    // THEN each prints its error as JSON on stdout, and its message on stderr
    expect(errorOf(unknownOption).error).toMatchObject({
      code: 'CG301',
      problems: [{ code: 'CG301', message: expect.stringContaining('--no-such-option'), fix: expect.stringContaining('check --help') }],
    });
    expect(unknownOption.stderr).toContain('Usage: cdk8s-gitops check');
    const service = errorOf(unknownService).error;
    expect(service.problems).toHaveLength(1);
    expect(unknownService.stderr).toContain(`${service.code} ${service.problems[0].message}`);
    expect(errorOf(unknownCommand).error).toMatchObject({ code: 'CG311', problems: [{ message: expect.stringContaining('"chek"') }] });
  });

  test('quotes no credentials of a URL it was given', async () => {
    // WHEN the program's command, which the error quotes, holds a URL with a password
    const app = "node -e '' https://alice:hunter2secret@git.example.com/platform/x.git";
    const r = await run(['plan', '--app', app, '--format', 'json']);

    // THEN the document quotes the URL without the password, as stderr does
    expect(errorOf(r).error.problems[0].message).toContain('https://alice:***@git.example.com/platform/x.git');
    expect(r.stdout).not.toContain('hunter2secret');
    expect(r.stderr).not.toContain('hunter2secret');
  });

  test('prints nothing on stdout in text, as before', async () => {
    const r = await run(['plan']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});

describe('errorDocument', () => {
  test('says of an internal error only that it is one: its message and stack stay on stderr', () => {
    // WHEN an error that is not a GitOpsError quotes what was read
    const doc = errorDocument(new Error('unexpected token in "password: hunter2"'));

    // THEN the document has no code, no problems and none of that text
    expect(doc.error).toMatchObject({ code: null, problems: [], internal: true });
    expect(JSON.stringify(doc)).not.toContain('hunter2');
  });

  test("names a problem's place by the fields it has", () => {
    const doc = errorDocument(
      new GitOpsError([
        { code: 'CG413', message: 'edited', fix: 'put it back', file: 'STATUS.md', line: 3 },
        { code: 'CG101', message: 'bad name', fix: 'rename it', constructPath: 'platform/Prod' },
      ]),
    );
    expect(doc.error.problems).toEqual([
      { code: 'CG413', message: 'edited', fix: 'put it back', file: 'STATUS.md', line: 3 },
      { code: 'CG101', message: 'bad name', fix: 'rename it', constructPath: 'platform/Prod' },
    ]);
    expect(doc.error.message).toBe('2 problems found:');
  });
});
