/**
 * The benchmark behind `npm run bench`. Every step runs in its own child process and the result
 * is one JSON object on stdout (progress goes to stderr).
 *
 * Steps (see README, "Performance"):
 *   help     `cdk8s-gitops --help`; argument_error: `cdk8s-gitops synth --no-such-option`
 *   program  the fleet program alone, handing over its model
 *   floor    the fleet's values files written with yaml's stringify and fs.writeFileSync
 *   raw_floor
 *            every file synth writes, exactly as it writes it (the files and bytes of a synth into
 *            a directory of its own, read beforehand, not measured: the manifest and its shards
 *            too) written with fs.mkdirSync and fs.writeFileSync into an empty directory
 *   full     `cdk8s-gitops synth` into an empty Git work tree
 *   noop     the same synth again: nothing changed
 *   promote  `cdk8s-gitops promote svc-0001 --ring nonprod --digest …` on that checkout
 *   promote_without_program
 *            the same promotion (the ledger put back and synthesized first, not measured) with
 *            no program: what the command needs is read from the tree's release model; compared
 *            with a floor that reads the service's ledger and writes its ring's values files with
 *            fs (floor.js promote)
 *   read_all every owned file of that checkout read once with fs.readFileSync (read-all.js)
 *   check    `cdk8s-gitops check` of that checkout: drift check of every owned file
 *   preview  `cdk8s-gitops preview`: every ApplicationSet expanded over the checkout
 *   plan     `cdk8s-gitops plan` with one promotion pending: the ledger records it, the
 *            values files do not show it yet
 *   publish_first
 *            `cdk8s-gitops publish` of the fleet into a clone of an empty bare repository: its
 *            first commit, pushed; compared with git alone committing and pushing the same files
 *            (publish_git_floor: `git add -A`, `git commit`, `git push` in a clone of its own)
 *   publish_promote
 *            `cdk8s-gitops promote svc-0001 --ring nonprod --digest … --publish` in that clone:
 *            a promotion committed and pushed
 *   publish_noop
 *            `cdk8s-gitops publish` again: nothing to publish
 *   scaling  full synth at several fleet sizes
 *
 * The steps run in rounds (help, program, floor, raw_floor, full, noop, promote, read_all, check,
 * preview, plan, publish, scaling), one after the other, so that each round sees one state of the machine; figures are medians over
 * the rounds, and ratios and differences the median of each round's. `performance_targets`
 * states each target and whether this run met it (`targets` is the fleet's number of targets).
 *
 * Environment: BENCH_SERVICES (default 1000), BENCH_SCALING (default "250,500,1000"),
 * BENCH_ROUNDS (default 1), BENCH_DIR (default .bench/runs), BENCH_KEEP=1 keeps the written trees
 * (else they are removed once every step has run: on ext4, files made right after many were
 * deleted cost several times the kernel time, so a step that followed a removal was slower),
 * BENCH_USAGE=preload measures CPU and RSS with a preload instead of /usr/bin/time.
 *
 * BENCH_CONTROL_PLANES=4 (an even number from 4 to 8) runs a variant instead: the fleet split
 * across that many control planes, each reading a GitOps repository of its own (the first the
 * platform's), and measures, per repository, `synth --repository` into an empty checkout and the
 * same synth again; nothing else (see `splitMain`).
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { controlPlaneCount, digestOf, fleetEnvironments, PLATFORM_REPO, serviceCount, serviceName } from './fleet-program';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BUILD = path.join(ROOT, '.bench', 'build', 'bench');
const CLI = path.join(ROOT, 'bin', 'cdk8s-gitops.js');
const PROGRAM = path.join(BUILD, 'fleet-program.js');
const FLOOR = path.join(BUILD, 'floor.js');
const READ_ALL = path.join(BUILD, 'read-all.js');
const RSS_PRELOAD = path.join(BUILD, 'rss-preload.js');
const TIME = '/usr/bin/time';
const MODEL_OUT_ENV = 'CDK8S_GITOPS_MODEL_OUT';

/** The command the CLI runs as the program: the fleet, compiled to JavaScript beforehand. */
const APP = `${JSON.stringify(process.execPath)} ${JSON.stringify(PROGRAM)}`;

/** What one measured step cost. */
interface Cost {
  /** Wall time. */
  readonly seconds: number;
  /** CPU time in user space and in the kernel, summed over the step's processes. */
  readonly user_seconds: number | null;
  readonly sys_seconds: number | null;
  /** Largest resident set of any one process of the step. */
  readonly peak_rss_mb: number | null;
}

interface Step extends Cost {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** /usr/bin/time -v, unless it is missing or BENCH_USAGE=preload asks for the preload. */
const useTime = process.env.BENCH_USAGE !== 'preload' && fs.existsSync(TIME) && spawnSync(TIME, ['-v', 'true']).status === 0;

/** Flushes dirty pages so that a step does not pay for the writes of the one before. */
function settle(): void {
  spawnSync('sync');
}

/**
 * Runs a command in a child process and measures its wall time, CPU time and peak RSS. Peak RSS
 * is the largest resident set of any process of the step (the CLI or the program it runs), from
 * `/usr/bin/time -v` or, without it, from a preload that records every Node process's usage.
 */
function run(argv: readonly string[], env: NodeJS.ProcessEnv, scratch: string): Step {
  settle();
  const usageFile = path.join(scratch, `usage-${process.pid}-${Date.now()}.txt`);
  fs.rmSync(usageFile, { force: true });
  const command = useTime ? [TIME, '-v', '-o', usageFile, ...argv] : [...argv];
  const childEnv = useTime
    ? env
    : {
        ...env,
        BENCH_USAGE_FILE: usageFile,
        NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(RSS_PRELOAD)}`.trim(),
      };
  const start = process.hrtime.bigint();
  const r: SpawnSyncReturns<string> = spawnSync(command[0], command.slice(1), {
    cwd: ROOT,
    env: childEnv,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error) throw r.error;
  let peak: number | null = null;
  let user: number | null = null;
  let sys: number | null = null;
  if (fs.existsSync(usageFile)) {
    const text = fs.readFileSync(usageFile, 'utf8');
    // Rows of [max RSS kB, user s, system s]: one from time (which counts the step's reaped
    // descendants too), or one per Node process from the preload.
    const rows = useTime
      ? [
          [/Maximum resident set size \(kbytes\): (\d+)/, /User time \(seconds\): ([\d.]+)/, /System time \(seconds\): ([\d.]+)/].map(
            (re) => Number(re.exec(text)?.[1] ?? NaN),
          ),
        ]
      : text
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(' ').map(Number));
    const valid = rows.filter((row) => row.every((v) => Number.isFinite(v)));
    if (valid.length > 0) {
      peak = round(Math.max(...valid.map((row) => row[0])) / 1024, 1);
      user = round(
        valid.reduce((a, row) => a + row[1], 0),
        2,
      );
      sys = round(
        valid.reduce((a, row) => a + row[2], 0),
        2,
      );
    }
    fs.rmSync(usageFile, { force: true });
  }
  return { seconds, user_seconds: user, sys_seconds: sys, peak_rss_mb: peak, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fail(what: string, s: Step): never {
  throw new Error(`${what} exited with ${s.status}:\n${s.stderr.slice(-4000)}`);
}

function json(what: string, s: Step): any {
  try {
    return JSON.parse(s.stdout);
  } catch {
    return fail(`${what} (no JSON on stdout)`, s);
  }
}

function cost(s: Cost): Cost {
  return { seconds: round(s.seconds), user_seconds: s.user_seconds, sys_seconds: s.sys_seconds, peak_rss_mb: s.peak_rss_mb };
}

/** The median of each figure over the rounds; peak RSS is the largest seen. */
function summarize<T extends Cost>(runs: readonly T[]): T & { rounds: number } {
  const out = { ...runs[Math.floor((runs.length - 1) / 2)] } as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    const values = runs.map((r) => (r as Record<string, unknown>)[key]);
    if (values.every((v): v is number => typeof v === 'number')) {
      out[key] = key === 'peak_rss_mb' ? Math.max(...values) : round(medianOf(values));
    }
  }
  return { ...(out as T), rounds: runs.length };
}

/** The median over the rounds of a ratio taken within each round. */
function ratioOf(a: readonly Cost[], b: readonly Cost[]): number | null {
  const ratios = a.map((x, i) => (b[i] && b[i].seconds > 0 ? x.seconds / b[i].seconds : NaN)).filter((r) => Number.isFinite(r));
  return ratios.length > 0 ? round(medianOf(ratios)) : null;
}

function cli(args: readonly string[], services: number, scratch: string, env: NodeJS.ProcessEnv = {}): Step {
  return run([process.execPath, CLI, ...args], { ...process.env, BENCH_SERVICES: String(services), ...env }, scratch);
}

function synth(out: string, services: number, scratch: string): Step & { report: any } {
  const s = cli(['synth', '--app', APP, '--out', out, '--format', 'json'], services, scratch);
  if (s.status !== 0) fail('cdk8s-gitops synth', s);
  return { ...s, report: json('cdk8s-gitops synth', s) };
}

/** Every file under `dir`, as sorted paths relative to it with `/`. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) =>
      path
        .relative(dir, path.join(e.parentPath ?? e.path, e.name))
        .split(path.sep)
        .join('/'),
    )
    .sort();
}

function valuesFiles(paths: readonly string[]): number {
  return paths.filter((p) => p.endsWith('/values.yaml')).length;
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    memory_gib: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    load_average_at_start: os.loadavg().map((l) => round(l, 2)),
  };
}

/** Who the benchmark's commits are by. */
const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

/** Runs git in `cwd` (not measured); fails the run when git does. */
function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY }, maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd} failed: ${r.stderr}`);
  return r.stdout;
}

/** An empty bare repository `<dir>.git` and a clone of it, `dir`, on branch main; returns the clone. */
function emptyClone(dir: string): string {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  git(path.dirname(dir), 'init', '--quiet', '--bare', `${dir}.git`);
  git(path.dirname(dir), 'clone', '--quiet', `${dir}.git`, dir);
  git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/main');
  return dir;
}

interface Round {
  readonly help: Cost;
  readonly argument_error: Cost;
  readonly program: Cost & { model_mb: number };
  readonly floor: Cost & { files_written: number; process_seconds: number };
  readonly raw_floor: Cost & { files_written: number; bytes: number; process_seconds: number };
  readonly full: Cost & { files_written: number; targets: number };
  readonly noop: Cost & { files_written: number };
  readonly promote: Cost & { files_written: number; values_files_written: number; ledger_written: boolean };
  readonly promote_without_program: Cost & { files_written: number; values_files_written: number; same_bytes_as_promote: boolean };
  readonly promote_floor: Cost & { files_written: number; process_seconds: number };
  readonly read_all: Cost & { files_read: number; bytes: number; loop_seconds: number };
  readonly check: Cost & { findings: number };
  readonly preview: Cost & { applications: number };
  readonly plan: Cost & { files_changed: number };
  readonly publish_first: Cost & { files_committed: number };
  readonly publish_git_floor: Cost & { files_committed: number };
  readonly publish_promote: Cost & { files_committed: number };
  readonly publish_noop: Cost & { pushed: boolean };
  readonly scaling: ReadonlyMap<number, Cost & { targets: number }>;
}

/**
 * The split variant (BENCH_CONTROL_PLANES): one checkout per GitOps repository, each written by
 * its own `synth --repository`, then synthesized again; prints the cost of each and their sum.
 */
function splitMain(): void {
  const services = serviceCount();
  const controlPlanes = controlPlaneCount();
  for (const f of [CLI, PROGRAM, path.join(ROOT, 'lib', 'index.js')]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: build the SDK and the benchmark first (npm run bench builds them).`);
  }
  const base = path.resolve(ROOT, process.env.BENCH_DIR ?? path.join('.bench', 'runs'));
  fs.mkdirSync(base, { recursive: true });
  const work = fs.mkdtempSync(path.join(base, 'split-'));
  const scratch = path.join(work, 'scratch');
  fs.mkdirSync(scratch);
  const repositories = [PLATFORM_REPO, ...fleetEnvironments().flatMap((e) => (e.repoURL === undefined ? [] : [e.repoURL]))];
  log(`${services} services on ${controlPlanes} control planes and ${repositories.length} repositories, working in ${work}`);
  const measured = repositories.map((repoURL, i) => {
    const checkout = path.join(work, `checkout-${i}`);
    fs.mkdirSync(checkout, { recursive: true });
    const init = spawnSync('git', ['init', '--quiet', checkout], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`git init ${checkout} failed: ${init.stderr}`);
    const args = ['synth', '--app', APP, '--out', checkout, '--repository', repoURL, '--format', 'json'];
    log(`full: synth --repository ${repoURL}`);
    const full = cli(args, services, scratch);
    if (full.status !== 0) fail(`cdk8s-gitops synth --repository ${repoURL}`, full);
    const report = json('cdk8s-gitops synth', full);
    log(`noop: the same synth again`);
    const noop = cli(args, services, scratch);
    if (noop.status !== 0) fail(`cdk8s-gitops synth --repository ${repoURL}`, noop);
    const again = json('cdk8s-gitops synth', noop);
    return {
      repoURL,
      full: { ...cost(full), files_written: report.filesWritten as number, targets: valuesFiles(report.created) },
      noop: { ...cost(noop), files_written: again.filesWritten as number },
    };
  });
  if (process.env.BENCH_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
  const result = {
    variant: 'split',
    services,
    control_planes: controlPlanes,
    repositories: measured,
    full_seconds_total: round(measured.reduce((sum, m) => sum + m.full.seconds, 0)),
    targets_total: measured.reduce((sum, m) => sum + m.full.targets, 0),
    notes: [
      'Each repository is synthesized by its own run of the CLI (which runs the program): full into an empty Git checkout, noop the same synth again.',
    ],
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

function main(): void {
  if (process.env.BENCH_CONTROL_PLANES !== undefined) {
    splitMain();
    return;
  }
  const services = serviceCount();
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? '1') || 1);
  const scalingSizes = (process.env.BENCH_SCALING ?? '250,500,1000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
  for (const f of [CLI, PROGRAM, FLOOR, READ_ALL, path.join(ROOT, 'lib', 'index.js')]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: run \`npm run bench\` (it builds the SDK and the benchmark first).`);
  }
  const base = path.resolve(ROOT, process.env.BENCH_DIR ?? path.join('.bench', 'runs'));
  fs.mkdirSync(base, { recursive: true });
  const work = fs.mkdtempSync(path.join(base, 'run-'));
  const scratch = path.join(work, 'scratch');
  fs.mkdirSync(scratch);
  let dirs = 0;
  const emptyDir = (name: string): string => path.join(work, `${name}-${dirs++}`);
  const keep = process.env.BENCH_KEEP === '1';
  /**
   * Removes a written tree once every step is measured (see BENCH_KEEP): removed at once, the
   * floor's tree made `full`, the next step, pay for the file system's recently freed inodes.
   */
  const written: string[] = [];
  const discard = (dir: string): void => {
    if (!keep) written.push(dir);
  };
  const startedAt = new Date();
  const machineInfo = machine();
  log(`${services} services, ${rounds} round${rounds === 1 ? '' : 's'}, working in ${work}`);
  log(`CPU time and peak RSS from ${useTime ? '/usr/bin/time -v' : 'a --require preload reporting process.resourceUsage()'}`);

  log('floor: preparing the values files in memory (not measured)');
  const floorInput = path.join(scratch, 'floor-input.json');
  const prep = run([process.execPath, FLOOR, 'prepare', floorInput], { ...process.env, BENCH_SERVICES: String(services) }, scratch);
  if (prep.status !== 0) fail('floor prepare', prep);
  const promotedService = serviceName(1);
  const ringFloorInput = path.join(scratch, 'floor-ring-input.json');
  const ringPrep = run(
    [process.execPath, FLOOR, 'prepare-ring', ringFloorInput, promotedService, 'nonprod'],
    { ...process.env, BENCH_SERVICES: String(services) },
    scratch,
  );
  if (ringPrep.status !== 0) fail('floor prepare-ring', ringPrep);

  log('raw floor: a synth into a directory of its own, its files read (not measured)');
  const rawDir = emptyDir('raw-source');
  fs.mkdirSync(rawDir, { recursive: true });
  const rawInit = spawnSync('git', ['init', '--quiet', rawDir], { encoding: 'utf8' });
  if (rawInit.status !== 0) throw new Error(`git init ${rawDir} failed: ${rawInit.stderr}`);
  // The files synth created (its report lists them) are the owned files read_all reads; the raw
  // floor writes every file synth wrote, the manifest and its shards as well.
  const owned = (synth(rawDir, services, scratch).report.created as string[]).slice().sort();
  const rawInput = path.join(scratch, 'raw-floor-input.json');
  const writtenBySynth = filesUnder(rawDir).filter((p) => p !== '.git' && !p.startsWith('.git/'));
  fs.writeFileSync(rawInput, JSON.stringify(writtenBySynth.map((p) => ({ path: p, text: fs.readFileSync(path.join(rawDir, p), 'utf8') }))));
  discard(rawDir);

  const results: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    const tag = rounds > 1 ? `round ${i + 1}/${rounds}: ` : '';

    log(`${tag}help: cdk8s-gitops --help, and an argument error`);
    const h = run([process.execPath, CLI, '--help'], process.env, scratch);
    if (h.status !== 0) fail('cdk8s-gitops --help', h);
    const help = cost(h);
    const ae = run([process.execPath, CLI, 'synth', '--no-such-option'], process.env, scratch);
    if (ae.status !== 1 || !/CG301/.test(ae.stderr)) fail('cdk8s-gitops synth --no-such-option (expected CG301)', ae);
    const argument_error = cost(ae);

    log(`${tag}program: the fleet program on its own, handing over its model`);
    const modelOut = path.join(scratch, 'model.json');
    const p = run([process.execPath, PROGRAM], { ...process.env, BENCH_SERVICES: String(services), [MODEL_OUT_ENV]: modelOut }, scratch);
    if (p.status !== 0) fail('the fleet program', p);
    const program = { ...cost(p), model_mb: round(fs.statSync(modelOut).size / 1024 ** 2, 1) };
    fs.rmSync(modelOut);

    log(`${tag}floor: yaml stringify + fs.writeFileSync per file`);
    const floorDir = emptyDir('floor');
    const f = run([process.execPath, FLOOR, 'write', floorInput, floorDir], process.env, scratch);
    discard(floorDir);
    if (f.status !== 0) fail('floor write', f);
    const fr = json('floor write', f);
    // The write loop alone is timed inside the process; CPU time and RSS are the process's.
    const floor = { ...cost(f), seconds: round(fr.seconds), files_written: fr.files_written as number, process_seconds: round(f.seconds) };

    log(`${tag}raw_floor: the tree's files as synth writes them, fs.mkdirSync + fs.writeFileSync per file`);
    const rawFloorDir = emptyDir('raw-floor');
    const rf = run([process.execPath, FLOOR, 'raw', rawInput, rawFloorDir], process.env, scratch);
    discard(rawFloorDir);
    if (rf.status !== 0) fail('floor raw', rf);
    const rfr = json('floor raw', rf);
    const raw_floor = {
      ...cost(rf),
      seconds: round(rfr.seconds),
      files_written: rfr.files_written as number,
      bytes: rfr.bytes as number,
      process_seconds: round(rf.seconds),
    };

    log(`${tag}full: cdk8s-gitops synth into an empty directory`);
    const checkout = emptyDir('checkout');
    // A GitOps checkout is a Git work tree: its Git directory holds the stat cache that lets a
    // run with nothing to do find hand edits without reading every owned file.
    fs.mkdirSync(checkout, { recursive: true });
    const init = spawnSync('git', ['init', '--quiet', checkout], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`git init ${checkout} failed: ${init.stderr}`);
    const s = synth(checkout, services, scratch);
    const full = { ...cost(s), files_written: s.report.filesWritten as number, targets: valuesFiles(s.report.created) };

    log(`${tag}noop: the same synth again`);
    const n = synth(checkout, services, scratch);
    const noop = { ...cost(n), files_written: n.report.filesWritten as number };

    const service = serviceName(1);
    log(`${tag}promote: ${service} into ring nonprod`);
    const digest = digestOf(`${service} promoted in round ${i}`);
    const ledgerBefore = fs.readFileSync(path.join(checkout, 'releases', `${service}.yaml`), 'utf8');
    // One time for this promotion and the same one without the program, so that their ledgers can be compared.
    const at = { CDK8S_GITOPS_NOW: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString() };
    const pr = cli(
      ['promote', service, '--ring', 'nonprod', '--digest', digest, '--app', APP, '--out', checkout, '--by', 'bench', '--format', 'json'],
      services,
      scratch,
      at,
    );
    if (pr.status !== 0) fail('cdk8s-gitops promote', pr);
    const r = json('cdk8s-gitops promote', pr);
    const listed = [...r.created, ...r.updated, ...r.deleted] as string[];
    const promote = {
      ...cost(pr),
      files_written: typeof r.filesWritten === 'number' ? (r.filesWritten as number) : listed.length,
      values_files_written: valuesFiles(listed),
      ledger_written: listed.includes(`releases/${service}.yaml`),
    };

    log(`${tag}promote_without_program: the same promotion with no program (not measured: the ledger put back and synthesized first)`);
    const ledgerFile = path.join(checkout, 'releases', `${service}.yaml`);
    const afterPromote = fs.readFileSync(ledgerFile, 'utf8');
    const promotedFiles = Object.fromEntries(listed.map((p) => [p, fs.readFileSync(path.join(checkout, p), 'utf8')]));
    fs.writeFileSync(ledgerFile, ledgerBefore);
    synth(checkout, services, scratch);
    // --no-program: the release model in the checkout is read (the repository's cdk8s.yaml, found from the scratch directory, names a program).
    const np = cli(
      ['promote', service, '--ring', 'nonprod', '--digest', digest, '--no-program', '--out', checkout, '--by', 'bench', '--format', 'json'],
      services,
      scratch,
      at,
    );
    if (np.status !== 0) fail('cdk8s-gitops promote without the program', np);
    const nr = json('cdk8s-gitops promote without the program', np);
    const nlisted = [...nr.created, ...nr.updated, ...nr.deleted] as string[];
    const promote_without_program = {
      ...cost(np),
      files_written: typeof nr.filesWritten === 'number' ? (nr.filesWritten as number) : nlisted.length,
      values_files_written: valuesFiles(nlisted),
      same_bytes_as_promote:
        fs.readFileSync(ledgerFile, 'utf8') === afterPromote &&
        listed.every((p) => fs.readFileSync(path.join(checkout, p), 'utf8') === promotedFiles[p]),
    };

    log(`${tag}promote floor: read the ledger, write the ring's values files with fs`);
    const pf = run([process.execPath, FLOOR, 'promote', ringFloorInput, checkout, service], process.env, scratch);
    if (pf.status !== 0) fail('floor promote', pf);
    const pfr = json('floor promote', pf);
    const promote_floor = {
      ...cost(pf),
      seconds: round(pfr.seconds),
      files_written: pfr.files_written as number,
      process_seconds: round(pf.seconds),
    };
    // Put the promoted files back as the promotion wrote them (the floor wrote yaml's rendering).
    for (const [p, text] of Object.entries(promotedFiles)) fs.writeFileSync(path.join(checkout, p), text);

    log(`${tag}read_all: every owned file of the checkout read once`);
    const ownedList = path.join(scratch, 'owned-files.json');
    fs.writeFileSync(ownedList, JSON.stringify(owned));
    const ra = run([process.execPath, READ_ALL, ownedList, checkout], process.env, scratch);
    if (ra.status !== 0) fail('read-all', ra);
    const rar = json('read-all', ra);
    const read_all = { ...cost(ra), files_read: rar.files as number, bytes: rar.bytes as number, loop_seconds: round(rar.seconds) };

    log(`${tag}check: drift check of the checkout`);
    const c = cli(['check', '--app', APP, '--out', checkout, '--format', 'json'], services, scratch);
    if (c.status !== 0) fail('cdk8s-gitops check (expected a clean checkout)', c);
    const check = { ...cost(c), findings: (json('cdk8s-gitops check', c).findings as unknown[]).length };

    log(`${tag}preview: every ApplicationSet expanded over the checkout`);
    const v = cli(['preview', '--out', checkout, '--format', 'json'], services, scratch);
    if (v.status !== 0) fail('cdk8s-gitops preview', v);
    const preview = { ...cost(v), applications: (json('cdk8s-gitops preview', v) as unknown[]).length };

    log(`${tag}plan: one promotion pending (not measured: synth back to the ledger before it, then the ledger after it)`);
    const ledger = path.join(checkout, 'releases', `${service}.yaml`);
    const promoted = fs.readFileSync(ledger, 'utf8');
    fs.writeFileSync(ledger, ledgerBefore);
    synth(checkout, services, scratch);
    fs.writeFileSync(ledger, promoted);
    const pl = cli(['plan', '--app', APP, '--out', checkout, '--format', 'json'], services, scratch);
    if (pl.status !== 2) fail('cdk8s-gitops plan (expected changes)', pl);
    const plan = { ...cost(pl), files_changed: (json('cdk8s-gitops plan', pl).files as unknown[]).length };
    discard(checkout);

    log(`${tag}publish_first: cdk8s-gitops publish into a clone of an empty repository (its first commit, pushed)`);
    const published = emptyClone(emptyDir('publish'));
    const identity = GIT_IDENTITY;
    const pub = cli(['publish', '--app', APP, '--out', published, '--by', 'bench', '--format', 'json'], services, scratch, identity);
    if (pub.status !== 0) fail('cdk8s-gitops publish', pub);
    const publish_first = { ...cost(pub), files_committed: (json('cdk8s-gitops publish', pub).files as unknown[]).length };

    log(`${tag}publish_git_floor: the same files committed and pushed by git alone (the files copied first, not measured)`);
    const gitFloor = emptyClone(emptyDir('publish-git-floor'));
    const archive = spawnSync('sh', ['-c', `git -C '${published}' archive HEAD | tar -x -C '${gitFloor}'`], { encoding: 'utf8' });
    if (archive.status !== 0) throw new Error(`copying the published files failed: ${archive.stderr}`);
    const gf = run(
      ['sh', '-c', `cd '${gitFloor}' && git add -A && git commit --quiet -m bench && git push --quiet origin main`],
      { ...process.env, ...identity },
      scratch,
    );
    if (gf.status !== 0) fail('git add, commit and push', gf);
    const publish_git_floor = { ...cost(gf), files_committed: git(gitFloor, 'ls-files', '-z').split('\0').filter(Boolean).length };

    log(`${tag}publish_promote: ${service} into ring nonprod, --publish`);
    const pp = cli(
      [
        'promote',
        service,
        '--ring',
        'nonprod',
        '--digest',
        digestOf(`${service} published in round ${i}`),
        '--app',
        APP,
        '--out',
        published,
      ].concat(['--by', 'bench', '--publish', '--format', 'json']),
      services,
      scratch,
      identity,
    );
    if (pp.status !== 0) fail('cdk8s-gitops promote --publish', pp);
    const publish_promote = {
      ...cost(pp),
      files_committed: git(published, 'show', '--name-only', '--format=', 'HEAD').split('\n').filter(Boolean).length,
    };

    log(`${tag}publish_noop: cdk8s-gitops publish again`);
    const pn = cli(['publish', '--app', APP, '--out', published, '--by', 'bench', '--format', 'json'], services, scratch, identity);
    if (pn.status !== 0) fail('cdk8s-gitops publish (nothing to publish)', pn);
    const publish_noop = { ...cost(pn), pushed: json('cdk8s-gitops publish', pn).pushed === true };
    for (const dir of [published, `${published}.git`, gitFloor, `${gitFloor}.git`]) discard(dir);

    const scaling = new Map<number, Cost & { targets: number }>();
    for (const size of scalingSizes) {
      if (size === services) {
        scaling.set(size, { ...cost(full), targets: full.targets });
        continue;
      }
      log(`${tag}scaling: full synth at ${size} services`);
      const out = emptyDir(`scaling-${size}`);
      const sc = synth(out, size, scratch);
      discard(out);
      scaling.set(size, { ...cost(sc), targets: valuesFiles(sc.report.created) });
    }
    results.push({
      help,
      argument_error,
      program,
      floor,
      raw_floor,
      full,
      noop,
      promote,
      promote_without_program,
      promote_floor,
      read_all,
      check,
      preview,
      plan,
      publish_first,
      publish_git_floor,
      publish_promote,
      publish_noop,
      scaling,
    });
  }
  discard(floorInput);
  discard(ringFloorInput);
  discard(rawInput);
  for (const dir of written) spawnSync('rm', ['-rf', dir]);

  const pick = <K extends keyof Round>(k: K): Round[K][] => results.map((r) => r[k]);
  const fulls = pick('full');
  const perTarget = (size: number): number[] =>
    results.map((r) => {
      const s = r.scaling.get(size)!;
      return s.seconds / s.targets;
    });
  const scaling = scalingSizes.map((size) => {
    const s = summarize(results.map((r) => r.scaling.get(size)!));
    return {
      services: size,
      targets: s.targets,
      seconds: s.seconds,
      seconds_per_target: medianOf(perTarget(size)),
      user_seconds: s.user_seconds,
      sys_seconds: s.sys_seconds,
      peak_rss_mb: s.peak_rss_mb,
    };
  });
  const smallest = scalingSizes[0];
  const largest = scalingSizes[scalingSizes.length - 1];
  const scalingRatio =
    scalingSizes.length > 1
      ? round(
          medianOf(
            results.map((r) => {
              const big = r.scaling.get(largest)!;
              const small = r.scaling.get(smallest)!;
              return big.seconds / big.targets / (small.seconds / small.targets);
            }),
          ),
        )
      : null;

  /** The median over the rounds of `a`'s seconds less `b`'s, within each round. */
  const minus = (a: readonly Cost[], b: readonly Cost[]): number => round(medianOf(a.map((x, i) => x.seconds - b[i].seconds)));
  const programs = pick('program');
  const noopMinusProgram = minus(pick('noop'), programs);
  const promoteMinusProgram = minus(pick('promote'), programs);
  const planMinusProgram = minus(pick('plan'), programs);
  const fullVsRawFloor = ratioOf(fulls, pick('raw_floor'));
  const checkVsReadAll = ratioOf(pick('check'), pick('read_all'));
  const fleetTargets = summarize(fulls).targets;
  const peakSteps = [
    'full',
    'noop',
    'promote',
    'promote_without_program',
    'check',
    'preview',
    'plan',
    'publish_first',
    'publish_promote',
    'publish_noop',
  ] as const;
  const peakRss = Math.max(...peakSteps.flatMap((k) => pick(k).map((c) => c.peak_rss_mb ?? NaN)).filter((v) => Number.isFinite(v)));
  const help = summarize(pick('help'));
  const argumentError = summarize(pick('argument_error'));
  /** A target, the figure this run measured for it and whether it is met (null: not measured, or not at the size the target names). */
  const target = (name: string, value: number | null, limit: number, applies = true): Record<string, unknown> => ({
    target: name,
    value,
    met: value === null || !Number.isFinite(value) || !applies ? null : value <= limit,
  });
  const performanceTargets = {
    full_vs_raw_floor: target('full / raw_floor ≤ 2.0', fullVsRawFloor, 2.0),
    noop_minus_program: target('noop − program ≤ 0.25 s', noopMinusProgram, 0.25),
    promote_minus_program: target('promote − program ≤ 0.35 s', promoteMinusProgram, 0.35),
    plan_minus_program: target('plan − program ≤ 0.6 s', planMinusProgram, 0.6),
    check_vs_read_all: target('check ≤ 1.5 × read_all', checkVsReadAll, 1.5),
    peak_rss: {
      ...target(
        `peak RSS ≤ 1024 MiB at 24,000 targets (this fleet: ${fleetTargets})`,
        Number.isFinite(peakRss) ? peakRss : null,
        1024,
        fleetTargets === 24000,
      ),
      unit: 'MiB',
    },
    help: target('--help ≤ 0.3 s', help.seconds, 0.3),
    argument_error: target('an argument error ≤ 0.3 s', argumentError.seconds, 0.3),
  };

  const notes: string[] = [
    `program: ${path.relative(ROOT, PROGRAM)}, compiled with tsc from bench/fleet-program.ts before the run, run by node`,
    `cli: node ${path.relative(ROOT, CLI)} (the installed binary, without npx)`,
    `user_seconds, sys_seconds, peak_rss_mb: from ${useTime ? '/usr/bin/time -v' : 'process.resourceUsage() of each Node process'}; peak_rss_mb is the largest process of the step`,
    'floor.seconds: the write loop only (data prepared beforehand, not measured); floor.process_seconds: the whole floor process',
    "promote_floor.seconds: reading the service's ledger and writing its ring's values files (data prepared beforehand); promote_floor.process_seconds: the whole process, with Node's start",
    'raw_floor.seconds: the write loop only: every file a synth into an empty directory wrote (the manifest and its shards too), with its bytes (read from that synth beforehand, not measured), written with fs.mkdirSync + fs.writeFileSync into an empty directory; raw_floor.process_seconds: the whole process. full_vs_raw_floor: full.seconds / raw_floor.seconds',
    'noop_minus_program, promote_minus_program, plan_minus_program: seconds of the step beyond the program step (the fleet program run on its own) of the same round, the median over the rounds',
    'read_all: a process (read-all.js, which loads only fs and path) reading every owned file of the checkout once (the files those the raw floor synth reported created); seconds is the whole process, loop_seconds the reads alone. check_vs_read_all: check.seconds / read_all.seconds',
    'help: `cdk8s-gitops --help`; argument_error: `cdk8s-gitops synth --no-such-option` (CG301)',
    'publish_first: `cdk8s-gitops publish` into a clone of an empty bare repository on this disk (the program, the write, the commit and the push); publish_git_floor: git alone adding, committing and pushing the same files in a clone of its own (`sh -c "git add -A && git commit && git push"`); publish_first_vs_git_floor: their ratio. publish_promote: `promote --publish` in that clone; publish_promote_minus_program: its seconds beyond the program step. publish_noop: `publish` again, nothing to publish',
    `performance_targets: each target, this run's figure and whether it is met; peak RSS is the largest of ${peakSteps.join(', ')}, and is judged only at 24,000 targets (met: null otherwise)`,
    `${rounds === 1 ? 'one round' : `${rounds} rounds; figures are medians, ratios the median of each round's ratio`}; sync(1) before each step`,
  ];
  if (scalingSizes.includes(services)) notes.push(`scaling at ${services} services is the full step`);

  const result = {
    machine: machineInfo,
    date: startedAt.toISOString(),
    targets: summarize(fulls).targets,
    services,
    help,
    argument_error: argumentError,
    program: summarize(programs),
    floor: summarize(pick('floor')),
    raw_floor: summarize(pick('raw_floor')),
    full: summarize(fulls),
    noop: summarize(pick('noop')),
    promote: summarize(pick('promote')),
    promote_without_program: summarize(pick('promote_without_program')),
    promote_floor: summarize(pick('promote_floor')),
    read_all: summarize(pick('read_all')),
    check: summarize(pick('check')),
    preview: summarize(pick('preview')),
    plan: summarize(pick('plan')),
    publish_first: summarize(pick('publish_first')),
    publish_git_floor: summarize(pick('publish_git_floor')),
    publish_promote: summarize(pick('publish_promote')),
    publish_noop: summarize(pick('publish_noop')),
    full_vs_floor: ratioOf(fulls, pick('floor')),
    full_vs_raw_floor: fullVsRawFloor,
    noop_minus_program: noopMinusProgram,
    promote_minus_program: promoteMinusProgram,
    plan_minus_program: planMinusProgram,
    check_vs_read_all: checkVsReadAll,
    noop_vs_full: ratioOf(pick('noop'), fulls),
    promote_vs_full: ratioOf(pick('promote'), fulls),
    promote_without_program_vs_promote: ratioOf(pick('promote_without_program'), pick('promote')),
    promote_without_program_vs_floor: ratioOf(pick('promote_without_program'), pick('promote_floor')),
    promote_without_program_vs_floor_process: ratioOf(
      pick('promote_without_program'),
      pick('promote_floor').map((f) => ({ ...f, seconds: f.process_seconds })),
    ),
    plan_vs_full: ratioOf(pick('plan'), fulls),
    publish_first_vs_git_floor: ratioOf(pick('publish_first'), pick('publish_git_floor')),
    publish_promote_minus_program: minus(pick('publish_promote'), programs),
    scaling,
    scaling_per_target_largest_vs_smallest: scalingRatio,
    performance_targets: performanceTargets,
    notes,
  };
  if (!keep) spawnSync('rm', ['-rf', work]);
  else log(`kept ${work}`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main();
