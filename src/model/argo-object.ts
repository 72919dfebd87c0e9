/** An Argo CD object as plain data. */
export interface ArgoObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
  };
  readonly spec: unknown;
}

/** Label put on every object the SDK generates. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } as const;
