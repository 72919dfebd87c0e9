// The public API of cdk8s-gitops. Everything a program or a tool may use is exported here.

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
export type { ControlPlaneProps } from './constructs/control-plane';
export { Environment } from './constructs/environment';
export type { EnvironmentProps } from './constructs/environment';
export { Cloud } from './constructs/cloud';
export type { CloudProps } from './constructs/cloud';
export { Cluster } from './constructs/cluster';
export type { ClusterProps } from './constructs/cluster';
export { Service } from './constructs/service';
export type { ServiceProps, ImageProps, DeployOptions, Placement } from './constructs/service';
export { Workload } from './constructs/workload';
export type { HelmChartProps, RenderContext, RenderFunction } from './constructs/workload';
export { NamespaceBaseline } from './constructs/namespace-baseline';
export type { StandardBaselineProps, ContainerLimits, ContainerResources } from './constructs/namespace-baseline';
export { ValuesSchema } from './constructs/values-schema';
export type { SchemaViolation } from './constructs/values-schema';
export { PromotionRing, Targets, Gate, Duration } from './constructs/ring';
export type { PromotionRingProps, TargetRef, ApprovalOptions } from './constructs/ring';
export { Removal } from './constructs/removal';
export { SyncPolicy, SyncWindow } from './constructs/sync';
export { SyncOption, SyncWindowKind } from './model/sync';
export type { AutomatedSyncOptions, ManualSyncOptions, SyncWindowOptions } from './constructs/sync';
export type { SyncPolicyJson, SyncWindowJson, ProjectRole, ResourceKind } from './model/sync';

export { FileTree, FileKind } from './synth/file-tree';
export type { FileEntry, FileTreeOptions, TreePart } from './synth/file-tree';
export { synthesize } from './synth/synthesize';
export type { SynthesizeOptions, ReleaseState, RingRelease } from './synth/synthesize';
export { buildTree } from './workspace/build';
export type { BuildTreeOptions } from './synth/build';
export { readLedgers } from './workspace/ledgers';
export type { LedgerFile } from './release/ledger-files';
export type { Ledger, RingState, PreviousRelease, Hold } from './release/types';
export { statusOf, formatStatus, statusMarkdown, STATUS_PATH } from './synth/status';
export type { StatusReport, ServiceStatus, RingStatus, TargetStatus, StatusFormat, FormatStatusOptions } from './synth/status';
export { explainTarget, formatExplanation, selectTargets } from './synth/explain';
export type { Explanation, ExplainedValue, ExplainedRelease, TargetSelector, ExplanationFormat } from './synth/explain';
export { writeTree, planWrite, recoverInterruptedWrite } from './workspace/checkout/writer';
export type { WriteOptions, WritePlan } from './workspace/checkout/writer';
export type { WriteReport } from './model/write-report';
export { MANIFEST_PATH } from './synth/manifest';
export type { Manifest, ManifestEntry } from './synth/manifest';
export { mergeValues, mergeValuesWithProvenance } from './model/values';
export type { Value, Values, ValuesLayer, MergedValues } from './model/values';
export type * from './model/platform-model';
export { toYaml } from './core/yaml/emit';
export { main as runCli, ExitCode } from './cli/main';
export type { MainOptions } from './cli/main';
export type { OutputStream, EnvironmentVariables } from './cli/command';
