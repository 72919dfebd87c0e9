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
import { containerImages, decodeVersions } from '../../model/images';
import type { FileTree, HeldTarget } from '../../synth/file-tree';
import type { ManifestEntry } from '../../synth/manifest';
import { baseRevisionIn, KUSTOMIZATION_FILE, overlayImages, RELEASE_FILE } from '../../synth/sources';

/**
 * Fails with what a write of `plan` refuses about the files of held targets (`WritePlan.held`):
 * first, since a workload changed with the images also makes other checks (CG141) fail for a reason they cannot name.
 */
export function assertHeldFit(plan: { readonly held: readonly Problem[] }): void {
  if (plan.held.length > 0) {
    throw new GitOpsError(plan.held, 'The files of a ring held at its release (CG214) do not fit it; nothing was written:');
  }
}

/**
 * The problems (`CG214`) of the files of held targets (see `FileTree.held`) that a write keeps
 * as they are (`recorded`: what the manifest records): none at all (a target new to the ring, or
 * removed with its records), other files than the program makes for the target (a workload or
 * chart setting changed with the images), files that run another release than their ring (a
 * target moved into the ring, or changed by hand with its record; `read` gives a file's text),
 * or a file edited by hand (`edited`: whether it holds other content than the hash recorded).
 */
export function heldMisfits(
  tree: FileTree,
  recorded: ReadonlyMap<string, ManifestEntry>,
  edited: (path: string, sha256: string) => boolean,
  read: (path: string) => string | undefined,
): Problem[] {
  const problems: Problem[] = [];
  for (const [dir, h] of tree.held) {
    const files = [...recorded].filter(([p]) => p.startsWith(dir));
    if (files.length === 0) {
      // A target new to the ring, or one whose files and records were removed: either way, nothing to keep, and nothing can be written.
      problems.push(
        problem('CG214', {
          file: dir.slice(0, -1),
          message:
            `The program puts the target ${dir.slice(0, -1)} in ring "${h.ring}" of ${h.service}, which is held at its release, and the target has no files: ` +
            `cdk8s-gitops cannot write them until the ring runs a release of the program's images, and its Application would be gone meanwhile. Nothing was written.`,
          fix: `Add the target once "${h.ring}" runs a release of the program's images (promote … --digest <image>=sha256:…, then --from); if its files were deleted, restore them (git checkout -- ${dir.slice(0, -1)}).`,
        }),
      );
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
  return problems;
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
  // What the files run: the images of the service's repositories, read from the files as
  // cdk8s-gitops writes them (values files: every map with a repository; objects: every container
  // image). Each must run a version of the ring's release, and each version of it must run.
  const wanted = new Set(Object.values(decodeVersions(h.version) ?? { '': h.version }));
  const ours = new Set(h.repositories);
  const runs: { readonly repository: string; readonly version: string | undefined }[] = [];
  for (const [p, text] of files) {
    if (text === undefined || !p.endsWith('.yaml') || p === h.chart?.file) continue;
    const docs = readWrittenYaml(text);
    if (docs === undefined) return `${p.slice(p.lastIndexOf('/') + 1)}, which is not as cdk8s-gitops writes it`;
    for (const doc of docs) {
      runs.push(
        ...(p.endsWith('/values.yaml')
          ? valuesImages(doc)
          : p.endsWith(`/${KUSTOMIZATION_FILE}`)
            ? overlayImages(doc)
            : containerImages(doc).map(imageOfReference)),
      );
    }
  }
  for (const r of runs) {
    if (r.version === undefined) return `an image of ${r.repository} with no digest or tag it can read`;
    if (ours.has(r.repository) && !wanted.has(r.version)) return `${r.repository} at ${r.version}`;
  }
  const missing = [...wanted].filter((v) => !runs.some((r) => r.version === v));
  return missing.length === 0 ? undefined : `none of ${missing.join(', ')}`;
}

/** The image maps of a values document (any map with a `repository`), with the digest or tag each holds. */
function valuesImages(doc: unknown): { repository: string; version: string | undefined }[] {
  const out: { repository: string; version: string | undefined }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isMap(v)) {
      if (typeof v.repository === 'string') {
        const version = v.digest ?? v.tag;
        out.push({ repository: v.repository, version: typeof version === 'string' ? version : undefined });
      }
      Object.values(v).forEach(walk);
    }
  };
  walk(doc);
  return out;
}

/** A container image reference, `<repository>@sha256:…` or `<repository>:<tag>`, as repository and version. */
function imageOfReference(reference: string): { repository: string; version: string | undefined } {
  const at = reference.indexOf('@');
  if (at !== -1) return { repository: reference.slice(0, at), version: reference.slice(at + 1) };
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/')
    ? { repository: reference.slice(0, colon), version: reference.slice(colon + 1) }
    : { repository: reference, version: undefined };
}
