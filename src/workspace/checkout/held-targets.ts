/**
 * The files of targets held at their ring's release (a release that does not fit their
 * service's images, CG214): what a write checks before it keeps them as they are. They are
 * judged by what they run, read from them, never by the manifest's word.
 *
 * @module
 */
import { GitOpsError, Problem, problem } from '../../core/errors';
import { isMap } from '../../core/plain';
import { readWrittenYaml, readYaml } from '../../core/yaml/read';
import { containerImages } from '../../model/images';
import { valueAtKeyPath } from '../../model/target-values';
import type { FileTree, HeldTarget } from '../../synth/file-tree';
import type { ManifestEntry } from '../../synth/manifest';
import { BASE_DIRECTORY, baseRevisionIn, KUSTOMIZATION_FILE, overlayImages, RELEASE_FILE } from '../../synth/sources';

/**
 * Fails with what a write of `plan` refuses about the files of held targets (`WritePlan.held`):
 * first, since a workload changed with the images also makes other checks (CG141) fail for a reason they cannot name.
 */
export function assertHeldFit(plan: { readonly held: readonly Problem[] }): void {
  if (plan.held.length > 0) {
    throw new GitOpsError(plan.held, 'The files of a ring held at its release (CG214) do not fit it; nothing was written:');
  }
}

/** What a write finds of the targets of held rings (see `FileTree.held`). */
export interface HeldFindings {
  /** What it refuses (`CG214`). */
  readonly problems: Problem[];
  /**
   * Targets that have no files (a target new to its held ring: a cluster added to it, a service
   * deployed there again): nothing is written for them until the ring runs a release of the
   * program's images, as for a ring that runs nothing yet. Their directories, sorted.
   */
  readonly waiting: string[];
}

/**
 * What a write finds of the files of held targets (see `FileTree.held`) that it keeps as they
 * are (`recorded`: what the manifest records): none at all (a target new to the ring, which
 * waits), other files than the program makes for the target (a workload or chart setting
 * changed with the images), files that run another release than their ring (a target moved into
 * the ring, or changed by hand with its record; `read` gives a file's text), or a file edited by
 * hand (`edited`: whether it holds other content than the hash recorded). A target whose files
 * and records were both removed in a commit waits too: `check --base` names the change.
 */
export function heldMisfits(
  tree: FileTree,
  recorded: ReadonlyMap<string, ManifestEntry>,
  edited: (path: string, sha256: string) => boolean,
  read: (path: string) => string | undefined,
): HeldFindings {
  const problems: Problem[] = [];
  const waiting: string[] = [];
  for (const [dir, h] of tree.held) {
    const files = [...recorded].filter(([p]) => p.startsWith(dir));
    if (files.length === 0) {
      // Nothing to keep, and nothing that can be written yet: its Application comes with the promotion that ends the hold.
      waiting.push(dir.slice(0, -1));
      continue;
    }
    const has = files.map(([p]) => p).sort();
    const makes = [...h.paths].sort();
    const names = (paths: readonly string[]): string => paths.map((p) => p.slice(dir.length)).join(', ') || 'nothing';
    if (has.join('\n') !== makes.join('\n')) {
      problems.push(
        problem('CG214', {
          file: dir.slice(0, -1),
          message:
            `Ring "${h.ring}" of ${h.service} is held at its release, and the program also changes the files of its target ${dir.slice(0, -1)}: ` +
            `it holds ${names(has)}, the program makes ${names(makes)}. A held ring's files stay as they are until it runs a release of the program's images. Nothing was written.`,
          fix: `Make one change at a time: keep the workload and chart settings of ${h.service} as they were until every ring runs a release of the program's images (promote … --digest <image>=sha256:…, then --from), then change them.`,
        }),
      );
      continue;
    }
    // What the files run, read from them (a manifest's record is no proof of it).
    const other = heldRunsOther(
      files.map(([p]) => [p, read(p)]),
      h,
    );
    if (other !== undefined) {
      problems.push(
        problem('CG214', {
          file: dir.slice(0, -1),
          message: `${dir.slice(0, -1)} runs ${other}, but ring "${h.ring}" of ${h.service}, which the program puts it in, runs ${h.version} and is held at it: the target would go on running another release than its ring (a target moved into a held ring, or its files changed by hand). Nothing was written.`,
          fix: `Keep the target in its ring until "${h.ring}" runs a release of the program's images, or make both rings run one release first; files changed by hand: restore them (git checkout -- ${dir.slice(0, -1)}).`,
        }),
      );
      continue;
    }
    for (const [p, e] of files) {
      if (edited(p, e.sha256)) {
        problems.push(
          problem('CG214', {
            file: p,
            message: `${p} was edited by hand, and cdk8s-gitops cannot write it again while ring "${h.ring}" of ${h.service} is held at a release that does not fit its images. Nothing was written.`,
            fix: `Restore it (git checkout -- ${p}); the promotion of a release of the program's images into its ring writes it again.`,
          }),
        );
      }
    }
  }
  return { problems, waiting: waiting.sort() };
}

/**
 * What a held target's files run when it is not its ring's release, else undefined: the chart
 * its release file pins (or the Kustomize base its base kustomization pins), and the images of
 * its values files, overlays and objects, read from files in the
 * form cdk8s-gitops writes (any other form is refused, so that nothing a reader would take
 * differently, a YAML merge key, say, can hide what runs).
 */
function heldRunsOther(files: readonly (readonly [string, string | undefined])[], h: HeldTarget): string | undefined {
  // The chart its release file pins, where it has one: the ring's release is image and chart.
  if (h.chart !== undefined) {
    const text = files.find(([p]) => p === h.chart!.file)?.[1];
    let revision: unknown;
    try {
      const doc = text === undefined ? undefined : readYaml(text);
      revision = h.chart.file.endsWith(`/${RELEASE_FILE}`)
        ? isMap(doc) && isMap(doc.chart)
          ? doc.chart.revision
          : undefined
        : baseRevisionIn(doc);
    } catch {
      revision = undefined;
    }
    if (revision !== h.chart.revision)
      return `chart ${typeof revision === 'string' ? revision : 'of no revision it can read'} (its ring's is ${h.chart.revision})`;
  }
  // What the files run, image by image of the ring's release, read from the files as
  // cdk8s-gitops writes them: a values file holds each image at its values key, an overlay sets
  // each by repository, rendered objects name each in their containers. Anything else in the
  // files is the program's as it stood (a change to it is found against the base of a change
  // set, `check --base`).
  const values: unknown[] = [];
  const overlays: ImageAt[][] = [];
  const containers: ImageAt[] = [];
  for (const [p, text] of files) {
    if (text === undefined || !p.endsWith('.yaml') || p === h.chart?.file) continue;
    const docs = readWrittenYaml(text);
    if (docs === undefined) return `${p.slice(p.lastIndexOf('/') + 1)}, which is not as cdk8s-gitops writes it`;
    if (p.endsWith('/values.yaml')) values.push(...docs);
    // A Kustomize base's kustomization names the base's revision, no image.
    else if (p.endsWith(`/${BASE_DIRECTORY}/${KUSTOMIZATION_FILE}`)) continue;
    else if (p.endsWith(`/${KUSTOMIZATION_FILE}`)) overlays.push(...docs.map(overlayImages));
    else for (const doc of docs) containers.push(...containerImages(doc).map(imageOfReference));
  }
  // The kustomization beside a values file is Flux's, which applies its HelmRelease: no overlay, and no image.
  if (values.length > 0) overlays.length = 0;
  // Objects beside a values file or an overlay are its baseline or patches, which hold no image of the release.
  const rendered = values.length === 0 && overlays.length === 0;
  for (const image of h.images) {
    const ours = (i: ImageAt): boolean =>
      image.repository === undefined ? i.version === image.version : i.repository === image.repository;
    const runs = (i: ImageAt): string => `${i.repository} at ${i.version ?? 'no digest or tag'}`;
    const what = image.repository ?? (image.name === undefined ? 'its image' : `image ${image.name}`);
    for (const doc of values) {
      const map = valueAtKeyPath(doc, image.valuesKey);
      if (!isMap(map)) return `no image under ${image.valuesKey}`;
      const version = map.digest ?? map.tag;
      const at = {
        repository: typeof map.repository === 'string' ? map.repository : 'no repository',
        version: typeof version === 'string' ? version : undefined,
      };
      if (
        at.version !== image.version ||
        typeof map.repository !== 'string' ||
        (image.repository !== undefined && at.repository !== image.repository)
      )
        return `${runs(at)} under ${image.valuesKey}`;
    }
    for (const entries of overlays) {
      // One entry of its repository at its version; of an image whose repository is not known, some entry at its version.
      const mine = entries.filter(ours);
      if (mine.length > 0 && (image.repository === undefined || (mine.length === 1 && mine[0].version === image.version))) continue;
      return mine.length === 0 ? `no image entry of ${what}` : mine.map(runs).join(', ');
    }
    if (!rendered) continue;
    const mine = containers.filter(ours);
    const other = mine.find((i) => i.version !== image.version);
    if (other !== undefined) return runs(other);
    if (mine.length === 0) return `no container of ${what}`;
  }
  return undefined;
}

/** An image as a file holds it: its repository, and the digest or tag it runs there. */
interface ImageAt {
  readonly repository: string;
  readonly version: string | undefined;
}

/** A container image reference, `<repository>@sha256:…` or `<repository>:<tag>`, as repository and version. */
function imageOfReference(reference: string): { repository: string; version: string | undefined } {
  const at = reference.indexOf('@');
  const named = at === -1 ? reference : reference.slice(0, at);
  const colon = named.lastIndexOf(':');
  const tagged = colon > named.lastIndexOf('/');
  if (at !== -1) {
    // `<repository>@<digest>`, or `<repository>:<tag>@<digest>`: a tag pinned by its digest.
    return tagged
      ? { repository: named.slice(0, colon), version: `${named.slice(colon + 1)}${reference.slice(at)}` }
      : { repository: named, version: reference.slice(at + 1) };
  }
  return tagged
    ? { repository: reference.slice(0, colon), version: reference.slice(colon + 1) }
    : { repository: reference, version: undefined };
}
