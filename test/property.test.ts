/**
 * Properties over random platforms: valid ones synthesize deterministically into Argo CD objects
 * that validate, grant least privilege and generate exactly the declared Applications with the
 * declared values; invalid ones end in a GitOpsError and leave the output directory as it was.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import fc from 'fast-check';
import { DocumentOptions, parse, ParseOptions, ScalarTag, SchemaOptions } from 'yaml';
import { Cloud, Cluster, ControlPlane, Environment, GitOpsError, Platform, PromotionRing, Service, Targets, Workload } from '../src';
import { synthesize, releaseValues, targetLayers } from '../src/synth/synthesize';
import type { LayoutProps, Values } from '../src';
import { validateArgoObject } from '../src/synth/argocd/validate';
import { errorEntry } from '../src/core/error-catalogue';
import { isSecretKey } from '../src/constructs/values-check';
import { PlatformModel } from '../src/model/platform-model';
import { mergeValues } from '../src/model/values';
import { applicationProblems, argoObjects, generatedApplications, leastPrivilegeProblems } from './support/argocd-tree';
import { loadArgoCdSchemas } from './support/argocd-schema';
import { readTree, treeDiff } from './support/tree';

const CRDS = loadArgoCdSchemas();
const VALID_RUNS = 40;
const INVALID_RUNS = 80;

// ---------------------------------------------------------------- random valid platforms

/** Platform-scope ids (environments, clouds, services): no "-", so joined names never collide. */
const idArb = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/).filter((n) => !['argocd', 'bootstrap', 'default'].includes(n));
/** Cluster names: letters, "-", two digits (like westeurope-01). */
const clusterNameArb = fc
  .tuple(fc.stringMatching(/^[a-z]{1,10}$/), fc.integer({ min: 0, max: 99 }))
  .map(([a, n]) => `${a}-${String(n).padStart(2, '0')}`);

const TRICKY_STRINGS = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'N',
  '~',
  'null',
  'true',
  'False',
  '1e3',
  '0o17',
  '0x1F',
  '012',
  '1_000',
  '2026-01-01',
  '12:30:00',
  '- a',
  '#c',
  'a: b',
  'a:',
  ':a',
  '.inf',
  '-.Inf',
  '.nan',
  '',
  ' lead',
  'trail ',
  'multi\nline',
  'tab\tx',
  '"q"',
  "'s'",
  '{x}',
  '[y]',
  '*a',
  '&b',
  '!t',
  '%p',
  '@a',
  '`b',
  '|',
  '>',
  '?',
  '<<',
  '=',
  'é',
  'ünïcödé',
  '日本',
  '🚀',
  'a # b',
  'sha256:abc',
];
const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const keyArb = fc
  .oneof(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,6}$/), fc.constantFrom('yes', 'on', '1', 'a.b', 'x y', 'ünï', 'k:v'))
  .filter((k) => !isSecretKey(k) && k !== 'image');
const valuesArb: fc.Arbitrary<Values> = fc.letrec<{ value: unknown; values: Values }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    tie('values'),
    fc.array(fc.oneof(scalarArb, tie('values')), { maxLength: 3 }),
  ),
  values: fc.dictionary(keyArb, tie('value'), { maxKeys: 3 }) as fc.Arbitrary<Values>,
})).values;

const digestArb = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`);

interface Spec {
  readonly layout?: LayoutProps;
  readonly platformValues: Values;
  readonly envs: { name: string; ownControlPlane: boolean; clusterResources: boolean; revisionHistoryLimit?: number; values: Values }[];
  readonly clouds: { name: string; values: Values }[];
  readonly clusters: { env: number; cloud: number; name: string; region: string; ownDestination: boolean; values: Values }[];
  readonly services: {
    name: string;
    ownNamespace: boolean;
    releaseName?: string;
    chartPath?: string;
    targetRevision?: string;
    ownRepo: boolean;
    digest: string;
    values: Values;
    placements: { env?: number; cluster?: number; values: Values }[];
  }[];
  readonly rings: boolean;
}

const specArb: fc.Arbitrary<Spec> = fc
  .record({
    counts: fc.record({
      envs: fc.integer({ min: 1, max: 3 }),
      clouds: fc.integer({ min: 1, max: 2 }),
      services: fc.integer({ min: 1, max: 3 }),
      clusters: fc.integer({ min: 1, max: 5 }),
    }),
  })
  .chain(({ counts }) =>
    fc
      .record({
        ids: fc.uniqueArray(idArb, {
          minLength: counts.envs + counts.clouds + counts.services,
          maxLength: counts.envs + counts.clouds + counts.services,
        }),
        clusterNames: fc.uniqueArray(clusterNameArb, { minLength: counts.clusters, maxLength: counts.clusters }),
        layout: fc.option(
          fc.constant({
            environments: 'deploy/envs',
            applicationSets: 'argo/sets',
            projects: 'argo/projects',
            bootstrap: 'argo/bootstrap',
            releases: 'ledgers',
          }),
          { nil: undefined },
        ),
        platformValues: valuesArb,
        envs: fc.array(
          fc.record({
            ownControlPlane: fc.boolean(),
            clusterResources: fc.boolean(),
            revisionHistoryLimit: fc.option(fc.nat(20), { nil: undefined }),
            values: valuesArb,
          }),
          { minLength: counts.envs, maxLength: counts.envs },
        ),
        clouds: fc.array(valuesArb, { minLength: counts.clouds, maxLength: counts.clouds }),
        clusters: fc.array(
          fc.record({
            env: fc.nat(counts.envs - 1),
            cloud: fc.nat(counts.clouds - 1),
            region: idArb,
            ownDestination: fc.boolean(),
            values: valuesArb,
          }),
          { minLength: counts.clusters, maxLength: counts.clusters },
        ),
        services: fc.array(
          fc.record({
            ownNamespace: fc.boolean(),
            releaseName: fc.option(
              idArb.map((n) => `rel-${n}`),
              { nil: undefined },
            ),
            chartPath: fc.option(fc.constantFrom('charts/app', 'deploy/helm/app'), { nil: undefined }),
            targetRevision: fc.option(fc.constantFrom('v1.2.3', 'release-1'), { nil: undefined }),
            ownRepo: fc.boolean(),
            digest: digestArb,
            values: valuesArb,
            placements: fc.array(
              fc.record({
                env: fc.option(fc.nat(counts.envs - 1), { nil: undefined }),
                cluster: fc.nat(counts.clusters - 1),
                values: valuesArb,
              }),
              { maxLength: 3 },
            ),
          }),
          { minLength: counts.services, maxLength: counts.services },
        ),
        rings: fc.boolean(),
      })
      .map((r): Spec => ({
        layout: r.layout,
        platformValues: r.platformValues,
        envs: r.envs.map((e, i) => ({ ...e, name: r.ids[i] })),
        clouds: r.clouds.map((values, i) => ({ name: r.ids[counts.envs + i], values })),
        clusters: r.clusters.map((c, i) => ({ ...c, name: r.clusterNames[i] })),
        services: r.services.map((s, i) => ({
          ...s,
          name: r.ids[counts.envs + counts.clouds + i],
          placements: s.placements.map((p) =>
            p.env !== undefined ? { env: p.env, values: p.values } : { cluster: p.cluster, values: p.values },
          ),
        })),
        rings: r.rings,
      })),
  );

interface Built {
  readonly platform: Platform;
  readonly envs: Environment[];
  readonly clouds: Cloud[];
  readonly clusters: Cluster[];
  readonly services: Service[];
}

function build(spec: Spec, platformOverrides: Partial<ConstructorParameters<typeof Platform>[0]> = {}): Built {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    values: spec.platformValues,
    ...(spec.layout ? { layout: spec.layout } : {}),
    ...platformOverrides,
  });
  const envs = spec.envs.map(
    (e) =>
      new Environment(platform, e.name, {
        ...(e.ownControlPlane ? { controlPlane: new ControlPlane(platform, e.name) } : {}),
        ...(e.clusterResources ? { clusterResources: [{ group: '', kind: 'Namespace' }] } : {}),
        ...(e.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: e.revisionHistoryLimit } : {}),
        values: e.values,
      }),
  );
  const clouds = spec.clouds.map((c) => new Cloud(platform, c.name, { values: c.values }));
  const clusters = spec.clusters.map(
    (c) =>
      new Cluster(envs[c.env], c.name, {
        cloud: clouds[c.cloud],
        region: c.region,
        values: c.values,
        ...(c.ownDestination ? { destination: `dest-${c.name}` } : {}),
      }),
  );
  const services = spec.services.map((s) => {
    const service = new Service(platform, s.name, {
      image: { repository: `registry.example.com/team/${s.name}` },
      initialDigest: s.digest,
      values: s.values,
      ...(s.ownNamespace ? { namespace: `${s.name}-ns` } : {}),
      workload: Workload.helmChart({
        ...(s.releaseName ? { releaseName: s.releaseName } : {}),
        ...(s.chartPath ? { chartPath: s.chartPath } : {}),
        ...(s.targetRevision ? { targetRevision: s.targetRevision } : {}),
        ...(s.ownRepo ? { repoURL: `https://git.example.com/own/${s.name}.git` } : {}),
      }),
    });
    for (const p of s.placements) service.deployTo(p.env !== undefined ? envs[p.env] : clusters[p.cluster!], { values: p.values });
    return service;
  });
  if (spec.rings) {
    const withTargets = envs.filter((e) => services.some((s) => s.placements.some((p) => p.cluster.environment === e)));
    for (const e of withTargets) new PromotionRing(platform, `ring-${e.name}`, { targets: Targets.environment(e) });
  }
  return { platform, envs, clouds, clusters, services };
}

/**
 * YAML 1.1 as Go and Python read it. The yaml library's 1.1 schema reads an exponent without a
 * mantissa (`e0`, `E5`) as a float (NaN); no other reader does, so its pattern gets the mantissa back.
 */
const YAML_11: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: true,
  customTags: (tags) =>
    (tags as ScalarTag[]).map((t) =>
      t.tag === 'tag:yaml.org,2002:float' && t.format === 'EXP'
        ? { ...t, test: /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$/ }
        : t,
    ),
};

function checkValuesFiles(model: PlatformModel, files: Record<string, string>): string[] {
  const problems: string[] = [];
  const digests = new Map(model.services.map((s) => [s.name, s.initialDigest!]));
  for (const t of model.targets) {
    const file = `${model.layout.environments}/${t.id}/values.yaml`;
    const text = files[file];
    if (text === undefined) {
      problems.push(`${file} is missing`);
      continue;
    }
    const expected = JSON.parse(
      JSON.stringify(
        mergeValues([...targetLayers(model, t), { id: 'release', label: 'release', values: releaseValues(digests.get(t.service)!) }]),
      ),
    );
    for (const version of ['1.1', '1.2'] as const) {
      const read = JSON.parse(JSON.stringify(parse(text, version === '1.1' ? YAML_11 : { uniqueKeys: true })));
      if (!isDeepStrictEqual(read, expected)) problems.push(`${file} reads back differently in YAML ${version}:\n${text}`);
    }
  }
  return problems;
}

describe('random valid platforms', () => {
  test(`synthesize deterministically into valid, least-privilege Argo CD objects (${VALID_RUNS} platforms)`, () => {
    let targets = 0;
    let objects = 0;
    fc.assert(
      fc.property(specArb, (spec) => {
        const model = build(spec).platform.snapshot();
        const first = synthesize(model).toRecord();
        const again = synthesize(build(spec).platform.snapshot()).toRecord();
        expect(again).toEqual(first);
        expect(JSON.stringify(again)).toBe(JSON.stringify(first));

        const objs = [...argoObjects(model, first).map((o) => o.obj), ...generatedApplications(model, first).map((a) => a.app)];
        for (const obj of objs) {
          expect(validateArgoObject(obj)).toEqual([]);
          if (CRDS.available) expect(CRDS.validate(obj)).toEqual([]);
        }
        expect(leastPrivilegeProblems(model, first)).toEqual([]);
        expect(applicationProblems(model, first)).toEqual([]);
        expect(checkValuesFiles(model, first)).toEqual([]);
        targets += model.targets.length;
        objects += objs.length;
      }),
      { numRuns: VALID_RUNS, seed: 20261122 },
    );
    expect(targets).toBeGreaterThan(VALID_RUNS);
    expect(objects).toBeGreaterThan(VALID_RUNS * 3);
  });
});

// ---------------------------------------------------------------- random invalid inputs

class NotPlain {
  constructor(public readonly x = 1) {}
}
const cyclic = (): Values => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o as Values;
};

const badNameArb = fc.oneof(
  fc.constantFrom(
    'Prod',
    'pаyments' /* Cyrillic а */,
    'ｐｒｏｄ',
    'stag\u200bing',
    '..',
    '.git',
    'a/b',
    '../../etc',
    '-lead',
    'trail-',
    'a_b',
    'a.b',
    ' ',
    'x'.repeat(64),
    'ünï',
  ),
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)),
);
const nonPlainArb: fc.Arbitrary<() => unknown> = fc.constantFrom(
  () => () => 1,
  () => new Date(0),
  () => new NotPlain(),
  () => undefined,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => Symbol('s'),
  () => BigInt(1),
  () => new Map(),
  () => cyclic(),
);

/** A place with a target of its own, made of names no random valid platform uses. */
function freshTarget(
  b: Built,
  service: Partial<ConstructorParameters<typeof Service>[2]> = {},
): { env: Environment; cluster: Cluster; service: Service } {
  const env = new Environment(b.platform, 'mut-env');
  const cluster = new Cluster(env, 'mut-x1', { cloud: b.clouds[0], region: 'r' });
  const s = new Service(b.platform, 'mut-svc', {
    image: { repository: 'registry.example.com/mut' },
    initialDigest: `sha256:${'d'.repeat(64)}`,
    ...service,
  });
  s.deployTo(env);
  return { env, cluster, service: s };
}

interface Mutation {
  readonly name: string;
  readonly code: string;
  readonly platform?: Partial<ConstructorParameters<typeof Platform>[0]>;
  readonly apply?: (b: Built) => void;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .tuple(badNameArb, fc.constantFrom('environment', 'cloud', 'cluster', 'service', 'namespace', 'release'))
    .map(([name, what]): Mutation => ({
      name: `${what} named ${JSON.stringify(name)}`,
      code: what === 'release' ? 'CG102' : 'CG101',
      apply: (b) => {
        if (what === 'environment') new Cluster(new Environment(b.platform, name), 'c1', { cloud: b.clouds[0], region: 'r' });
        if (what === 'cloud') new Cluster(b.envs[0], 'mut-x1', { cloud: new Cloud(b.platform, name), region: 'r' });
        if (what === 'cluster') new Cluster(b.envs[0], 'mut-x1', { cloud: b.clouds[0], region: 'r', name });
        if (what === 'service')
          new Service(b.platform, name, {
            image: { repository: 'r/x' },
            namespace: 'mut-ns',
            workload: Workload.helmChart({ releaseName: 'mut-rel' }),
          });
        if (what === 'namespace') freshTarget(b, { namespace: name });
        if (what === 'release') freshTarget(b, { workload: Workload.helmChart({ releaseName: name }) });
      },
    }))
    .filter((m) => !(m.code === 'CG102' && m.name.endsWith('"a.b"'))),
  fc.constant<Mutation>({
    name: 'an id used twice',
    code: 'CG103',
    apply: (b) => new Service(b.platform, b.envs[0].name, { image: { repository: 'r/x' } }),
  }),
  fc.constant<Mutation>({
    name: 'a destination used twice',
    code: 'CG105',
    apply: (b) =>
      new Cluster(b.clusters[0].environment, 'mut-x1', { cloud: b.clouds[0], region: 'r', destination: b.clusters[0].destination }),
  }),
  fc.constant<Mutation>({
    name: 'a namespace used twice on a cluster',
    code: 'CG104',
    apply: (b) => {
      const t = freshTarget(b);
      new Service(b.platform, 'mut-two', {
        image: { repository: 'r/x' },
        initialDigest: `sha256:${'d'.repeat(64)}`,
        namespace: t.service.namespace,
      }).deployTo(t.cluster);
    },
  }),
  fc.tuple(nonPlainArb, fc.constantFrom('environment', 'cloud', 'service', 'deployTo', 'nested')).map(([value, where]): Mutation => ({
    name: `non-plain values in ${where}`,
    code: 'CG107',
    apply: (b) => {
      const values = (where === 'nested' ? { a: { b: [1, value()] } } : { key: value() }) as unknown as Values;
      if (where === 'environment' || where === 'nested') new Environment(b.platform, 'mut-env', { values });
      if (where === 'cloud') new Cloud(b.platform, 'mut-cloud', { values });
      if (where === 'service') new Service(b.platform, 'mut-svc', { image: { repository: 'r/x' }, values });
      if (where === 'deployTo') b.services[0].deployTo(b.envs[0], { values });
    },
  })),
  fc
    .tuple(
      fc.constantFrom(
        'password',
        'dbPassword',
        'client_secret',
        'apiKey',
        'privateKey',
        'token',
        'credentials',
        'PASSWD',
        'pass',
        'pwd',
        'passphrase',
      ),
      fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
    )
    .map(([key, secret]): Mutation => ({
      name: `literal ${key}`,
      code: 'CG120',
      apply: (b) => b.services[0].deployTo(b.envs[0], { values: { db: { [key]: secret } } }),
    })),
  fc.constantFrom('digest', 'tag').map((key): Mutation => ({
    name: `image.${key} in values`,
    code: 'CG113',
    apply: (b) => new Environment(b.platform, 'mut-env', { values: { image: { [key]: 'x' } } }),
  })),
  fc
    .constantFrom('default', 'bootstrap')
    .map((name): Mutation => ({ name: `environment ${name}`, code: 'CG126', apply: (b) => new Environment(b.platform, name) })),
  fc.constant<Mutation>({ name: 'namespace argocd', code: 'CG123', apply: (b) => freshTarget(b, { namespace: 'argocd' }) }),
  fc
    .constantFrom('kube-system', 'kube-public', 'kube-node-lease', 'default')
    .map((namespace): Mutation => ({ name: `namespace ${namespace}`, code: 'CG138', apply: (b) => freshTarget(b, { namespace }) })),
  fc.constantFrom('*', 'ftp://x/y.git', 'https://git.example.com/*', 'https://git.example.com/a b').map((repoURL): Mutation => ({
    name: `repoURL ${repoURL}`,
    code: 'CG109',
    apply: (b) => freshTarget(b, { workload: Workload.helmChart({ repoURL }) }),
  })),
  fc.constantFrom('../x', '/abs', '.git/x', '', 'a//b').map((chartPath): Mutation => ({
    name: `chartPath ${chartPath}`,
    code: 'CG108',
    apply: (b) => freshTarget(b, { workload: Workload.helmChart({ chartPath }) }),
  })),
  fc.constantFrom('sha256:abc', 'latest', `sha256:${'A'.repeat(64)}`).map((initialDigest): Mutation => ({
    name: `initialDigest ${initialDigest}`,
    code: 'CG115',
    apply: (b) => freshTarget(b, { initialDigest }),
  })),
  fc.constantFrom('*', 'dest-*', '', '!x').map((destination): Mutation => ({
    name: `destination ${destination}`,
    code: 'CG101',
    apply: (b) => new Cluster(b.envs[0], 'mut-x1', { cloud: b.clouds[0], region: 'r', destination }),
  })),
  fc.constantFrom(-1, 1.5, Number.NaN).map((n): Mutation => ({
    name: `revisionHistoryLimit ${n}`,
    code: 'CG110',
    apply: (b) => new Environment(b.platform, 'mut-env', { revisionHistoryLimit: n }),
  })),
  fc.constantFrom('registry.example.com/x:1.0', 'registry.example.com/x@sha256:abc', '').map((repository): Mutation => ({
    name: `image ${repository}`,
    code: 'CG111',
    apply: (b) => new Service(b.platform, 'mut-svc', { image: { repository } }),
  })),
  fc
    .constantFrom<[keyof LayoutProps, string]>(
      ['environments', '../up'],
      ['releases', '/etc'],
      ['projects', '.git'],
      ['bootstrap', ''],
      ['applicationSets', 'a/../b'],
    )
    .map(([key, dir]): Mutation => ({ name: `layout.${key} ${dir}`, code: 'CG108', platform: { layout: { [key]: dir } } })),
  fc
    .constantFrom<LayoutProps>({ environments: 'x', releases: 'x' }, { environments: 'x', applicationSets: 'x/sets' })
    .map((layout): Mutation => ({ name: `overlapping layout ${JSON.stringify(layout)}`, code: 'CG124', platform: { layout } })),
);

describe('random invalid inputs', () => {
  test(`end in a GitOpsError that names the mistake, and write nothing (${INVALID_RUNS} programs)`, () => {
    const root = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'cdk8s-gitops-prop-'));
    const seen = new Set<string>();
    try {
      let run = 0;
      fc.assert(
        fc.property(specArb, mutationArb, (spec, mutation) => {
          const dir = path.join(root, String(run++));
          const out = path.join(dir, 'out');
          build(spec).platform.synth({ outdir: out });
          const before = readTree(dir);
          let error: unknown;
          try {
            const b = build(spec, mutation.platform);
            mutation.apply?.(b);
            b.platform.synth({ outdir: out });
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(GitOpsError);
          const problems = (error as GitOpsError).problems;
          expect(problems.map((p) => p.code)).toContain(mutation.code);
          for (const p of problems) {
            expect(errorEntry(p.code)).toBeDefined();
            expect(p.fix.trim()).not.toBe('');
            if (p.constructPath !== undefined) expect(p.constructPath).toMatch(/^platform(\/|$)/);
          }
          expect(treeDiff(before, readTree(dir))).toEqual([]);
          expect(fs.readdirSync(dir)).toEqual(['out']);
          fs.rmSync(dir, { recursive: true, force: true });
          seen.add(mutation.name);
        }),
        { numRuns: INVALID_RUNS, seed: 20261122 },
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    expect(seen.size).toBeGreaterThan(30);
  });
});
