/**
 * What commands say at a fleet's scale: an error prints its first entries and counts the rest
 * where `--verbose` prints them all (a command without `--verbose` prints every entry), alike
 * problems print as one entry, and the notes and listings of a write name some paths and count
 * the rest. Driven through the built CLI on real checkouts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PlatformModel } from '../../src/model/platform-model';
import { hashTree } from '../support/hash-tree';
import { ModelReplay } from '../support/replay';
import { fleet } from '../support/fleet';
import { Sandbox } from '../git/sandbox';
import { runCli } from '../support/tree';

const NOW = '2026-03-01T12:00:00Z';

/** Every values file under `dir`, relative to it, sorted. */
function valuesFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => path.basename(p) === 'values.yaml')
    .map((p) => p.split(path.sep).join('/'))
    .sort();
}

let replay: ModelReplay;
let checkouts = 0;
beforeAll(() => {
  replay = ModelReplay.create('cdk8s-gitops-fleet-messages-', NOW);
});
afterAll(() => replay.cleanup());

/** A checkout synthesized from `model`. */
async function checkout(model: PlatformModel): Promise<string> {
  const dir = path.join(replay.root, `checkout-${++checkouts}`);
  await replay.ok(dir, model, ['synth']);
  return dir;
}

describe('a fleet checkout not as cdk8s-gitops left it', () => {
  const model = fleet(12, 6); // 72 targets

  it('prints files not owned by cdk8s-gitops in the way as one entry with their count; --verbose prints every one; nothing is written', async () => {
    // GIVEN a checkout whose record of what cdk8s-gitops wrote is gone, and whose values files were then edited
    const dir = await checkout(model);
    fs.rmSync(path.join(dir, '.cdk8s-gitops'), { recursive: true });
    const values = valuesFiles(dir);
    expect(values).toHaveLength(72);
    for (const p of values) fs.appendFileSync(path.join(dir, p), '# edited\n');
    const before = hashTree(dir);
    // WHEN synth runs
    const r = await replay.run(dir, model, ['synth']);
    // THEN it refuses with one entry for the 72 alike problems: the first in full, then the count and 3 places
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'Error: 72 files not owned by cdk8s-gitops stand in the way; nothing was written:',
      `[${values[0]}] CG404 "${values[0]}" exists but was not written by cdk8s-gitops, and the program generates a file there. Fix: Move the file away, or run with --adopt to let cdk8s-gitops own and rewrite it.`,
      `  … and 71 more CG404 like it: ${values.slice(1, 4).join(', ')} and 68 more.`,
      '(--verbose prints every problem in full.)',
    ]);
    // AND --verbose prints each of the 72 in full
    const verbose = await replay.run(dir, model, ['synth', '--verbose']);
    expect(verbose.code).toBe(1);
    for (const p of values) expect(verbose.stderr).toContain(`[${p}] CG404 "${p}" exists but was not written by cdk8s-gitops`);
    // AND nothing was written
    expect(hashTree(dir)).toEqual(before);
  });

  it('lists 50 files a write recorded again and counts the rest; --verbose lists them all', async () => {
    // GIVEN a checkout whose record of what cdk8s-gitops wrote is gone, its files as the program makes them
    const dir = await checkout(model);
    const manifest = path.join(dir, '.cdk8s-gitops');
    const unrecorded = () => fs.rmSync(manifest, { recursive: true });
    unrecorded();
    // WHEN synth runs
    const r = await replay.run(dir, model, ['synth']);
    // THEN it records every file again and lists 50 of them, then counts the rest
    expect(r.code).toBe(0);
    const [head, ...listed] = r.stderr.trimEnd().split('\n');
    const recorded = Number(/^Recorded (\d+) files in the manifest again:/.exec(head!)?.[1]);
    expect(recorded).toBeGreaterThan(72);
    expect(listed).toHaveLength(51);
    expect(listed[50]).toBe(`    … and ${recorded - 50} more (--verbose lists them)`);
    // AND with --verbose, on the checkout made so again, it lists every one
    unrecorded();
    const verbose = await replay.run(dir, model, ['synth', '--verbose']);
    expect(verbose.code).toBe(0);
    const all = verbose.stderr.trimEnd().split('\n').slice(1);
    expect(all).toHaveLength(recorded);
    expect(all.slice(0, 50)).toEqual(listed.slice(0, 50));
    for (const p of valuesFiles(dir)) expect(all).toContain(`    ${p}`);
  });

  it('publish lists 50 files of each kind and counts the rest; --verbose lists them all; the commit has every one', async () => {
    // GIVEN two clones of a GitOps repository
    const sandbox = Sandbox.create();
    try {
      const first = sandbox.clone('first');
      const second = sandbox.clone('second');
      // WHEN the fleet is published from the first
      const r = await replay.run(first, model, ['publish', '--by', 'platform-team']);
      // THEN it lists 50 of the files it created and counts the rest
      expect([r.code, r.stderr]).toEqual([0, '']);
      const created = r.stdout.split('\n').filter((l) => l.startsWith('[+] '));
      expect(created).toHaveLength(50);
      const committed = sandbox.git(first, 'show', '--name-only', '--format=', 'HEAD').split('\n');
      expect(r.stdout).toContain(`\n    … and ${committed.length - 50} more (--verbose lists them)\n`);
      expect(r.stdout).toMatch(
        new RegExp(`^Pushed [0-9a-f]{12} to main: ${committed.length} files, ${committed.length} created, 0 updated, 0 deleted\\.$`, 'm'),
      );
      // AND with --verbose, a change of every values file lists each one
      sandbox.git(second, 'pull', '--quiet');
      const changed = fleet(12, 6, { replicas: 2 });
      const verbose = await replay.run(second, changed, ['publish', '--by', 'platform-team', '--verbose']);
      expect([verbose.code, verbose.stderr]).toEqual([0, '']);
      const updated = verbose.stdout.split('\n').filter((l) => l.startsWith('[~] '));
      expect(updated.map((l) => l.slice(4))).toEqual(expect.arrayContaining(valuesFiles(second)));
      expect(verbose.stdout).not.toContain('more (--verbose lists them)');
    } finally {
      sandbox.cleanup();
    }
  });

  it("prints 20 of a program's many problems where --verbose prints the rest, and every one where the command has no --verbose", async () => {
    // GIVEN a program that fails with 25 problems of 25 kinds
    const words =
      'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee'.split(
        ' ',
      );
    const problems = words.map((w) => ({ code: 'CG101', message: `The ${w} setting is wrong.`, fix: `Fix the ${w} setting.` }));
    const output = path.join(replay.root, 'failing-program.json');
    fs.writeFileSync(output, JSON.stringify({ error: { message: 'The platform program has 25 problems:', problems } }));
    const app = `cp ${JSON.stringify(output)} "$CDK8S_GITOPS_MODEL_OUT"`;
    const dir = await checkout(model);
    // WHEN synth (which takes --verbose) and check (which does not) run it
    const [synth, verbose, check] = await Promise.all([
      runCli(['synth', '--out', dir, '--app', app]),
      runCli(['synth', '--out', dir, '--app', app, '--verbose']),
      runCli(['check', '--out', dir, '--app', app]),
    ]);
    // THEN synth prints 20, counts 5 and says how to see them; --verbose and check print all 25
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain('The tango setting is wrong.');
    expect(synth.stderr).not.toContain('uniform');
    expect(synth.stderr).toContain('\n… and 5 more problems.\n(--verbose prints every problem in full.)\n');
    for (const r of [verbose, check]) {
      expect(r.code).toBe(1);
      for (const w of words) expect(r.stderr).toContain(`CG101 The ${w} setting is wrong. Fix: Fix the ${w} setting.`);
      expect(r.stderr).not.toContain('more problems');
    }
  });
});
