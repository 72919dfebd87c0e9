import { Construct } from 'constructs';
import type { Platform } from './platform';
import { freeId, platformOf } from './platform-scope';
import { problem } from '../core/errors';
import { Reconciler } from './reconciler';

/** Properties of a {@link ControlPlane}. */
export interface ControlPlaneProps {
  /** Namespace this Argo CD instance runs in. @default - the platform's `argocdNamespace` */
  readonly namespace?: string;
  /**
   * Who reconciles its environments: Argo CD, or Flux (one per cluster).
   * @default Reconciler.argoCd()
   */
  readonly reconciler?: Reconciler;
}

/**
 * One Argo CD instance and the environments it manages. Each control plane gets its own
 * bootstrap Application and ApplicationSets, which cover only its environments.
 *
 * A platform with one Argo CD needs none: environments without a control plane share an
 * implicit one named `argocd`.
 *
 * @example
 * const prodArgo = new ControlPlane(platform, 'prod-argocd');
 * new Environment(platform, 'prod', { controlPlane: prodArgo });
 */
export class ControlPlane extends Construct {
  /** Name of the implicit control plane. */
  public static readonly DEFAULT_NAME = 'argocd';

  /** The control plane environments use when they name none (created on first use). */
  public static defaultOf(platform: Platform): ControlPlane {
    const existing = platform.group('control-planes').node.tryFindChild(ControlPlane.DEFAULT_NAME);
    if (existing instanceof ControlPlane) return existing;
    return new ControlPlane(platform, ControlPlane.DEFAULT_NAME);
  }

  /** Namespace this Argo CD instance runs in. */
  public readonly namespace: string;
  /** Who reconciles its environments. */
  public readonly reconciler: Reconciler;

  /**
   * @param scope the platform, or any construct inside it (a team's library): the control plane
   *   is kept with the platform's control planes either way
   */
  constructor(scope: Construct, id: string, props: ControlPlaneProps = {}) {
    const platform = platformOf(scope);
    super(platform.group('control-planes'), freeId(platform.group('control-planes'), id, 'ControlPlane'));
    this.namespace = props.namespace ?? platform.argocdNamespace;
    this.reconciler = props.reconciler ?? Reconciler.argoCd();
    if (!(this.reconciler instanceof Reconciler)) {
      platformOf(this).report([
        problem('CG151', {
          constructPath: this.node.path,
          message: 'reconciler is not a Reconciler.',
          fix: 'Give reconciler: Reconciler.flux() or Reconciler.argoCd().',
        }),
      ]);
      this.reconciler = Reconciler.argoCd();
    } else {
      platformOf(this).report(this.reconciler.problems.map((p) => ({ ...p, constructPath: this.node.path })));
    }
  }
}
