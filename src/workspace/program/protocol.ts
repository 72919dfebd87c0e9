import type { GitOpsError } from '../../core/errors';
import type { PlatformModel } from '../../model/platform-model';

/**
 * Environment variable through which the `cdk8s-gitops` CLI asks a program for its model
 * snapshot instead of a written tree (as the cdk8s CLI passes `CDK8S_OUTDIR`).
 */
export const MODEL_OUT_ENV = 'CDK8S_GITOPS_MODEL_OUT';

/** What a program hands the CLI: its model, or every problem found in it. */
export type ProgramOutput =
  { readonly model: PlatformModel } | { readonly error: { readonly message: string; readonly problems: GitOpsError['problems'] } };
