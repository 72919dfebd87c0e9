import type { NotCreatedApplication } from '../preview';

/*
 * How the CLI shows a generated Application Argo CD would not create: in `preview`'s table and
 * stream, and as a warning of `plan`.
 */

/** The apiVersion of the objects `preview --format yaml|json` adds for the Applications Argo CD would not create. */
export const NOT_CREATED_API_VERSION = 'cdk8s-gitops.io/v1';
/** Their kind: never `Application`, so what selects Applications from the stream gets those Argo CD creates. */
export const NOT_CREATED_KIND = 'ApplicationNotCreated';

/**
 * The object `preview --format yaml|json` writes after the Applications for one Argo CD would not
 * create: the Application as generated (what Argo CD tries), the ApplicationSet and parameter
 * set it comes from, and what Argo CD reports (the condition's reason, the error, and for the
 * API server's refusal its causes).
 */
export function notCreatedObject(n: NotCreatedApplication): Record<string, unknown> {
  return {
    apiVersion: NOT_CREATED_API_VERSION,
    kind: NOT_CREATED_KIND,
    applicationSet: n.applicationSet,
    file: n.file,
    from: n.at,
    code: n.code,
    reason: n.reason,
    message: n.message,
    ...(n.causes ? { causes: n.causes.map((c) => ({ reason: c.reason, field: c.field, message: c.message })) } : {}),
    ...(n.ownedBy !== undefined ? { ownedBy: n.ownedBy } : {}),
    application: n.app,
  };
}

/** One line for a table or a warning: the name, where it comes from, and what Argo CD reports. */
export function notCreatedLine(n: NotCreatedApplication): string {
  return `${n.app.metadata.name} (ApplicationSet ${n.applicationSet}, ${n.at}): ${n.reason} (${n.code}): ${n.message}`;
}

/** "1 Application" / "2 Applications". */
export function applications(n: number): string {
  return `${n} Application${n === 1 ? '' : 's'}`;
}
