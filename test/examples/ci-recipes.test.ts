/**
 * The CI recipes in examples/ci: valid YAML, and every `cdk8s-gitops` command they run works
 * against the real CLI (`bin/cdk8s-gitops.js`, built by `npm test`): each job's commands are run
 * in order, in a workspace laid out as the job lays it out (the platform program, with a clone of
 * the GitOps repository in `platform-gitops/`; for an application repository's job, the clone
 * alone, without the program), against a bare repository as the remote.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseDocument } from 'yaml';
import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets } from '../../src';
import { snapshotPlatform } from '../../src/constructs/snapshot';
import { buildTree } from '../../src/workspace/build';
import { PlatformModel } from '../../src/model/platform-model';
import { writeTree } from '../../src/workspace/checkout/writer';
import { Sandbox } from '../git/sandbox';
import { runBin, writeFixedProgram } from '../support/cli';

const ROOT = path.join(__dirname, '..', '..');
const RECIPES = path.join(ROOT, 'examples', 'ci');
const DIGEST = `sha256:${'c0ffee00'.repeat(8)}`;
const SEED_DIGEST = `sha256:${'1'.repeat(64)}`;

/** The platform the recipes run against; `withOrders` adds a service, a change to plan and publish. */
function platformModel(withOrders: boolean): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
  const aws = new Cloud(platform, 'aws');
  new Cluster(nonprod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
  new Cluster(prod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
  new Service(platform, 'payments-api', {
    image: { repository: 'registry.example.com/payments-api' },
    initialDigest: SEED_DIGEST,
  }).deployTo([nonprod, prod]);
  if (withOrders) {
    new Service(platform, 'orders-api', { image: { repository: 'registry.example.com/orders-api' }, initialDigest: SEED_DIGEST }).deployTo(
      nonprod,
    );
  }
  return snapshotPlatform(platform);
}

/** One `cdk8s-gitops …` invocation found in a recipe. */
interface Invocation {
  readonly line: string;
  readonly args: string[];
  /** `> file` */
  readonly stdoutTo?: string;
  /** The line accepts exit code 2 (`… || test $? -eq 2`). */
  readonly acceptsChanges: boolean;
}

/** A job: its name and the shell scripts it runs, in order, with the variables they see. */
interface Job {
  readonly name: string;
  readonly scripts: string[];
  readonly variables: Record<string, string>;
}

/** Literal variables of a map (`${{ … }}` expressions are left to the test to supply). */
function literals(map: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((map ?? {}) as Record<string, unknown>)
      .filter(([, v]) => typeof v === 'string' && !v.includes('${{'))
      .map(([k, v]) => [k, v as string]),
  );
}

const GITLAB_KEYWORDS = new Set([
  'default',
  'stages',
  'variables',
  'workflow',
  'include',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
]);

function gitlabJobs(doc: any): Job[] {
  const scripts = (v: unknown): string[] => (v === undefined ? [] : (v as string[]).map(String));
  return Object.entries(doc)
    .filter(([k]) => !GITLAB_KEYWORDS.has(k) && !k.startsWith('.'))
    .map(([name, job]: [string, any]) => ({
      name,
      scripts: [...scripts(job.before_script ?? doc.default?.before_script), ...scripts(job.script)],
      variables: { ...literals(doc.variables), ...literals(job.variables) },
    }));
}

function githubJobs(doc: any): Job[] {
  return Object.entries(doc.jobs).map(([name, job]: [string, any]) => ({
    name,
    scripts: (job.steps as any[]).filter((s) => typeof s.run === 'string').map((s) => s.run as string),
    variables: {
      ...literals(doc.env),
      ...literals(job.env),
      ...Object.assign({}, ...(job.steps as any[]).map((s) => literals(s.env))),
    },
  }));
}

/** The `cdk8s-gitops` invocations of a script, with variables expanded from `vars`. */
function invocations(script: string, vars: Record<string, string>): Invocation[] {
  const out: Invocation[] = [];
  for (const line of script.replace(/\\\n\s*/g, ' ').split('\n')) {
    const m = /(?:^|[\s;&|(])(?:npx\s+(?:--yes\s+)?)?cdk8s-gitops(?:@[\w.]+)?\s+(?=[a-z])/.exec(line);
    if (!m) continue;
    const rest = line.slice(m.index + m[0].length);
    const { words, stop } = lex(rest, vars);
    let stdoutTo: string | undefined;
    let after = rest.slice(stop);
    if (after.startsWith('>')) {
      const target = lex(after.slice(1), vars);
      stdoutTo = target.words[0];
      after = after.slice(1 + target.stop);
    }
    out.push({
      line: line.trim(),
      args: words,
      ...(stdoutTo ? { stdoutTo } : {}),
      acceptsChanges: /^\s*\|\|\s*test \$\? -eq 2\s*$/.test(after),
    });
  }
  return out;
}

/** Shell words up to the first unquoted operator; `$VAR` and `${VAR}` expand from `vars`. */
function lex(text: string, vars: Record<string, string>): { words: string[]; stop: number } {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const expand = (): string => {
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i));
    if (!m) throw new Error(`Unsupported expansion at "${text.slice(i)}"`);
    const name = m[1] ?? m[2];
    if (!(name in vars)) throw new Error(`The recipe uses $${name}, which the test does not know.`);
    i += m[0].length;
    return vars[name];
  };
  for (; i < text.length;) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if ('|&;>)<'.includes(c)) {
      break;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word = word ?? '';
      i++;
      while (text[i] !== '"') {
        if (i >= text.length) throw new Error(`Unterminated quote in "${text}"`);
        if (text[i] === '$') word += expand();
        else word += text[i++];
      }
      i++;
    } else if (c === '$') {
      word = (word ?? '') + expand();
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return { words, stop: i };
}

/** The bare remote seeded with the tree of the platform without the change, and each job's result. */
function runRecipe(file: string, jobsOf: (doc: any) => Job[]): { sandbox: Sandbox; workspaces: Map<string, string>; ran: Invocation[] } {
  const sandbox = Sandbox.create();
  const seed = sandbox.clone('tree');
  writeTree(buildTree(platformModel(false), seed), seed);
  sandbox.git(seed, 'add', '--all');
  sandbox.git(seed, 'commit', '--quiet', '-m', 'Synthesize the platform');
  sandbox.git(seed, 'push', '--quiet', 'origin', 'main');

  const model = platformModel(true);
  const workspaces = new Map<string, string>();
  const ran: Invocation[] = [];
  for (const job of jobsOf(parse(fs.readFileSync(path.join(RECIPES, file), 'utf8')))) {
    const vars = { ...job.variables, DIGEST };
    const calls = job.scripts.flatMap((s) => invocations(s, vars));
    if (calls.length === 0) continue;
    // The job's workspace: the platform program (here, one that hands over a fixed model) and
    // a clone of the GitOps repository; an application repository's job has the clone only.
    const ws = path.join(sandbox.root, `${job.name}`);
    if (file.startsWith('app-repo')) fs.mkdirSync(ws, { recursive: true });
    else writeFixedProgram(ws, model);
    sandbox.clone(`${job.name}/platform-gitops`);
    workspaces.set(job.name, ws);
    for (const call of calls) {
      const r = runBin(ws, call.args, { CI: 'true', CDK8S_GITOPS_NOW: '2026-01-10T10:00:00Z' });
      const allowed = call.acceptsChanges ? [0, 2] : [0];
      if (!allowed.includes(r.status)) {
        throw new Error(`${file}, job ${job.name}: \`${call.line}\` exited with ${r.status}\n${r.stdout}\n${r.stderr}`);
      }
      if (call.stdoutTo) fs.writeFileSync(path.join(ws, call.stdoutTo), r.stdout);
      ran.push(call);
    }
  }
  return { sandbox, workspaces, ran };
}

const RECIPE_FILES = ['gitlab-ci.yml', 'github-actions.yml', 'app-repo-gitlab-ci.yml', 'app-repo-github-actions.yml'];
const jobsOf = (file: string): ((doc: any) => Job[]) => (file.includes('gitlab') ? gitlabJobs : githubJobs);

describe('CI recipes', () => {
  it('are the four recipes the README documents', () => {
    expect(fs.readdirSync(RECIPES).sort()).toEqual([...RECIPE_FILES].sort());
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const f of RECIPE_FILES) expect(readme).toContain(`examples/ci/${f}`);
  });

  it.each(RECIPE_FILES)('%s is valid YAML with the shape its CI expects', (file) => {
    // WHEN
    const doc = parseDocument(fs.readFileSync(path.join(RECIPES, file), 'utf8'), { uniqueKeys: true, strict: true, prettyErrors: true });

    // THEN
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    const data = doc.toJS();
    if (file.includes('gitlab')) {
      for (const job of gitlabJobs(data)) {
        expect(data.stages).toContain(data[job.name].stage);
        expect(Array.isArray(data[job.name].script)).toBe(true);
      }
    } else {
      expect(data.on).toBeDefined();
      for (const [, job] of Object.entries<any>(data.jobs)) {
        expect(job['runs-on']).toBe('ubuntu-latest');
        expect(job.steps.length).toBeGreaterThan(0);
      }
    }
  });

  it('use only commands that exist, each with --help and an example', () => {
    // GIVEN every command the recipes run
    const names = new Set(
      RECIPE_FILES.flatMap((file) =>
        jobsOf(file)(parse(fs.readFileSync(path.join(RECIPES, file), 'utf8')))
          .flatMap((job) => job.scripts.flatMap((s) => invocations(s, { ...job.variables, DIGEST })))
          .map((i) => i.args[0]),
      ),
    );

    // THEN
    expect([...names].sort()).toEqual(['check', 'plan', 'promote', 'publish', 'synth']);
    for (const name of names) {
      const r = runBin(ROOT, [name, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Example:');
    }
  });

  it.each(['gitlab-ci.yml', 'github-actions.yml'])(
    '%s plans and checks a change on a merge request, and publishes it on main',
    (file) => {
      // WHEN
      const { sandbox, workspaces, ran } = runRecipe(file, jobsOf(file));
      try {
        // THEN every command ran
        expect(ran.map((i) => i.args[0])).toEqual(['plan', 'synth', 'check', 'publish']);
        // the plan, for the merge-request comment, shows the new service
        const plan = fs.readFileSync(path.join(workspaces.get('plan')!, 'plan.md'), 'utf8');
        expect(plan).toMatch(/^### cdk8s-gitops plan\n/);
        expect(plan).toContain('environments/nonprod/aws/eu-central-1-01/orders-api/values.yaml');
        expect(plan).toContain('`orders-api-nonprod-aws-eu-central-1-01`');
        // the merge request changed nothing on the remote; the merge published exactly the change
        // (the new service's values and ledger, and its repository in the environment's AppProject)
        expect(sandbox.remoteLog()).toHaveLength(3);
        expect(sandbox.remoteFile('environments/nonprod/aws/eu-central-1-01/orders-api/values.yaml')).toContain('orders-api');
        expect(sandbox.git(sandbox.remote, 'show', '--name-only', '--format=', 'main').split('\n').sort()).toEqual([
          '.cdk8s-gitops/manifest.json',
          '.cdk8s-gitops/model/platform.json',
          '.cdk8s-gitops/model/services/orders-api.json',
          '.cdk8s-gitops/services/orders-api.json',
          'STATUS.md',
          'environments/nonprod/aws/eu-central-1-01/orders-api/values.yaml',
          'projects/nonprod.yaml',
          'releases/orders-api.yaml',
        ]);
      } finally {
        sandbox.cleanup();
      }
    },
    180_000,
  );

  it.each(['app-repo-gitlab-ci.yml', 'app-repo-github-actions.yml'])(
    '%s proposes the built digest for the first ring on a new branch, without the platform program',
    (file) => {
      // WHEN
      const { sandbox, workspaces, ran } = runRecipe(file, jobsOf(file));
      try {
        // THEN
        expect(ran.map((i) => i.args.slice(0, 2))).toEqual([['promote', 'payments-api']]);
        const branch = 'promote/payments-api/nonprod/c0ffee00';
        const result = JSON.parse(fs.readFileSync(path.join(workspaces.get('promote-nonprod')!, 'promote.json'), 'utf8'));
        expect(result.published).toMatchObject({ pushed: true, branch });
        const ledger = parse(sandbox.remoteFile('releases/payments-api.yaml', branch));
        expect(ledger.rings.nonprod.digest).toBe(DIGEST);
        expect(ledger.rings.prod.digest).toBe(SEED_DIGEST);
        expect(sandbox.remoteFile('environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml', branch)).toContain(DIGEST);
        // main is untouched until the merge request is merged
        expect(parse(sandbox.remoteFile('releases/payments-api.yaml')).rings.nonprod.digest).toBe(SEED_DIGEST);
      } finally {
        sandbox.cleanup();
      }
    },
    180_000,
  );
});
