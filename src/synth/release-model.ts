/**
 * The release model: what the release commands (`promote`, `rollback`, `unhold`, `status`,
 * `history`, `publish` of pending operations) need of the program, written into the tree by every
 * whole-tree write, so that they run in a clone of the GitOps repository without the program.
 *
 * - `.cdk8s-gitops/model/platform.json`: the model without its services, targets and layers
 *   (its rings without their target lists), the names of its services in declaration order, the
 *   facts of the whole platform a model of some services cannot work out ({@link FleetFacts}),
 *   the model's fingerprint and the version of cdk8s-gitops that wrote it.
 * - `.cdk8s-gitops/model/services/<service>.json`: the service, its targets and the values layers
 *   they are merged from. A promotion reads one such file, whatever the size of the fleet.
 *
 * Pure: texts in, texts out. The manifest records these files like any other owned file.
 *
 * @module
 */
import { GitOpsError } from '../core/errors';
import { isMap } from '../core/plain';
import { FleetFacts, withFleetFacts } from '../model/fleet-facts';
import type { LayerModel, PlatformModel, RingModel, ServiceModel, TargetModel } from '../model/platform-model';
import { releaseFileEnvironments } from '../model/source-kinds';
import { TOOL_DIR } from '../model/repository-places';
import { ringPolicies } from '../model/versions';

/** Directory of the release model, relative to the repository root. */
export const RELEASE_MODEL_DIR = `${TOOL_DIR}/model`;

/** Repository-relative path of the release model's platform file. */
export const PLATFORM_MODEL_PATH = `${RELEASE_MODEL_DIR}/platform.json`;

/** Directory of the release model's service files. */
export const SERVICE_MODELS_DIR = `${RELEASE_MODEL_DIR}/services`;

/** Version of the release model's format: a reader refuses any other. */
export const RELEASE_MODEL_FORMAT = 1;

/** A service name as a file name of the release model may hold it. */
const SERVICE_FILE = /^[a-z0-9](?:[a-z0-9-]{0,251}[a-z0-9])?\.json$/;

/** Repository-relative path of the release model's file of `service`. */
export function serviceModelPath(service: string): string {
  return `${SERVICE_MODELS_DIR}/${service}.json`;
}

/** Whether a repository path is a file of the release model (a name, not a check of the file). */
export function isReleaseModelPath(p: string): boolean {
  return p === PLATFORM_MODEL_PATH || (p.startsWith(`${SERVICE_MODELS_DIR}/`) && SERVICE_FILE.test(p.slice(SERVICE_MODELS_DIR.length + 1)));
}

/** The model without services, targets and layers; its rings without their target lists. */
export type RecordedPlatformModel = Omit<PlatformModel, 'services' | 'targets' | 'layers' | 'rings'> & {
  /** The rings, in order, without `targets` (each service's file has its targets' rings). */
  readonly rings: readonly Omit<RingModel, 'targets'>[];
};

/** What `platform.json` holds. */
export interface RecordedPlatform {
  /** {@link RELEASE_MODEL_FORMAT}. */
  readonly format: number;
  /** The version of cdk8s-gitops that wrote the tree. */
  readonly toolVersion: string;
  /** The fingerprint of the model the tree was written from (see `modelFingerprint`). */
  readonly modelFingerprint: string;
  /** The names of the services, in declaration order. */
  readonly services: readonly string[];
  /** What the whole platform decides that one service's part cannot show. */
  readonly fleet: FleetFacts;
  /** The model, but for its services, targets and layers. */
  readonly model: RecordedPlatformModel;
}

/** What a service's file holds. */
export interface RecordedService {
  /** {@link RELEASE_MODEL_FORMAT}. */
  readonly format: number;
  /** The service. */
  readonly service: ServiceModel;
  /** Its targets, in the model's order. */
  readonly targets: readonly TargetModel[];
  /** The values layers its targets are merged from, by id. */
  readonly layers: Readonly<Record<string, LayerModel>>;
}

/** A file of the release model. */
export interface ReleaseModelFile {
  /** Repository-relative path. */
  readonly path: string;
  /** What it records (made once, on first use): its text is made from this alone (see {@link jsonText}). */
  readonly data: () => RecordedPlatform | RecordedService;
  /** Makes its text (made only when the file is compared or written). */
  readonly text: () => string;
  /** The service it belongs to. @default - none: `platform.json` */
  readonly service?: string;
}

/**
 * The one JSON writer of the release model: two-space indented, one newline at the end. The
 * records made here list their keys sorted; the model's own data keeps the model's order (Helm
 * values are written in it).
 */
function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => compare(a, b)));
}

/** The files of the release model of `model`, whose fingerprint is `fingerprint`, written by `toolVersion`. */
export function releaseModelFiles(model: PlatformModel, fingerprint: string, toolVersion: string): ReleaseModelFile[] {
  const { services, targets, layers, rings, ...rest } = model;
  const platform: RecordedPlatform = {
    fleet: {
      releaseFileEnvironments: [...releaseFileEnvironments(model)].sort(compare),
      ringPolicies: sortedRecord(Object.entries(ringPolicies(model)).map(([r, p]) => [r, { requireDigest: p.requireDigest }] as const)),
    },
    format: RELEASE_MODEL_FORMAT,
    model: { ...rest, rings: rings.map(({ targets: _targets, ...r }) => r) },
    modelFingerprint: fingerprint,
    services: services.map((s) => s.name),
    toolVersion,
  };
  const targetsOf = new Map<string, TargetModel[]>();
  for (const t of targets) {
    const list = targetsOf.get(t.service);
    if (list) list.push(t);
    else targetsOf.set(t.service, [t]);
  }
  const out: ReleaseModelFile[] = [fileOf(PLATFORM_MODEL_PATH, () => platform)];
  for (const s of services) {
    out.push(
      fileOf(
        serviceModelPath(s.name),
        (): RecordedService => {
          const mine = targetsOf.get(s.name) ?? [];
          const ids = new Set(mine.flatMap((t) => t.layers));
          return {
            format: RELEASE_MODEL_FORMAT,
            layers: sortedRecord([...ids].filter((id) => layers[id] !== undefined).map((id) => [id, layers[id]!] as const)),
            service: s,
            targets: mine,
          };
        },
        s.name,
      ),
    );
  }
  return out;
}

/** A file of the release model whose data `make` makes, once, when first needed. */
function fileOf(path: string, make: () => RecordedPlatform | RecordedService, service?: string): ReleaseModelFile {
  let data: RecordedPlatform | RecordedService | undefined;
  const once = (): RecordedPlatform | RecordedService => (data ??= make());
  return { path, data: once, text: () => jsonText(once()), ...(service === undefined ? {} : { service }) };
}

function malformed(file: string, what: string): GitOpsError {
  return GitOpsError.of('CG422', {
    file,
    message: `${file} is not a file of the release model as cdk8s-gitops writes it: ${what}.`,
  });
}

function parseObject(text: string, file: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    throw malformed(file, 'it is not valid JSON');
  }
  if (!isMap(data)) throw malformed(file, 'it is not a JSON object');
  return data;
}

/**
 * Reads `platform.json`; fails with `CG422` when it is not in the form written here. The version
 * of the format and of the tool are the caller's to judge.
 */
export function parseRecordedPlatform(text: string, file = PLATFORM_MODEL_PATH): RecordedPlatform {
  const data = parseObject(text, file);
  const fleet = data.fleet;
  if (
    typeof data.format !== 'number' ||
    typeof data.toolVersion !== 'string' ||
    typeof data.modelFingerprint !== 'string' ||
    !Array.isArray(data.services) ||
    !data.services.every((s) => typeof s === 'string') ||
    !isMap(data.model) ||
    !Array.isArray(data.model.rings) ||
    !isMap(fleet) ||
    !Array.isArray(fleet.releaseFileEnvironments) ||
    !isMap(fleet.ringPolicies)
  ) {
    throw malformed(file, 'format, toolVersion, modelFingerprint, services, fleet or model is missing or of another type');
  }
  return data as unknown as RecordedPlatform;
}

/** Reads a service's file of the release model; fails with `CG422` when it is not in the form written here. */
export function parseRecordedService(text: string, file: string): RecordedService {
  const data = parseObject(text, file);
  if (typeof data.format !== 'number' || !isMap(data.service) || !Array.isArray(data.targets) || !isMap(data.layers)) {
    throw malformed(file, 'format, service, targets or layers is missing or of another type');
  }
  return data as unknown as RecordedService;
}

/**
 * The model of some of the platform's services, from the release model: the platform's file and
 * the files of those services. Its rings list only those services' targets; what the whole
 * platform decides beyond them (ring policies, which environments read release files) comes
 * from `platform.json` ({@link FleetFacts}).
 */
export function modelOfRecords(platform: RecordedPlatform, services: readonly RecordedService[]): PlatformModel {
  const order = new Map(platform.services.map((name, i) => [name, i]));
  const sorted = [...services].sort((a, b) => (order.get(a.service.name) ?? 0) - (order.get(b.service.name) ?? 0));
  const targets = sorted.flatMap((s) => s.targets);
  const layers: Record<string, LayerModel> = {};
  for (const s of sorted) Object.assign(layers, s.layers);
  const model: PlatformModel = {
    ...platform.model,
    rings: platform.model.rings.map((r) => ({ ...r, targets: targets.filter((t) => t.ring === r.name).map((t) => t.id) })),
    services: sorted.map((s) => s.service),
    targets,
    layers,
  };
  return withFleetFacts(model, platform.fleet);
}
