import { FileKind } from '../file-tree';
import type { ChartDefaults, SourceKindDescriptor } from '../../model/source-kinds';
import { ClusterModel, EnvironmentModel, PlatformModel, ServiceModel, TargetModel } from '../../model/platform-model';
import type { ImageVersions } from '../../model/images';
import type { Release } from '../../release/release';

/** The version a ring runs: a digest (`sha256:…`) or, where the environment allows, a tag; one per named image. */
export interface RingRelease {
  /**
   * The digest (`sha256:<64 hex>`) or tag the ring runs; for a service with named images, all
   * of them in one string (`api=sha256:…,worker=sha256:…`, see `releaseVersion`).
   */
  readonly version: string;
  /**
   * The digest or tag of each named image, for a service with named images.
   * @default - none: the service has one image (`version`)
   */
  readonly images?: ImageVersions;
  /**
   * The chart revision the ring runs, for a service whose chart is promoted with its image.
   * @default - none recorded: the chart's revision as the program names it
   */
  readonly chart?: string;
}

/** Everything a source kind needs to write one target's files. */
export interface TargetInput {
  readonly model: PlatformModel;
  readonly target: TargetModel;
  readonly service: ServiceModel;
  readonly cluster: ClusterModel;
  /** What the target's ring runs. */
  readonly release: RingRelease;
  /** The target's directory below the repository root, e.g. `environments/prod/azure/westeurope-01/payments-api`. */
  readonly directory: string;
  /** Fingerprint of each values layer's content, by layer id. */
  readonly layerKeys: Pick<ReadonlyMap<string, string>, 'get'>;
}

/** A file of a target, with a key computed from its inputs; the content is rendered on first use. */
export interface TargetFile {
  /** Repository-relative path. */
  readonly path: string;
  readonly kind: FileKind;
  readonly key: string;
  /**
   * The release the content embeds (the image digest; for a service with named images, those
   * of the images it holds as `api=sha256:…,worker=sha256:…`; for a release file, the chart
   * revision): a promotion changes the file.
   * @default - the content embeds none
   */
  readonly release?: string;
  /**
   * Its `release` is the revision of the service's source (a chart's, or a Kustomize base's)
   * rather than image versions.
   * @default false
   */
  readonly revision?: boolean;
  content(): string;
}

/** The pieces of an ApplicationSet template a source kind fills in. */
export interface TemplateInput {
  readonly model: PlatformModel;
  readonly environment: EnvironmentModel;
  /** The service, when it has an ApplicationSet of its own (its settings are written literally). */
  readonly service?: ServiceModel;
  /** Go template expressions (without braces) for the directory's segments. */
  readonly segments: { readonly environment: string; readonly cloud: string; readonly cluster: string; readonly service: string };
  /** The platform's chart path and revision. */
  readonly defaults: ChartDefaults;
}

/**
 * What a target deploys, seen from the tree: the one seam between the model and the FileTree
 * for "Helm chart with a values file" ({@link helmSource}), "objects rendered by the program"
 * ({@link renderedSource}), and whatever comes next. Everything that differs between them is
 * here; nothing else in the synthesizer asks which kind a service is.
 */
export interface SourceKind extends SourceKindDescriptor {
  /** The files of one target, namespace baseline included. */
  targetFiles(input: TargetInput): TargetFile[];
  /** The `source` or `sources` of the Application template (to spread into its spec). */
  templateSources(input: TemplateInput): Record<string, unknown>;
  /**
   * The AppProject of the service's Applications in environment `env`.
   * @default - the environment's (named after it)
   */
  project?(env: string, service: ServiceModel): string;
  /** Repositories besides the GitOps repository the AppProject must allow for the service. */
  sourceRepos(service: ServiceModel): readonly string[];
  /**
   * The file in each target directory that the kind's ApplicationSets of environment `env` read
   * with a git files generator (what the target's ring runs), or undefined when they list the
   * directories themselves (a git directories generator).
   */
  releaseFile(model: PlatformModel, env: string): string | undefined;
  /**
   * The version (digest or tag) a target's files deploy, file by file, as read from a checkout
   * with `read` (undefined when the file is missing). A file whose version cannot be read gives
   * `version: undefined`.
   */
  deployedVersions(input: VersionInput, read: (path: string) => string | undefined): DeployedVersion[];
  /**
   * What a file of a target (one {@link TargetFile} with a `release`) embeds when the target's
   * ring runs `state`: the image digest (the digests of the named images it holds, in the
   * form of {@link TargetFile.release}), or for a release file the chart revision; undefined
   * when the ring runs nothing.
   *
   * @param target the target the file is of, which tells which images a rendered object holds
   */
  embeddedRelease(path: string, service: ServiceModel, state: Release | undefined, target?: TargetModel): string | undefined;
}

/** What {@link SourceKind.deployedVersions} needs. */
export type VersionInput = Pick<TargetInput, 'model' | 'target' | 'service' | 'directory'>;

/** The version one file of a target deploys. */
export interface DeployedVersion {
  readonly path: string;
  readonly version: string | undefined;
}
