// The public API of cdk8s-gitops: what a platform program declares with, and what a tool that
// embeds it runs. The pipeline behind the commands (model → FileTree → write) stays internal.

import { usePlatformSynthesizer } from './constructs/platform';
import { handOverModel, reportThrownProblems } from './workspace/program/synth-program';

// The constructs know nothing of the layers that write files: Platform.synth() runs what the
// entry point gives it. Run by the CLI, a program only hands over its model; the writer loads
// only when a program writes its tree itself.
usePlatformSynthesizer({
  onPlatform: reportThrownProblems,
  synth: (platform, options) =>
    handOverModel(platform)
      ? undefined
      : (require('./workspace/program/write-tree') as typeof import('./workspace/program/write-tree')).writeProgramTree(platform, options),
});

export { GitOpsError, formatProblem } from './core/errors';
export type { Problem, ProblemDetails, ProblemLocation, ErrorCode } from './core/errors';
export { ERROR_CATALOGUE, errorEntry } from './core/error-catalogue';
export type { ErrorEntry, ErrorWhere } from './core/error-catalogue';

export { Platform } from './constructs/platform';
export type { PlatformProps, LayoutProps, ServiceDefaults, PlatformSynthOptions } from './constructs/platform';
export { ControlPlane } from './constructs/control-plane';
export { Reconciler } from './constructs/reconciler';
export { Team } from './constructs/team';
export type { TeamProps } from './constructs/team';
export { FluxSourceCredentials } from './constructs/flux-credentials';
export type { FluxSourceProvider } from './constructs/flux-credentials';
export type { ArgoCdApiProps, ArgoCdReconcilerProps, FluxReconcilerProps } from './constructs/reconciler';
export type { ControlPlaneProps } from './constructs/control-plane';
export type { GitOpsRepository } from './constructs/gitops-repository';
export { Environment } from './constructs/environment';
export type { EnvironmentProps } from './constructs/environment';
export { ApplicationSetSplit } from './model/application-set-split';
export { Cloud } from './constructs/cloud';
export type { CloudProps } from './constructs/cloud';
export { Cluster } from './constructs/cluster';
export type { ClusterProps } from './constructs/cluster';
export { Service } from './constructs/service';
export type { ServiceProps, ImageProps, NamedImageProps, DeployOptions, Placement } from './constructs/service';
export { Workload } from './constructs/workload';
export type {
  HelmChartProps,
  HelmRepositoryChartProps,
  OciChartProps,
  KustomizeProps,
  PlatformKustomizeProps,
  RenderContext,
  RenderFunction,
} from './constructs/workload';
export { KustomizePatch } from './constructs/kustomize-patch';
export type { PatchTarget, JsonPatchOperation } from './constructs/kustomize-patch';
export { ClusterAddon } from './constructs/addon';
export type { ClusterAddonProps } from './constructs/addon';
export { SelfManagedArgoCd, ARGO_CD_IMAGE } from './constructs/argo-cd';
export type { SelfManagedArgoCdProps, RepositoryCredentialsProps } from './constructs/argo-cd';
export { ClusterCredentials } from './constructs/cluster-credentials';
export type {
  AwsIamCredentialsProps,
  ExecCredentialsProps,
  ExternalSecretCredentialsProps,
  RemoteSecretReference,
  SecretStoreReference,
  ClusterCredentialsSpec,
} from './constructs/cluster-credentials';
export { NamespaceBaseline } from './constructs/namespace-baseline';
export type { StandardBaselineProps, ContainerLimits, ContainerResources } from './constructs/namespace-baseline';
export { ValuesSchema } from './constructs/values-schema';
export type { SchemaViolation } from './constructs/values-schema';
export { PromotionRing, Targets, Gate } from './constructs/ring';
export { Duration } from './constructs/duration';
export type { PromotionRingProps, TargetRef, ApprovalOptions } from './constructs/ring';
export { Removal } from './constructs/removal';
export { SyncPolicy, SyncWindow } from './constructs/sync';
export { SyncOption, SyncWindowKind } from './model/sync';
export type { AutomatedSyncOptions, ManualSyncOptions, SyncWindowOptions } from './constructs/sync';
export type { SyncPolicyJson, SyncWindowJson, ProjectRole, ResourceKind } from './model/sync';

export type { Value, Values } from './model/values';
// The model Platform.snapshot() returns, read-only: what a tool may inspect.
export type * from './model/platform-model';
export type { WriteReport } from './model/write-report';

// A tool embedding cdk8s-gitops runs its commands; `--format json` gives their results as data.
export { main as runCli, ExitCode } from './cli/main';
export type { MainOptions } from './cli/main';
export type { OutputStream, EnvironmentVariables } from './cli/command';
