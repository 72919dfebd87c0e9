/*
 * Times the ApplicationSet preview at fleet scale: 1,000 services × 2 environments ×
 * 12 clusters = 24,000 target directories, expanded with the seed's ApplicationSet. One of the
 * services is rendered: it has an ApplicationSet of its own (a directory source listing its
 * directories by name), which the seed's ApplicationSet excludes.
 *
 *   npx tsx bench/preview-expand.ts
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ApplicationSetInput, expandApplicationSet, expandApplicationSets, listGitDirectories } from '../src/preview';

const ENVIRONMENTS = ['nonprod', 'prod'];
const CLUSTERS = ['azure', 'aws', 'gcp', 'oci'].flatMap((cloud) => ['01', '02', '03'].map((n) => [cloud, `region-${n}`] as const));
const SERVICES = Array.from({ length: 1000 }, (_, i) => `service-${String(i).padStart(4, '0')}`);
const RENDERED = SERVICES[0];

const segments = '{{ index .path.segments 4 }}-{{ index .path.segments 1 }}-{{ index .path.segments 2 }}-{{ index .path.segments 3 }}';
const appset: ApplicationSetInput = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'workloads', namespace: 'argocd' },
  spec: {
    goTemplate: true,
    goTemplateOptions: ['missingkey=error'],
    generators: [
      {
        git: {
          repoURL: 'https://git.example.com/platform-gitops.git',
          revision: 'main',
          directories: [{ path: 'environments/*/*/*/*' }, { path: `environments/*/*/*/${RENDERED}`, exclude: true }],
        },
      },
    ],
    template: {
      metadata: {
        name: segments,
        labels: {
          service: '{{ index .path.segments 4 }}',
          environment: '{{ index .path.segments 1 }}',
          cloud: '{{ index .path.segments 2 }}',
          cluster: '{{ index .path.segments 3 }}',
        },
      },
      spec: {
        project: '{{ index .path.segments 1 }}',
        destination: {
          name: '{{ printf "%s-%s" (index .path.segments 2) (index .path.segments 3) }}',
          namespace: '{{ index .path.segments 4 }}',
        },
        sources: [
          {
            repoURL: 'https://git.example.com/apps/{{ index .path.segments 4 }}.git',
            targetRevision: 'main',
            path: 'deploy/chart',
            helm: { releaseName: '{{ index .path.segments 4 }}', valueFiles: ['$values/{{ .path.path }}/values.yaml'] },
          },
          { repoURL: 'https://git.example.com/platform-gitops.git', targetRevision: 'main', ref: 'values' },
        ],
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true', 'ApplyOutOfSyncOnly=true'] },
        revisionHistoryLimit: 3,
      },
    },
  },
};

const rendered: ApplicationSetInput = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'rendered', namespace: 'argocd' },
  spec: {
    goTemplate: true,
    goTemplateOptions: ['missingkey=error'],
    generators: [
      {
        git: {
          repoURL: 'https://git.example.com/platform-gitops.git',
          revision: 'main',
          directories: [{ path: `environments/*/*/*/${RENDERED}` }],
        },
      },
    ],
    template: {
      metadata: { name: segments },
      spec: {
        project: '{{ index .path.segments 1 }}',
        destination: {
          name: '{{ printf "%s-%s" (index .path.segments 2) (index .path.segments 3) }}',
          namespace: '{{ index .path.segments 4 }}',
        },
        source: { repoURL: 'https://git.example.com/platform-gitops.git', targetRevision: 'main', path: '{{ .path.path }}' },
      },
    },
  },
};

function targets(): string[] {
  return ENVIRONMENTS.flatMap((env) =>
    CLUSTERS.flatMap(([cloud, cluster]) => SERVICES.map((svc) => `environments/${env}/${cloud}/${cluster}/${svc}`)),
  );
}

/** Prints wall and CPU time; CPU time is the steadier figure on a shared machine. */
function time<T>(label: string, run: () => T): T {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(cpu);
  console.log(`${label}: ${(performance.now() - start).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`);
  return result;
}

// 1. In memory: the directory list as the repo server would return it.
const dirs = targets();
const listed = [...new Set(dirs.flatMap((d) => d.split('/').map((_, i, s) => s.slice(0, i + 1).join('/'))))];
for (const run of ['first', 'second']) {
  const apps = time(`expand ${dirs.length} target directories (${listed.length} listed, in memory, ${run} run)`, () =>
    expandApplicationSets([appset, rendered], () => listed),
  );
  if (apps.length !== dirs.length) {
    throw new Error(`expected ${dirs.length} Applications, got ${apps.length}`);
  }
}

// 2. On disk: a real checkout with one values file per target.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'preview-bench-'));
try {
  time('write the checkout', () => {
    for (const d of dirs) {
      fs.mkdirSync(path.join(root, d), { recursive: true });
      fs.writeFileSync(path.join(root, d, 'values.yaml'), 'image: {}\n');
    }
  });
  const walked = time('list the checkout directories', () => listGitDirectories(root));
  const fromDisk = time('list and expand from the checkout', () => [
    ...expandApplicationSet(appset, root),
    ...expandApplicationSet(rendered, root),
  ]);
  console.log(`${walked.length} directories listed, ${fromDisk.length} Applications`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
