import { Problem, problem } from '../../core/errors';
import { isLabelKey, isLabelValue } from '../../core/kube-names';
import { serviceImages } from '../images';
import { gitRevisionProblem, redactUrl, relativeDirProblem, repoUrlProblem } from '../names';
import { KustomizePatchModel, PlatformModel } from '../platform-model';
import { repositoryPlaceAt } from '../repository-places';
import { KUSTOMIZE_LABEL_PREFIX } from '../source-kinds';
import { isMap } from '../../core/plain';

/**
 * The problems (CG147) of Kustomize services: a base Kustomize cannot read as exactly that
 * base, a base in the GitOps repository among the files cdk8s-gitops writes, images Kustomize
 * cannot tell apart, labels Kubernetes refuses, and patches that set a container image (what
 * runs comes from the base and the ring's release, which only a promotion may change).
 */
export function problemsOfKustomize(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  const patchesOf = new Map<string, Map<string, KustomizePatchModel>>();
  for (const t of model.targets) {
    if (t.patches === undefined) continue;
    const seen = patchesOf.get(t.service) ?? new Map<string, KustomizePatchModel>();
    for (const p of t.patches) seen.set(JSON.stringify(p), p);
    patchesOf.set(t.service, seen);
  }
  for (const s of model.services) {
    if (s.source.kind !== 'kustomize') continue;
    const report = (message: string, fix?: string): void => {
      problems.push(problem('CG147', { constructPath: s.path, message, ...(fix === undefined ? {} : { fix }) }));
    };
    const source = s.source;
    const badPath = relativeDirProblem(source.path);
    if (badPath !== undefined) report(`The Kustomize base path "${source.path}" of ${s.name} is not a safe relative path: ${badPath}.`);
    if (source.repoURL === undefined) {
      const owned = repositoryPlaceAt(model.layout, source.path);
      if (owned !== undefined)
        report(
          `The Kustomize base "${source.path}" of ${s.name} lies among the files cdk8s-gitops writes (${owned.name} "${owned.path}").`,
          'Keep bases in a directory of their own, e.g. "bases/<service>".',
        );
    } else if (source.repoURL === '') {
      problems.push(problem('CG106', { constructPath: s.path, message: `Service "${s.name}" has no application repository.` }));
    } else {
      const why = remoteBaseProblem(source.repoURL);
      if (why !== undefined)
        report(
          `The Kustomize base repository "${redactUrl(source.repoURL)}" of ${s.name} is not usable: ${why}.`,
          'Use the URL Kustomize clones, e.g. https://git.example.com/apps/web.git.',
        );
      if (gitRevisionProblem(source.targetRevision) !== undefined)
        report(
          `The Kustomize base revision "${source.targetRevision}" of ${s.name} is not a Git revision.`,
          'Give a commit SHA, a tag (v1.4.2) or a branch.',
        );
    }
    const repositories = serviceImages(s).map((i) => i.repository);
    const shared = repositories.filter((r, i) => repositories.indexOf(r) !== i);
    if (shared.length > 0)
      report(
        `Images of ${s.name} share the repository ${shared[0]}: a Kustomize overlay sets images by repository, and could not tell them apart.`,
        'Give each image its own repository, or make them one image.',
      );
    for (const [key, value] of Object.entries(source.labels ?? {})) {
      if (!isLabelKey(key)) report(`Label key "${key}" of ${s.name} is not a Kubernetes label key.`);
      else if (key.startsWith(KUSTOMIZE_LABEL_PREFIX))
        report(`Label key "${key}" of ${s.name} is one cdk8s-gitops sets.`, 'Use a key of your own.');
      if (!isLabelValue(value)) report(`Label value "${String(value)}" of ${s.name} (key "${key}") is not a Kubernetes label value.`);
    }
    for (const patch of patchesOf.get(s.name)?.values() ?? []) {
      const at = imageFieldOf(patch);
      if (at !== undefined)
        report(
          `A patch of ${s.name} (${patch.target.kind} ${patch.target.name ?? patch.target.labelSelector ?? ''}) sets a container image (${at}): what runs comes from the base and the ring's release, which only a promotion changes.`,
          `Leave images out of patches: name the image in the base, and promote its digest (cdk8s-gitops promote ${s.name} --ring … --digest sha256:…).`,
        );
    }
  }
  return problems;
}

/**
 * Where a patch sets an `image` field (a strategic merge patch's key at any depth, a JSON
 * patch operation's path or value), or undefined: a patch may not choose what runs.
 */
function imageFieldOf(p: KustomizePatchModel): string | undefined {
  const keyIn = (v: unknown, at: string): string | undefined => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) {
        const found = keyIn(x, `${at}[${i}]`);
        if (found !== undefined) return found;
      }
    } else if (isMap(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'image') return `${at}.image`;
        const found = keyIn(x, `${at}.${k}`);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  if (!Array.isArray(p.patch)) return keyIn(p.patch, '');
  for (const op of p.patch as readonly Readonly<Record<string, unknown>>[]) {
    if (op.op === 'test' || op.op === 'remove') continue;
    const path = String(op.path);
    if (path.split('/').pop() === 'image') return `${String(op.op)} ${path}`;
    const inValue = keyIn(op.value, path);
    if (inValue !== undefined) return `${String(op.op)} ${inValue}`;
  }
  return undefined;
}

/** Why Kustomize could not read `url` as a remote base, or undefined. */
function remoteBaseProblem(url: string): string | undefined {
  // What any repository URL must be (a Git URL, no password, no white space nor pattern), then what Kustomize adds.
  const general = repoUrlProblem(url);
  if (general !== undefined) return general;
  if (/[?#]/.test(url)) return 'it contains "?" or "#", which a remote base URL reads as its query';
  if (url.replace(/^[a-z]+:\/\//, '').includes('//')) return 'it contains "//", which separates the repository from the base\'s path';
  if (url.endsWith('/')) return 'it ends with "/"';
  if (/^[a-z]+:\/\/[^/]*:\d*(\/|$)/.test(url)) return 'it names a port, which Kustomize cannot read in a remote base URL';
  return undefined;
}
