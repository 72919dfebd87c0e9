import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../../core/errors';
import { parseCommandArgs } from '../args';
import { Command, usageError } from '../command';
import { ExitCode } from '../exit-code';
import { OWN_PACKAGE } from '../../core/version';
import { ARGUMENTS } from './arguments';
import { SUMMARIES } from './summaries';

/** What a new project pins next to cdk8s-gitops (the versions this package is built and tested with). */
const TOOL_VERSIONS = {
  tsx: OWN_PACKAGE.devDependencies?.tsx ?? '^4.20.0',
  typescript: OWN_PACKAGE.devDependencies?.typescript ?? '~5.9.3',
};

/**
 * `constructs`, which a program imports as soon as it writes a construct of its own (a team's,
 * say): the range this package depends on, so that both resolve to one copy.
 */
const CONSTRUCTS_VERSION = OWN_PACKAGE.dependencies?.constructs ?? '^10.0.0';

/** Entries a directory may already hold and still count as empty. */
const IGNORED_ENTRIES = new Set(['.git']);

export const initCommand: Command = {
  name: 'init',
  summary: SUMMARIES.init,
  usage: ARGUMENTS.init.usage,
  help: `Writes a small, working platform program into DIR (default: the current directory),
which must be empty or not exist yet (a .git directory is fine): platform.ts (two environments,
each with its own Argo CD, one cloud, a cluster in each environment, one service and two
promotion rings), cdk8s.yaml, package.json, tsconfig.json, a test, .gitignore and a README with
the next steps. Then run \`npm install && npm test\` in DIR.

Options:
  --sdk SPEC   the cdk8s-gitops dependency of the new package.json: a version range or a path
               to a package tarball (default: exactly this CLI's version)
  --format     text (default) or json

Example:
  cdk8s-gitops init my-platform && cd my-platform && npm install && npm test`,
  run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('init', argv, ARGUMENTS.init.options, ARGUMENTS.init.positionals);
    const format = ctx.format(values.format, ['text', 'json']);
    if (positionals.length > 1) {
      throw usageError(
        'init',
        `takes at most one directory; received ${positionals.map((p) => `"${p}"`).join(' ')}.`,
        'Run e.g. `cdk8s-gitops init my-platform`.',
      );
    }
    const dir = path.resolve(ctx.cwd, positionals[0] ?? '.');
    assertEmpty(dir);
    const sdk = sdkSpec(values.sdk, ctx.cwd);
    const files = scaffold({ name: packageName(path.basename(dir)), sdk });
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const created = Object.keys(files).sort();
    if (format === 'json') {
      ctx.stdout.write(`${JSON.stringify({ dir, created, sdk }, null, 2)}\n`);
      return ExitCode.OK;
    }
    const rel = path.relative(ctx.cwd, dir);
    for (const f of created) ctx.stdout.write(`${ctx.style('[+]')} ${f}\n`);
    ctx.stdout.write(
      [
        `Created a platform program in ${rel === '' ? 'the current directory' : rel}. Its package.json takes cdk8s-gitops ${sdk}` +
          (values.sdk === undefined
            ? ', the version that ran init (--sdk names another: a version range, or a tarball from npm pack).'
            : '.'),
        'Next:',
        ...(rel ? [`  cd ${shellWord(rel)}`] : []),
        '  npm install',
        '  npm test                                   # synthesizes into a temporary directory and type-checks',
        '  git clone <your GitOps repository> ../platform-gitops',
        '  npx cdk8s-gitops synth                     # into ../platform-gitops (gitops.checkout in cdk8s.yaml)',
        '',
      ].join('\n'),
    );
    return ExitCode.OK;
  },
};

function assertEmpty(dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) {
    throw GitOpsError.of('CG308', {
      message: `init: ${dir} exists and is not a directory.`,
    });
  }
  const entries = fs
    .readdirSync(dir)
    .filter((e) => !IGNORED_ENTRIES.has(e))
    .sort();
  if (entries.length === 0) return;
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
  throw GitOpsError.of('CG308', {
    message: `init: ${dir} is not empty (${shown}); init writes only into an empty directory so that it never overwrites your files.`,
    fix: 'Pass a new directory, e.g. `cdk8s-gitops init my-platform`, or empty this one first.',
  });
}

/** The cdk8s-gitops dependency: a tarball or directory on disk as `file:`, anything else as given. */
function sdkSpec(value: string | undefined, cwd: string): string {
  if (value === undefined || value.trim() === '') return OWN_PACKAGE.version;
  const onDisk = path.resolve(cwd, value);
  if (/^(\.{0,2}\/|[A-Za-z]:[\\/])/.test(value) || /\.tgz$/.test(value)) {
    if (!fs.existsSync(onDisk)) {
      throw usageError(
        'init',
        `--sdk "${value}" looks like a path, but ${onDisk} does not exist.`,
        'Pass the path of a tarball made by `npm pack`, or a version range such as ^0.1.0.',
      );
    }
    return `file:${onDisk}`;
  }
  return value;
}

/** A valid npm package name made from a directory name. */
function packageName(base: string): string {
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name || 'platform';
}

/** The files of a new project, by path. */
export function scaffold(options: { readonly name: string; readonly sdk: string }): Record<string, string> {
  return {
    'platform.ts': PLATFORM_TS,
    'cdk8s.yaml': CDK8S_YAML,
    'package.json': `${JSON.stringify(
      {
        name: options.name,
        version: '0.0.0',
        private: true,
        description:
          'The platform program: services, environments, clusters and promotion rings, synthesized into the GitOps repository by cdk8s-gitops.',
        scripts: {
          synth: 'cdk8s-gitops synth',
          plan: 'cdk8s-gitops plan',
          check: 'cdk8s-gitops check',
          test: 'tsc --noEmit && node --test test/platform.test.js',
        },
        dependencies: { 'cdk8s-gitops': options.sdk, constructs: CONSTRUCTS_VERSION },
        devDependencies: { tsx: TOOL_VERSIONS.tsx, typescript: TOOL_VERSIONS.typescript },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        include: ['platform.ts'],
      },
      null,
      2,
    )}\n`,
    'test/platform.test.js': PLATFORM_TEST,
    '.gitignore': 'node_modules/\ndist/\n',
    'README.md': README,
  };
}

const PLATFORM_TS = `/**
 * The platform program: which services run on which clusters, and how a new image digest moves
 * from nonprod to prod. \`npm run synth\` (or \`npx cdk8s-gitops synth --out DIR\`) writes the
 * GitOps repository Argo CD reconciles; see README.md.
 */
import {
  Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, SyncOption, SyncPolicy, Targets,
} from 'cdk8s-gitops';

const platform = new Platform({
  // The GitOps repository Argo CD reads, and where each service's Helm chart lives.
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});

const syncPolicy = SyncPolicy.automated({ prune: true, selfHeal: true, options: [SyncOption.CREATE_NAMESPACE] });

// Each environment has its own Argo CD (control plane), so nonprod and prod never share one.
const nonprod = new Environment(platform, 'nonprod', {
  controlPlane: new ControlPlane(platform, 'nonprod'),
  syncPolicy,
  values: { replicaCount: 1 },
});
const prod = new Environment(platform, 'prod', {
  controlPlane: new ControlPlane(platform, 'prod'),
  syncPolicy,
  values: { replicaCount: 3 },
});

const aws = new Cloud(platform, 'aws', { values: { ingress: { className: 'alb' } } });
new Cluster(nonprod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });

// A digest goes to nonprod first; prod takes it after an hour in nonprod and an approval.
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', {
  targets: Targets.environment(prod),
  gates: [Gate.soak(Duration.hours(1)), Gate.approval()],
});

new Service(platform, 'hello-api', {
  image: { repository: 'registry.example.com/apps/hello-api' },
  // The digest every ring starts with; later ones come from \`cdk8s-gitops promote\`.
  initialDigest: 'sha256:0f3a2b1c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8',
  values: { resources: { requests: { cpu: '100m', memory: '128Mi' } } },
}).deployTo([nonprod, prod]);

platform.synth();
`;

const CDK8S_YAML = `# \`cdk8s-gitops\` runs this program (app) and works on gitops.checkout, a clone of the GitOps
# repository. Keep the clone out of "output": \`npx cdk8s synth\` deletes that directory before it
# runs the program, .git included, so it only ever gets a scratch copy of the tree.
# cdk8s-gitops runs "npx tsx platform.ts" on this project's tsx without npx
# (node --import tsx platform.ts); npx runs it only when tsx is not installed here.
language: typescript
app: npx tsx platform.ts
output: dist
gitops:
  checkout: ../platform-gitops
`;

const PLATFORM_TEST = `// Synthesizes the program into a temporary directory and checks the tree it writes.
// Run with \`npm test\` (which also type-checks platform.ts).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runCli } = require('cdk8s-gitops');

const project = path.join(__dirname, '..');

/** Runs a cdk8s-gitops command in this project; returns its exit code and what it printed. */
async function cli(...args) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    cwd: project,
    stdout: { write: (text) => { stdout += text; return true; } },
    stderr: { write: (text) => { stderr += text; return true; } },
  });
  return { code, stdout, stderr };
}

test('the program synthesizes the GitOps tree, and a second run changes nothing', async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-gitops-'));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));

  const synth = await cli('synth', '--out', out, '--format', 'json');
  assert.equal(synth.code, 0, synth.stderr);
  const created = JSON.parse(synth.stdout).created;
  assert.ok(created.some((f) => /^bootstrap\\/[^/]+\\.yaml$/.test(f)), 'no control plane has its bootstrap');

  // Every Application the program declares has its directory, and runs a release.
  const status = await cli('status', '--targets', '--out', out, '--format', 'json');
  assert.equal(status.code, 0, status.stderr);
  const targets = JSON.parse(status.stdout).targets;
  assert.ok(targets.length > 0, 'the program places no service on any cluster');
  for (const target of targets) {
    const dir = path.posix.dirname(target.valuesFile);
    assert.ok(created.some((f) => f.startsWith(dir + '/')), target.application + ': nothing written into ' + dir);
    assert.ok(target.digest, target.application + ' runs no release');
  }

  const plan = await cli('plan', '--out', out, '--format', 'json');
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.equal(JSON.parse(plan.stdout).changes, false);

  const check = await cli('check', '--out', out, '--format', 'json');
  assert.equal(check.code, 0, check.stdout + check.stderr);
});
`;

const README = `# Platform program

This project declares the platform in TypeScript (\`platform.ts\`): environments, each with its
own Argo CD, clouds, clusters, services and the promotion rings a new image digest moves
through. [cdk8s-gitops](https://github.com/cdk8s-gitops/cdk8s-gitops) turns it into the GitOps
repository Argo CD reconciles.

## Next steps

1. \`npm install\`, then \`npm test\`: type-checks \`platform.ts\`, synthesizes it into a
   temporary directory and checks the result.
2. Edit \`platform.ts\`: your GitOps repository (\`repoURL\`), where charts live
   (\`applicationRepoURLPattern\`), your clusters and your services.
3. Clone the GitOps repository next to this one, where \`gitops.checkout\` in \`cdk8s.yaml\`
   points every \`cdk8s-gitops\` command, and write the tree into it:

   \`\`\`sh
   git clone https://git.example.com/platform/platform-gitops.git ../platform-gitops
   npx cdk8s-gitops plan       # what would change
   npx cdk8s-gitops synth      # write it
   \`\`\`

   Commit and push it yourself, or let \`npx cdk8s-gitops publish\` commit exactly the
   generated files that changed and push. (\`npx cdk8s synth\` writes only a scratch copy into
   \`dist\`, which it empties first: never point \`output\` at the clone.)
4. Apply \`bootstrap/<control plane>.yaml\` once to each Argo CD
   (\`kubectl apply -n argocd -f ../platform-gitops/bootstrap/prod.yaml\`); from then on Argo CD
   follows the repository.
5. Release: \`npx cdk8s-gitops promote hello-api --ring nonprod --digest sha256:… --publish\`,
   later \`--ring prod --from nonprod --approved-by <name>\`.
6. CI: the cdk8s-gitops repository has recipes for GitLab CI and GitHub Actions in
   \`examples/ci/\` (plan as a merge-request comment, check, publish on merge, and promote from
   an application's pipeline).

\`npx cdk8s-gitops --help\` lists every command; each takes \`--help\`.
`;

/**
 * `word` as a POSIX shell reads it back as one word: as it is when it holds only characters no
 * shell acts on, else in single quotes (`'it'\''s'`), so that a `cd` line copied from the output
 * expands no `$`, backtick or glob.
 */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._/][A-Za-z0-9._/@%+=:,~-]*$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
