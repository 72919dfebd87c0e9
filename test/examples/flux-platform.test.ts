import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { fluxPlatform, NOTIFY_DIGEST } from '../../examples/flux-platform/main';
import { FileKind } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../support/argocd-schema';
import { describeWithFluxSchemas, isFluxObject, loadFluxSchemas } from '../support/flux-schema';
import { validateKubeObject } from '../support/kube-models';
import { readmeYamlFor } from '../support/readme';

const tree = synthesize(fluxPlatform().snapshot());
const documents = (p: string): any[] => parseAllDocuments(tree.content(p)).map((d) => d.toJS());
const ENTRY = 'clusters/nonprod/aws/eu-central-1-01';
const TARGET = 'environments/nonprod/aws/eu-central-1-01';

describe('examples/flux-platform', () => {
  it("gives each nonprod cluster an entry point with a Kustomization per service, and prod Argo CD's objects", () => {
    expect(tree.paths().filter((p) => p.startsWith(`${ENTRY}/`))).toEqual([
      `${ENTRY}/cert-manager.yaml`,
      `${ENTRY}/checkout.yaml`,
      `${ENTRY}/notifications.yaml`,
      `${ENTRY}/otel-collector.yaml`,
      `${ENTRY}/search.yaml`,
      `${ENTRY}/storefront.yaml`,
    ]);
    expect(tree.paths().filter((p) => p.startsWith('clusters/')).length).toBe(12);
    expect(tree.paths().filter((p) => p.startsWith('bootstrap/') || p.startsWith('projects/'))).toEqual([
      'bootstrap/prod.yaml',
      'projects/prod-addon-cert-manager.yaml',
      'projects/prod.yaml',
    ]);
    expect(documents(`${ENTRY}/checkout.yaml`).find((d) => d.kind === 'Kustomization').spec.interval).toBe('5m');
  });

  describeWithFluxSchemas("against Flux's CRDs", loadFluxSchemas(), (validate) => {
    it('writes every Flux object strictly valid', () => {
      const objects = tree
        .paths()
        .filter((p) => tree.get(p)!.kind === FileKind.FLUX && !p.endsWith('/kustomization.yaml'))
        .flatMap(documents)
        .filter(isFluxObject);
      // A Kustomization per target in the entry points; a HelmRelease and its source per Helm
      // target (the add-on's too); a GitRepository and a Kustomization per target of the Kustomize service.
      expect(objects).toHaveLength(12 + 8 * 2 + 2 * 2);
      for (const o of objects) expect(validate(o)).toEqual([]);
    });
  });

  describeWithArgoCdSchemas('against the Argo CD CRDs', loadArgoCdSchemas(), (validate) => {
    it("writes prod's Argo CD objects strictly valid", () => {
      const argo = tree
        .paths()
        .filter((x) => [FileKind.APPLICATION_SET, FileKind.APP_PROJECT, FileKind.BOOTSTRAP].includes(tree.get(x)!.kind));
      for (const p of argo) for (const doc of documents(p)) expect(validate(doc)).toEqual([]);
    });
  });

  it('passes kubernetes-models validation for the namespaces, service accounts and role bindings', () => {
    const core = tree
      .paths()
      .filter((p) => p.startsWith('clusters/'))
      .flatMap(documents)
      .filter((d) => !isFluxObject(d));
    expect(core.map((d) => d.kind).sort()).toEqual([
      ...Array(2).fill('ClusterRole'),
      ...Array(2).fill('ClusterRoleBinding'),
      ...Array(12).fill('Namespace'),
      ...Array(12).fill('RoleBinding'),
      ...Array(24).fill('ServiceAccount'),
    ]);
    for (const d of core) expect(validateKubeObject(d)).toEqual([]);
  });

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (kubectl.status !== 0) console.warn('kubectl was not found: Flux targets are not built with `kubectl kustomize`.');
  (kubectl.status === 0 ? it : it.skip)("builds every Flux target's directory with kubectl kustomize", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-flux-example-'));
    try {
      for (const p of tree.paths().filter((x) => x.startsWith('environments/nonprod/'))) {
        fs.mkdirSync(path.join(dir, path.dirname(p)), { recursive: true });
        fs.writeFileSync(path.join(dir, p), tree.content(p));
      }
      const targets = [
        ...new Set(
          tree
            .paths()
            .filter((x) => x.startsWith('environments/nonprod/'))
            .map((x) => path.dirname(x)),
        ),
      ];
      expect(targets).toHaveLength(12);
      for (const t of targets) {
        const r = spawnSync('kubectl', ['kustomize', path.join(dir, t)], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        const built = parseAllDocuments(r.stdout).map((d) => d.toJS());
        const service = path.basename(t);
        if (service === 'storefront') {
          expect(built.map((o) => o.kind)).toEqual(['Kustomization', 'GitRepository']);
        } else if (service === 'notifications') {
          expect(built.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].image).toBe(
            `registry.example.com/shop/notifications@${NOTIFY_DIGEST}`,
          );
        } else {
          expect(built.find((o) => o.kind === 'ConfigMap').data['values.yaml']).toBe(tree.content(`${t}/values.yaml`));
          expect(built.some((o) => o.kind === 'HelmRelease')).toBe(true);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  (kubectl.status === 0 ? it : it.skip)("builds each cluster's entry point as a whole, as Flux's own Kustomization does", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-flux-entry-'));
    try {
      const entries = [
        ...new Set(
          tree
            .paths()
            .filter((x) => x.startsWith('clusters/'))
            .map((x) => path.dirname(x)),
        ),
      ];
      expect(entries).toHaveLength(2);
      for (const entry of entries) {
        const files = tree.paths().filter((x) => path.dirname(x) === entry);
        fs.mkdirSync(path.join(dir, entry), { recursive: true });
        for (const f of files) fs.writeFileSync(path.join(dir, f), tree.content(f));
        // Flux generates a kustomization of every manifest of a directory that has none.
        fs.writeFileSync(path.join(dir, entry, 'kustomization.yaml'), `resources: [${files.map((f) => path.basename(f)).join(', ')}]\n`);
        const r = spawnSync('kubectl', ['kustomize', path.join(dir, entry)], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        expect(parseAllDocuments(r.stdout).filter((d) => d.toJS().kind === 'Kustomization')).toHaveLength(files.length);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("README shows a cluster's entry file and a target's Flux objects exactly as the example writes them", () => {
    for (const file of [`${ENTRY}/otel-collector.yaml`, `${TARGET}/otel-collector/flux.yaml`, `${TARGET}/storefront/overlay.yaml`])
      expect(readmeYamlFor(file)).toBe(tree.content(file));
  });
});
