/**
 * Output that fits terminals and CI, through the CLI: `--help` with an example on every command,
 * `--format json` on every command that prints results, colours only on a terminal and never
 * with NO_COLOR, and a progress line for large writes only on a terminal, never in CI or with
 * `--quiet`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets } from '../../src';
import { main } from '../../src/cli/main';
import { OutputStream } from '../../src/cli/command';
import { snapshotPlatform } from '../../src/constructs/snapshot';
import { PlatformModel } from '../../src/model/platform-model';
import { Sandbox } from '../git/sandbox';
import { cleanEnv, runBin, writeFixedProgram } from '../support/cli';

const ROOT = path.join(__dirname, '..', '..');
const SEED = `sha256:${'1'.repeat(64)}`;
const NEXT = `sha256:${'2'.repeat(64)}`;
const ESC = '\x1b[';

/** A platform with `services` × `clusters` targets in each of two environments. */
function platformModel(services: number, clusters: number): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
  const aws = new Cloud(platform, 'aws');
  for (const env of [nonprod, prod]) {
    for (let c = 1; c <= clusters; c++)
      new Cluster(env, `eu-central-1-${String(c).padStart(2, '0')}`, { cloud: aws, region: 'eu-central-1' });
  }
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
  const names = ['payments-api', ...Array.from({ length: services - 1 }, (_, i) => `service-${i + 1}`)];
  for (const name of names)
    new Service(platform, name, { image: { repository: `registry.example.com/${name}` }, initialDigest: SEED }).deployTo([nonprod, prod]);
  return snapshotPlatform(platform);
}

/** A buffer standing in for stdout or stderr, a terminal or not. */
function stream(isTTY: boolean): OutputStream & { text: string } {
  const s = {
    text: '',
    isTTY,
    write: (t: string) => {
      s.text += t;
      return true;
    },
  };
  return s;
}

const COMMANDS = ['init', 'synth', 'plan', 'preview', 'check', 'promote', 'rollback', 'unhold', 'publish', 'history'];

describe('cdk8s-gitops output', () => {
  it('lists every command, and each has --help with its usage and an example', () => {
    // WHEN
    const root = runBin(ROOT, ['--help']);

    // THEN
    expect(root.status).toBe(0);
    for (const name of COMMANDS) {
      expect(root.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
      const help = runBin(ROOT, [name, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: cdk8s-gitops ${name}\\b`));
      expect(help.stdout).toMatch(new RegExp(`\\nExample:\\n  cdk8s-gitops ${name}\\b`));
      expect(help.stdout).toContain('--format');
    }
  });

  describe('--format json', () => {
    let sandbox: Sandbox;
    let program: string;
    const json = (args: string[], code = 0): any => {
      const r = runBin(program, [...args, '--format', 'json'], { CDK8S_GITOPS_NOW: '2026-01-10T10:00:00Z' });
      if (r.status !== code) throw new Error(`${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
      expect(r.stdout).not.toContain(ESC);
      return JSON.parse(r.stdout);
    };

    beforeAll(() => {
      sandbox = Sandbox.create();
      program = path.join(sandbox.root, 'program');
      writeFixedProgram(program, platformModel(1, 1));
      sandbox.clone('program/dist');
    });

    afterAll(() => sandbox.cleanup());

    it('prints one JSON document on stdout for every command', () => {
      // init
      expect(json(['init', path.join(sandbox.root, 'new-platform')]).created).toContain('platform.ts');
      // synth, then plan, preview and check of the synthesized checkout
      expect(json(['synth']).created).toContain('releases/payments-api.yaml');
      expect(json(['plan']).changes).toBe(false);
      expect(json(['preview']).map((a: any) => a.metadata.name)).toEqual([
        'payments-api-nonprod-aws-eu-central-1-01',
        'payments-api-prod-aws-eu-central-1-01',
      ]);
      expect(json(['check'])).toEqual({ clean: true, findings: [] });
      // a change: plan exits with 2 and still prints JSON
      expect(json(['promote', 'payments-api', '--ring', 'nonprod', '--digest', NEXT])).toMatchObject({
        service: 'payments-api',
        ring: 'nonprod',
        changed: true,
      });
      expect(json(['check'], 0).clean).toBe(true);
      // publish, and the release commands with --publish: the push result is part of the document
      expect(json(['publish'])).toMatchObject({ pushed: true, branch: 'main' });
      const rollback = json(['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'errors', '--publish']);
      expect(rollback).toMatchObject({ ring: 'nonprod', changed: true, published: { pushed: true, branch: 'main' } });
      expect(json(['unhold', 'payments-api', '--ring', 'nonprod', '--publish', '--branch'])).toMatchObject({
        published: { pushed: true, branch: 'unhold/payments-api/nonprod' },
      });
      // history reads the published commits back: the checkout is back on main (the unhold is on its
      // branch), and the promote made without --publish is a promote commit of its own after the synth
      const history = json(['history', 'payments-api']);
      expect(history.map((e: any) => e.operation)).toEqual(['rollback', 'promote', 'synth']);
    });

    it('prints a plan with changes as JSON too, with exit code 2', () => {
      // GIVEN a program that changed
      writeFixedProgram(program, platformModel(2, 1));

      // WHEN
      const plan = json(['plan'], 2);

      // THEN
      expect(plan.changes).toBe(true);
      expect(plan.files.map((f: any) => f.path)).toContain('releases/service-1.yaml');
    });

    it('accepts --quiet with every command, anywhere on the line', () => {
      expect(runBin(program, ['--quiet', 'plan', '--format', 'json']).status).toBe(2);
      expect(runBin(program, ['check', '-q', '--format', 'json']).status).toBe(2);
      expect(runBin(program, ['preview', '--format', 'json', '--quiet']).status).toBe(0);
    });
  });

  describe('a release that changes many files', () => {
    let sandbox: Sandbox;
    let program: string;

    beforeAll(() => {
      // GIVEN a ring of 60 clusters, synthesized
      sandbox = Sandbox.create();
      program = path.join(sandbox.root, 'program');
      writeFixedProgram(program, platformModel(1, 60));
      sandbox.clone('program/dist');
      expect(runBin(program, ['synth']).status).toBe(0);
    });

    afterAll(() => sandbox.cleanup());

    it('lists 50 files and 50 Applications and counts the rest; --verbose lists them all', () => {
      // WHEN
      const promoted = runBin(program, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', NEXT], {
        CDK8S_GITOPS_NOW: '2026-01-10T10:00:00Z',
      });
      const rolledBack = runBin(
        program,
        ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'errors', '--verbose'],
        {
          CDK8S_GITOPS_NOW: '2026-01-10T11:00:00Z',
        },
      );

      // THEN the rollback with --verbose lists every file it changed (those the promotion changed) and every Application
      expect(rolledBack.status).toBe(0);
      const all = rolledBack.stdout.split('\n').filter((l) => l.startsWith('[~] '));
      expect(all.filter((l) => l.startsWith('[~] environments/nonprod/aws/'))).toHaveLength(60);
      expect(
        rolledBack.stdout
          .split('\n')
          .find((l) => l.startsWith('Applications: '))!
          .split(', '),
      ).toHaveLength(60);
      expect(rolledBack.stdout).not.toContain('more (--verbose');
      // AND the promotion lists the first 50 of them, in the same order, and counts the rest
      expect(promoted.status).toBe(0);
      const lines = promoted.stdout.split('\n');
      expect(lines.filter((l) => l.startsWith('[~] '))).toEqual(all.slice(0, 50));
      expect(lines).toContain(`    … and ${all.length - 50} more (--verbose lists them)`);
      const apps = lines.find((l) => l.startsWith('Applications: '))!;
      expect(apps.split(', ')).toHaveLength(50);
      expect(apps).toMatch(/, payments-api-nonprod-aws-eu-central-1-50 … and 10 more \(--verbose lists them\)$/);
    }, 120_000);
  });

  describe('on a terminal', () => {
    let sandbox: Sandbox;
    let program: string;

    beforeAll(() => {
      sandbox = Sandbox.create();
      program = path.join(sandbox.root, 'program');
      // 2 environments × 2 clusters × 260 services = 1040 values files, plus ledgers and Argo CD objects
      writeFixedProgram(program, platformModel(260, 2));
    });

    afterAll(() => sandbox.cleanup());

    async function synth(options: {
      tty: boolean;
      env?: Record<string, string>;
      args?: string[];
      out: string;
    }): Promise<{ code: number; stdout: string; stderr: string }> {
      const stdout = stream(options.tty);
      const stderr = stream(options.tty);
      const code = await main(['synth', '--out', options.out, ...(options.args ?? [])], {
        cwd: program,
        stdout,
        stderr,
        env: cleanEnv(options.env),
      });
      return { code, stdout: stdout.text, stderr: stderr.text };
    }

    it('colours the diff marks, shows progress for a large write, and clears the line', async () => {
      // WHEN
      const r = await synth({ tty: true, out: 'tty' });

      // THEN
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${ESC}32m[+]${ESC}0m bootstrap/prod.yaml\n`);
      // eslint-disable-next-line no-control-regex -- the progress line is made of terminal control sequences
      expect(r.stderr).toMatch(/^\r\x1b\[2Ksynth: rendering \d{4} files…/);
      // eslint-disable-next-line no-control-regex -- as above
      expect(r.stderr).toMatch(/\r\x1b\[2Ksynth: writing (\d+)\/\1 files\r\x1b\[2K$/);
      expect(r.stderr.endsWith('\r\x1b[2K')).toBe(true);
      expect(fs.readdirSync(path.join(program, 'tty', 'releases'))).toHaveLength(260);
    }, 120_000);

    it('prints no colours when NO_COLOR is set', async () => {
      // WHEN
      const r = await synth({ tty: true, env: { NO_COLOR: '1' }, out: 'no-color' });

      // THEN
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(ESC);
      expect(r.stdout).toContain('\n[+] bootstrap/prod.yaml\n');
      expect(r.stderr).toContain('synth: writing ');
    }, 120_000);

    it('prints no progress when CI is set, with --quiet, or when stderr is not a terminal', async () => {
      // WHEN
      const ci = await synth({ tty: true, env: { CI: 'true' }, out: 'ci' });
      const quiet = await synth({ tty: true, args: ['--quiet'], out: 'quiet' });
      const piped = await synth({ tty: false, out: 'piped' });

      // THEN
      for (const r of [ci, quiet, piped]) {
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
      }
      expect(ci.stdout).toContain(`${ESC}32m[+]`);
      expect(quiet.stdout).toContain(`${ESC}32m[+]`);
      expect(piped.stdout).not.toContain(ESC);
    }, 240_000);
  });
});
