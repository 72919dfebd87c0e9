/**
 * The clusters a control plane's Argo CD holds, as the GitOps repository declares them, for
 * the cluster generators of that control plane's ApplicationSets: the declarative cluster
 * Secrets that Argo CD deploys into its own namespace. `SelfManagedArgoCd` writes them in the
 * `baseline/` directory of Argo CD's target on the cluster the control plane runs on, and the
 * control plane's own ApplicationSet for Argo CD deploys that directory in-cluster.
 *
 * @module
 */
import { GitOpsError } from '../../core/errors';
import { isMap } from '../../core/plain';
import {
  ClusterSecretError,
  ClusterSecretRefused,
  clustersIn,
  DeclaredCluster,
  GeneratedApplication,
  GoYamlError,
  IN_CLUSTER_NAME,
  IN_CLUSTER_SERVER,
  readGoYamlDocuments,
} from '../../preview';
import type { FoundApplicationSet, TreeView } from './checkout';

/** Whether an ApplicationSet has a cluster generator, at any depth. */
export function usesClusterGenerator(set: FoundApplicationSet): boolean {
  const spec = set.object.spec;
  return isMap(spec) && Array.isArray(spec.generators) && spec.generators.some(hasClusters);
}

function hasClusters(g: unknown): boolean {
  if (!isMap(g)) return false;
  if (g.clusters !== undefined && g.clusters !== null) return true;
  return [g.matrix, g.merge].some((c) => isMap(c) && Array.isArray(c.generators) && c.generators.some(hasClusters));
}

/** The directory of a repository path (`''` at the top). */
function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '' : file.slice(0, i);
}

/**
 * The clusters declared for the control plane of `set`: the cluster Secrets (and the
 * ExternalSecrets that make them) in the directories that Applications of the ApplicationSets
 * beside it (the same directory, which the control plane's root Application deploys) deploy
 * in-cluster into the ApplicationSet's namespace. Undefined when there are none.
 *
 * @param generated the Applications of the other ApplicationSets of the view, by their file
 */
export function declaredClustersFor(
  view: TreeView,
  set: FoundApplicationSet,
  generated: ReadonlyMap<string, readonly GeneratedApplication[]>,
): DeclaredCluster[] | undefined {
  const namespace = set.object.metadata?.namespace ?? '';
  const home = dirOf(set.file);
  const dirs = new Set<string>();
  const recursive = new Set<string>();
  for (const [file, apps] of generated) {
    if (dirOf(file) !== home) continue;
    for (const app of apps) {
      const destination = isMap(app.spec.destination) ? app.spec.destination : {};
      const inCluster = destination.server === IN_CLUSTER_SERVER || destination.name === IN_CLUSTER_NAME;
      if (!inCluster || (destination.namespace ?? '') !== namespace) continue;
      const sources = [app.spec.source, ...(Array.isArray(app.spec.sources) ? app.spec.sources : [])];
      for (const s of sources) {
        if (!isMap(s) || typeof s.path !== 'string' || s.chart !== undefined) continue;
        const dir = s.path.replace(/^\.\//, '').replace(/\/+$/, '');
        dirs.add(dir);
        if (isMap(s.directory) && s.directory.recurse === true) recursive.add(dir);
      }
    }
  }
  const clusters: DeclaredCluster[] = [];
  for (const file of view.files) {
    const deployed = dirs.has(dirOf(file)) || [...recursive].some((d) => file.startsWith(`${d}/`));
    if (!deployed || !/\.(ya?ml|json)$/.test(file)) continue;
    const text = view.readFile(file);
    // A file without the label's text declares no cluster, unless it spells the label with
    // escapes (JSON's `\/`, YAML's `\x2f`) or folds it across lines, all of which need a backslash.
    if (!text.includes('argocd.argoproj.io/secret-type') && !text.includes('\\')) continue;
    const setName = JSON.stringify(set.object.metadata?.name ?? '');
    try {
      // As Argo CD's repo server reads the manifests it syncs: YAML 1.1, where `yes` is a boolean.
      clusters.push(...clustersIn(readGoYamlDocuments(text), file, namespace));
    } catch (e) {
      if (e instanceof GoYamlError) {
        const unmodelled = e.reason.includes('which the preview does not');
        throw GitOpsError.of(unmodelled ? 'CG706' : 'CG708', {
          file,
          message: `ApplicationSet ${setName} has a cluster generator, and ${file}, which declares a cluster Secret the control plane deploys, ${e.reason}${unmodelled ? '' : '; Argo CD cannot sync it either'}.`,
          fix: unmodelled
            ? 'Write the file without YAML tags (other than !!str), or preview this ApplicationSet with argocd appset generate.'
            : 'Fix the file so that it is valid YAML, every alias names an anchor set before it, with few aliases.',
        });
      }
      if (e instanceof ClusterSecretRefused) {
        throw GitOpsError.of('CG708', {
          file,
          message: `ApplicationSet ${setName} has a cluster generator, and ${e.message}.`,
          fix: e.fix,
        });
      }
      if (!(e instanceof ClusterSecretError)) throw e;
      throw GitOpsError.of('CG706', {
        message: `ApplicationSet ${setName} has a cluster generator, and ${e.message}, so the preview cannot list that cluster.`,
        fix: e.message.includes('base64')
          ? 'Encode data.name and data.server with standard padded base64 (base64 -w0), or write them as plain text in stringData.'
          : "Write the cluster's name and server as literal fields of the ExternalSecret's target template, or preview this ApplicationSet with argocd appset generate.",
        file: set.file,
      });
    }
  }
  return clusters.length > 0 ? clusters : undefined;
}
