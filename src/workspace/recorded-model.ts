/**
 * Reading the release model a checkout's tree holds (`.cdk8s-gitops/model/`), for the release
 * commands run without the platform program: only files the manifest records, with the content
 * it records, written by this major version of cdk8s-gitops.
 *
 * @module
 */
import { GitOpsError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { someNames } from '../core/name-list';
import { PACKAGE_VERSION } from '../core/version';
import { PlatformModel } from '../model/platform-model';
import { contentHash } from '../synth/file-tree';
import { Manifest, MANIFEST_PATH, manifestShardPath } from '../synth/manifest';
import {
  modelOfRecords,
  parseRecordedPlatform,
  parseRecordedService,
  PLATFORM_MODEL_PATH,
  RecordedPlatform,
  RecordedService,
  RELEASE_MODEL_DIR,
  RELEASE_MODEL_FORMAT,
  serviceModelPath,
} from '../synth/release-model';
import { Checkout } from './checkout/checkout-fs';
import { readManifest } from './checkout/manifest-io';

/** The model read from a checkout's release model. */
export interface RecordedModel {
  /** The model of the services asked for (see `modelOfRecords`). */
  readonly model: PlatformModel;
  /** The fingerprint of the whole model the tree was written from. */
  readonly fingerprint: string;
  /** The names of every service of the platform, in declaration order. */
  readonly services: readonly string[];
}

/** The command that runs the version `version` of the CLI. */
function npxCommand(version: string): string {
  return `npx cdk8s-gitops@${version}`;
}

/**
 * Reads the release model of the checkout `dir` and returns the model of `services` (every
 * service with `'all'`). Fails with `CG316` when the tree has no release model, `CG422` when a
 * file of it is not what the manifest records (edited, deleted, or recorded by an edited
 * manifest), `CG317` when another version of cdk8s-gitops wrote it, and `CG318` when it
 * has no file of a service asked for (a service declared after the last synth).
 */
export function readRecordedModel(
  dir: string,
  services: readonly string[] | 'all',
  command: string,
  outcome = 'Nothing was written.',
): RecordedModel {
  const manifest = readManifest(dir);
  const checkout = new Checkout(dir);
  if (!manifest.files.has(PLATFORM_MODEL_PATH)) {
    throw GitOpsError.of('CG316', {
      file: PLATFORM_MODEL_PATH,
      message: `${command} was run without the platform program, and the checkout ${checkout.root} has no release model (${RELEASE_MODEL_DIR}/): its tree was written by a version of cdk8s-gitops before release models, or never synthesized. ${outcome}`,
      fix: `Run \`cdk8s-gitops synth\` with the program (and publish it) once; or run ${command} with the program (--app, or app in cdk8s.yaml).`,
    });
  }
  const platform = parseRecordedPlatform(trustedText(checkout, manifest, PLATFORM_MODEL_PATH, undefined, outcome));
  // Another version, even a patch, may write the same release in other bytes, and would rewrite
  // the whole tree as its own: without the program only the version that wrote the tree runs.
  if (platform.toolVersion !== PACKAGE_VERSION || platform.format !== RELEASE_MODEL_FORMAT) {
    throw GitOpsError.of('CG317', {
      file: PLATFORM_MODEL_PATH,
      message: `The tree of ${checkout.root} was written by cdk8s-gitops ${platform.toolVersion}, this is ${PACKAGE_VERSION}: another version may write the same release in other bytes, so ${command} without the program does not run on it. ${outcome}`,
      fix: `Run it with the version that wrote the tree: ${npxCommand(platform.toolVersion)} ${command} …; or synth the tree with the program and cdk8s-gitops ${PACKAGE_VERSION} first.`,
    });
  }
  const names = services === 'all' ? platform.services : services;
  const records: RecordedService[] = [];
  for (const name of names) {
    const file = serviceModelPath(name);
    if (!platform.services.includes(name) || !manifest.files.has(file)) {
      throw GitOpsError.of('CG318', {
        file,
        message:
          `The tree's release model has no service "${name}" (it has ${platform.services.length > 0 ? someNames(platform.services) : 'none'}): ` +
          `the program declares it only since the tree was last synthesized, no longer declares it, or never did.${didYouMean(name, platform.services)} ${outcome}`,
        fix:
          `A new service needs the program: run synth with the program first (and publish it), then run ${command} without it. ` +
          `For a service the program no longer declares, there is nothing to release${command === 'publish' ? `: drop the pending operations (cdk8s-gitops publish --drop-pending) and put its ledger back (git checkout -- <ledger>)` : ''}.`,
      });
    }
    // Recorded in the manifest itself (which the platform's owners approve), not in the service's shard.
    records.push(parseRecordedService(trustedText(checkout, manifest, file, undefined, outcome), file));
  }
  return { model: modelOfRecords(platform, records), fingerprint: platform.modelFingerprint, services: platform.services };
}

/** The recorded platform of the checkout `dir`, if its tree has a release model it can trust; undefined otherwise. */
export function recordedPlatform(dir: string): RecordedPlatform | undefined {
  try {
    const manifest = readManifest(dir);
    if (!manifest.files.has(PLATFORM_MODEL_PATH)) return undefined;
    return parseRecordedPlatform(trustedText(new Checkout(dir), manifest, PLATFORM_MODEL_PATH, undefined));
  } catch (e) {
    if (e instanceof GitOpsError) return undefined;
    throw e;
  }
}

/**
 * The service models the release model of the checkout `dir` records for `services`, as the
 * tree was last written: those whose file the manifest records and holds as recorded (a file
 * missing, edited, or recorded by an edited manifest is left out: it says nothing).
 */
export function recordedServiceModels(dir: string, services: readonly string[]): Map<string, RecordedService['service']> {
  const out = new Map<string, RecordedService['service']>();
  if (services.length === 0) return out;
  const manifest = readManifest(dir);
  const checkout = new Checkout(dir);
  for (const name of services) {
    const file = serviceModelPath(name);
    if (!manifest.files.has(file)) continue;
    try {
      out.set(name, parseRecordedService(trustedText(checkout, manifest, file, undefined), file).service);
    } catch (e) {
      if (!(e instanceof GitOpsError)) throw e;
    }
  }
  return out;
}

/**
 * The text of the release model's file `file`, of the service `service` (none: `platform.json`),
 * when every file of the manifest is sealed, `file` is recorded where cdk8s-gitops records it
 * (`service`'s shard, or with none the manifest itself, where every file of the release model is
 * recorded), and it has the content recorded there; else `CG422`.
 */
function trustedText(
  checkout: Checkout,
  manifest: Manifest,
  file: string,
  service: string | undefined,
  outcome = 'Nothing was written.',
): string {
  const entry = manifest.files.get(file)!;
  const recordedIn = shardOf(service);
  const misplaced = entry.service !== service;
  const unsealed = manifest.unsealed?.[0];
  const text = misplaced || unsealed !== undefined ? undefined : checkout.read(file);
  if (text === undefined || contentHash(text) !== entry.sha256) {
    const untrusted = misplaced ? shardOf(entry.service) : unsealed;
    throw GitOpsError.of('CG422', {
      file: untrusted ?? file,
      message: misplaced
        ? `${file} is recorded in ${shardOf(entry.service)}, not in ${recordedIn}, where cdk8s-gitops records it (the manifest was edited by hand): the release model cannot be trusted without the program. ${outcome}`
        : unsealed !== undefined
          ? `${unsealed} is not sealed as cdk8s-gitops writes it (edited by hand), so the manifest's record of the release model cannot be trusted without the program. ${outcome}`
          : `${file} ${text === undefined ? 'is missing' : 'is not what the manifest records (edited by hand since synth wrote it)'}: the release model cannot be trusted without the program. ${outcome}`,
      fix:
        `Restore it (git checkout -- ${untrusted ?? file}); if a commit made the change, revert it (git log -- ${untrusted ?? file}, then git revert), ` +
        'or have the platform run `cdk8s-gitops synth` with the program and publish, which writes it again.',
    });
  }
  return text;
}

/** The file of the manifest that records the files of `service` (none: the manifest itself). */
function shardOf(service: string | undefined): string {
  return service === undefined ? MANIFEST_PATH : manifestShardPath(service);
}
