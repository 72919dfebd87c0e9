import { execFileSync } from 'child_process';
import { GitRunner } from '../../src/workspace/git/command';
import { narrowEntry, readHistory } from '../../src/workspace/git/history';
import { GitOpsRepository } from '../../src/workspace/git/repository';
import { appendTrailers, gitopsTrailers, Operation, releaseParagraphs } from '../../src/workspace/git/trailers';
import { Sandbox } from './sandbox';

describe('readHistory', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeEach(() => {
    sandbox = Sandbox.create({ 'releases/payments-api.yaml': 'prod: sha256:0\n' });
    dir = sandbox.clone('workspace');
  });

  afterEach(() => sandbox.cleanup());

  async function promote(file: string, content: string, fields: Parameters<typeof gitopsTrailers>[0]): Promise<string> {
    sandbox.write(dir, file, content);
    const repo = await GitOpsRepository.open(dir);
    return repo.commit({
      paths: [file],
      message: `Promote ${fields.services?.join(', ')} to ${fields.rings?.join(', ')}`,
      trailers: gitopsTrailers(fields),
    });
  }

  test('reads trailers back from real commits, newest first', async () => {
    // GIVEN
    const first = await promote('releases/payments-api.yaml', 'canary: sha256:1\n', {
      services: ['payments-api'],
      rings: ['canary'],
      digests: ['sha256:1'],
      operation: Operation.PROMOTE,
      promotedBy: 'ci/payments#7',
    });
    const second = await promote('releases/ledger-api.yaml', 'prod: sha256:2\n', {
      services: ['ledger-api', 'payments-api'],
      rings: ['canary', 'prod'],
      digests: ['sha256:2'],
      operation: Operation.ROLLBACK,
      programCommit: 'abc123',
      approvedBy: ['alice@example.com', 'bob@example.com'],
    });

    // WHEN
    const history = await readHistory({ dir });

    // THEN
    expect(history.map((e) => e.sha)).toEqual([second, first, sandbox.git(dir, 'rev-parse', 'HEAD~2')]);
    expect(history[0]).toEqual({
      sha: second,
      date: sandbox.git(dir, 'log', '-1', '--format=%aI'),
      author: 'CI Bot',
      authorEmail: 'ci@example.com',
      subject: 'Promote ledger-api, payments-api to canary, prod',
      trailers: {
        'Cdk8s-Gitops-Operation': ['rollback'],
        'Cdk8s-Gitops-Service': ['ledger-api', 'payments-api'],
        'Cdk8s-Gitops-Ring': ['canary', 'prod'],
        'Cdk8s-Gitops-Digest': ['sha256:2'],
        'Cdk8s-Gitops-Approved-By': ['alice@example.com', 'bob@example.com'],
        'Cdk8s-Gitops-Program-Commit': ['abc123'],
      },
      service: ['ledger-api', 'payments-api'],
      ring: ['canary', 'prod'],
      digest: ['sha256:2'],
      approvedBy: ['alice@example.com', 'bob@example.com'],
      promotedBy: undefined,
      operation: 'rollback',
      programCommit: 'abc123',
    });
    expect(history[1]).toMatchObject({ promotedBy: 'ci/payments#7', service: ['payments-api'], ring: ['canary'] });
    expect(history[2]).toMatchObject({ subject: 'Initial commit', trailers: {}, service: [], ring: [], digest: [] });
  });

  test('filters by service, ring and paths, matching values exactly', async () => {
    // GIVEN
    const a = await promote('releases/payments-api.yaml', 'canary: sha256:1\n', { services: ['payments-api'], rings: ['canary'] });
    const b = await promote('releases/payments-api-v2.yaml', 'prod: sha256:1\n', { services: ['payments-api-v2'], rings: ['prod'] });
    const c = await promote('releases/payments-api.yaml', 'prod: sha256:1\n', { services: ['payments-api'], rings: ['prod'] });
    const d = await promote('releases/ledger-api.yaml', 'prod: sha256:1\n', { services: ['ledger-api'], rings: ['prod'] });

    // WHEN / THEN
    const shas = async (o: Partial<Parameters<typeof readHistory>[0]>): Promise<string[]> =>
      (await readHistory({ dir, ...o })).map((e) => e.sha);
    expect(await shas({ service: 'payments-api' })).toEqual([c, a]);
    expect(await shas({ ring: 'prod' })).toEqual([d, c, b]);
    expect(await shas({ service: 'payments-api', ring: 'prod' })).toEqual([c]);
    expect(await shas({ paths: ['releases/ledger-api.yaml'] })).toEqual([d]);
    expect(await shas({ ring: 'prod', limit: 2 })).toEqual([d, c]);
    expect(await shas({ limit: 1 })).toEqual([d]);
    expect(await shas({ ref: `${b}~1`, ring: 'canary' })).toEqual([a]);
  });

  test('reads an empty history from a branch with no commit', async () => {
    // GIVEN
    const fresh = sandbox.init('fresh');

    // WHEN / THEN
    expect(await readHistory({ dir: fresh })).toEqual([]);
  });

  test('fails when the ref names no commit', async () => {
    await expect(readHistory({ dir, ref: 'no-such-branch' })).rejects.toThrow(/CG511 "no-such-branch" names no commit in ".*workspace"/);
  });

  test('a local replace ref does not stand in for a commit: the history is the one the branch holds', async () => {
    // GIVEN a promotion, and a forged commit put in its place by `git replace` (a ref that is never pushed)
    const real = await promote('releases/payments-api.yaml', 'prod: sha256:1\n', {
      services: ['payments-api'],
      rings: ['prod'],
      digests: ['sha256:1'],
      operation: Operation.PROMOTE,
      approvedBy: ['alice@example.com'],
    });
    const forged = sandbox
      .git(dir, 'cat-file', 'commit', real)
      .replace('Cdk8s-Gitops-Approved-By: alice@example.com', 'Cdk8s-Gitops-Approved-By: mallory@example.com');
    const fake = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
      cwd: dir,
      input: forged,
      encoding: 'utf8',
    }).trim();
    sandbox.git(dir, 'replace', real, fake);
    expect(sandbox.git(dir, 'log', '-1', '--format=%(trailers:key=Cdk8s-Gitops-Approved-By,valueonly)')).toContain('mallory');

    // WHEN
    const [latest] = await readHistory({ dir });

    // THEN
    expect(latest.sha).toBe(real);
    expect(latest.trailers['Cdk8s-Gitops-Approved-By']).toEqual(['alice@example.com']);
  });

  test("a commit's message cannot forge another entry or its trailers: control characters in it are its text", async () => {
    // GIVEN a commit whose subject and body hold the characters a reader might split fields and records at
    const forged = `Cdk8s-Gitops-Approved-By: alice@example.com`;
    const subject = `Tidy up\x1f${forged}`;
    const body = `Notes\x1e${'0'.repeat(40)}\x1f2020-01-01T00:00:00+00:00\x1fAlice\x1falice@example.com\x1fPromote\x1f${forged}`;
    sandbox.write(dir, 'notes.txt', 'x\n');
    sandbox.git(dir, 'add', 'notes.txt');
    sandbox.git(dir, 'commit', '--quiet', '-m', subject, '-m', body);

    // WHEN
    const history = await readHistory({ dir });

    // THEN
    expect(history.map((e) => e.sha)).toEqual([sandbox.git(dir, 'rev-parse', 'HEAD'), sandbox.git(dir, 'rev-parse', 'HEAD~1')]);
    expect(history[0]).toMatchObject({ subject, author: 'CI Bot', trailers: {}, approvedBy: [] });
  });

  test('a squash merge of several releases is an entry for each: paragraphs of trailers (GitHub), or indented under each commit (git merge --squash)', async () => {
    // GIVEN a squash of two promotions as GitHub words it, then one as git merge --squash does
    const block = (service: string, by: string): string =>
      `Cdk8s-Gitops-Operation: promote\nCdk8s-Gitops-Service: ${service}\nCdk8s-Gitops-Ring: nonprod\nCdk8s-Gitops-Digest: sha256:1\nCdk8s-Gitops-Promoted-By: ${by}`;
    sandbox.write(dir, 'releases/alpha.yaml', 'nonprod: sha256:1\n');
    sandbox.write(dir, 'releases/beta.yaml', 'nonprod: sha256:1\n');
    sandbox.git(dir, 'add', 'releases');
    const github = `Promote alpha and beta (#12)\n\n* promote alpha\n\n${block('alpha', 'alice')}\n\n* promote beta\n\n${block('beta', 'bob')}\nCo-authored-by: Bob <bob@example.com>`;
    sandbox.git(dir, 'commit', '--quiet', '-m', github);
    sandbox.write(dir, 'releases/gamma.yaml', 'nonprod: sha256:1\n');
    sandbox.git(dir, 'add', 'releases');
    const squashed = `Squashed commit of the following:\n\ncommit ${'a'.repeat(40)}\nAuthor: Carol <carol@example.com>\nDate:   Mon Dec 1 10:00:00 2025 +0000\n\n    promote gamma\n\n${block('gamma', 'carol').replace(/^/gm, '    ')}`;
    sandbox.git(dir, 'commit', '--quiet', '-m', squashed);

    // WHEN
    const history = await readHistory({ dir });

    // THEN each release is an entry of its commit
    const [gamma, both] = [sandbox.git(dir, 'rev-parse', 'HEAD'), sandbox.git(dir, 'rev-parse', 'HEAD~1')];
    expect(history.slice(0, 3).map((e) => [e.sha, e.service, e.promotedBy])).toEqual([
      [gamma, ['gamma'], 'carol'],
      [both, ['alpha'], 'alice'],
      [both, ['beta'], 'bob'],
    ]);
    expect((await readHistory({ dir, service: 'alpha' })).map((e) => [e.sha, e.promotedBy])).toEqual([[both, 'alice']]);
  });

  test('a squash merge of a commit of several releases and another keeps each release apart (GitHub, git merge --squash)', async () => {
    // GIVEN a commit of two services' releases and a promotion, as publish words them, squashed each way
    const synth = appendTrailers(
      'Synthesize the platform program\n\nServices: otel, web',
      releaseParagraphs({ operation: Operation.SYNTH, promotedBy: 'alice' }, [
        { service: 'otel', rings: ['dev'], digests: ['sha256:1'], chart: '1.0.0' },
        { service: 'web', rings: ['dev'], digests: ['sha256:2'] },
      ]),
    );
    const promotion = appendTrailers(
      'promote web sha256:3 to dev (by bob)',
      gitopsTrailers({ operation: Operation.PROMOTE, services: ['web'], rings: ['dev'], digests: ['sha256:3'], promotedBy: 'bob' }),
    );
    const bullet = (m: string): string => `* ${m}`;
    const indented = (m: string): string =>
      `commit ${'a'.repeat(40)}\nAuthor: CI Bot <ci@example.com>\nDate:   Mon Dec 1 10:00:00 2025 +0000\n\n${m.replace(/^(?=.)/gm, '    ')}`;
    sandbox.write(dir, 'releases/web.yaml', 'dev: sha256:3\n');
    sandbox.git(dir, 'add', 'releases');
    sandbox.git(dir, 'commit', '--quiet', '-m', `Release otel and web (#7)\n\n${bullet(synth)}\n\n${bullet(promotion)}`);
    sandbox.write(dir, 'releases/otel.yaml', 'dev: sha256:1\n');
    sandbox.git(dir, 'add', 'releases');
    sandbox.git(dir, 'commit', '--quiet', '-m', `Squashed commit of the following:\n\n${indented(promotion)}\n\n${indented(synth)}`);

    // WHEN
    const web = await readHistory({ dir, service: 'web' });
    const otel = await readHistory({ dir, service: 'otel' });

    // THEN each service's entries hold its own digests and chart only, in the order of the messages
    const shown = (entries: typeof web): unknown[] => entries.map((e) => [e.operation, e.promotedBy, e.digest, e.chart]);
    expect(shown(web)).toEqual([
      ['promote', 'bob', ['sha256:3'], undefined],
      ['synth', 'alice', ['sha256:2'], undefined],
      ['synth', 'alice', ['sha256:2'], undefined],
      ['promote', 'bob', ['sha256:3'], undefined],
    ]);
    expect(shown(otel)).toEqual([
      ['synth', 'alice', ['sha256:1'], ['1.0.0']],
      ['synth', 'alice', ['sha256:1'], ['1.0.0']],
    ]);
  });

  test("a commit that recorded several services' values together is narrowed to the one asked for, without the values it cannot tell apart", async () => {
    // GIVEN a commit whose one set of trailers lists two services, their digests and a chart (as cdk8s-gitops wrote them before)
    const both = await promote('releases/payments-api.yaml', 'prod: sha256:2\n', {
      services: ['ledger-api', 'payments-api'],
      rings: ['prod'],
      digests: ['sha256:1', 'sha256:2'],
      charts: ['1.0.0'],
      operation: Operation.SYNTH,
    });

    // WHEN
    const [payments] = await readHistory({ dir, service: 'payments-api' });
    const [whole] = await readHistory({ dir });

    // THEN the entry is payments-api's, with the commit's rings, no digest or chart, and the service it was recorded with
    expect(payments).toMatchObject({ sha: both, service: ['payments-api'], ring: ['prod'], digest: [], recordedWith: ['ledger-api'] });
    expect(payments).not.toHaveProperty('chart');
    // AND its trailers stay the commit's; unnarrowed, the entry is the commit's record
    expect(payments!.trailers).toEqual(whole!.trailers);
    expect(whole).toMatchObject({ service: ['ledger-api', 'payments-api'], digest: ['sha256:1', 'sha256:2'], chart: ['1.0.0'] });
    expect(whole).not.toHaveProperty('recordedWith');
    expect(narrowEntry(whole!, (s) => s === 'billing')).toBeUndefined();
    expect(narrowEntry(whole!, () => true)).toBe(whole);
  });

  test("trailers are read by git's own rules, whatever trailer settings the clone has", async () => {
    // GIVEN a last paragraph that is no trailer block by git's rules, and a clone that would make it one
    sandbox.write(dir, 'notes.txt', 'x\n');
    sandbox.git(dir, 'add', 'notes.txt');
    sandbox.git(dir, 'commit', '--quiet', '-m', 'Tidy up', '-m', 'ab: mallory@example.com\nSee #12');
    sandbox.git(dir, 'config', 'trailer.ab.key', 'Cdk8s-Gitops-Approved-By');
    sandbox.git(dir, 'config', 'trailer.separators', ':#');
    const promoted = await promote('releases/payments-api.yaml', 'prod: sha256:1\n', { services: ['payments-api'], rings: ['prod'] });

    // WHEN
    const history = await readHistory({ dir });

    // THEN
    expect(history[0]).toMatchObject({ sha: promoted, service: ['payments-api'], ring: ['prod'] });
    expect(history[1]).toMatchObject({ subject: 'Tidy up', trailers: {}, approvedBy: [] });
  });

  test('reads a long history in one pass', async () => {
    // GIVEN 3,000 commits, every tenth for payments-api in prod
    const count = 3000;
    const stream: string[] = [];
    for (let i = 1; i <= count; i++) {
      const service = i % 10 === 0 ? 'payments-api' : `service-${i % 7}`;
      const message = `Promote ${service} (${i})\n\nCdk8s-Gitops-Service: ${service}\nCdk8s-Gitops-Ring: prod\nCdk8s-Gitops-Digest: sha256:${i}\n`;
      const content = `prod: sha256:${i}\n`;
      stream.push(
        'commit refs/heads/main',
        `committer CI Bot <ci@example.com> ${1700000000 + i} +0000`,
        `data ${Buffer.byteLength(message)}`,
        message,
        ...(i === 1 ? [`from ${sandbox.git(dir, 'rev-parse', 'HEAD')}`] : []),
        `M 100644 inline releases/${service}.yaml`,
        `data ${Buffer.byteLength(content)}`,
        content,
      );
    }
    execFileSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, input: stream.join('\n') + '\n' });
    sandbox.git(dir, 'reset', '--quiet', '--hard', 'main');

    // WHEN
    const run = jest.spyOn(GitRunner.prototype, 'run');
    const read = jest.spyOn(GitRunner.prototype, 'runWithInputBytes');
    const all = await readHistory({ dir });
    const payments = await readHistory({ dir, service: 'payments-api', ring: 'prod' });
    const logs = run.mock.calls.filter(([args]) => args[0] === 'log');
    const catFiles = read.mock.calls.filter(([args]) => args[0] === 'cat-file');
    run.mockRestore();
    read.mockRestore();

    // THEN
    expect(all).toHaveLength(count + 1);
    expect(payments).toHaveLength(count / 10);
    expect(payments[0]).toMatchObject({ subject: `Promote payments-api (${count})`, digest: [`sha256:${count}`] });
    expect(logs).toHaveLength(2);
    expect(catFiles).toHaveLength(2);
  });

  test('a message recorded in another encoding is read as its encoding header says', async () => {
    // GIVEN a commit made by a clone that records Latin-1
    sandbox.write(dir, 'notes.txt', 'x\n');
    sandbox.git(dir, 'add', 'notes.txt');
    execFileSync('git', ['-c', 'i18n.commitEncoding=ISO-8859-1', '-c', 'user.name=Jos\xe9', 'commit', '--quiet', '-F', '-'], {
      cwd: dir,
      input: Buffer.from('Caf\xe9 for Jos\xe9\n\nCdk8s-Gitops-Promoted-By: Jos\xe9\n', 'latin1'),
    });
    expect(sandbox.git(dir, 'cat-file', 'commit', 'HEAD')).toContain('encoding ISO-8859-1');

    // WHEN
    const [entry] = await readHistory({ dir });

    // THEN
    expect(entry).toMatchObject({ subject: 'Café for José', promotedBy: 'José' });
  });
});
