import { problem, Problem } from '../core/errors';
import type { ReconcilerModel } from '../model/platform-model';
import { Duration } from './duration';

/** Properties of {@link Reconciler.flux}. */
export interface FluxReconcilerProps {
  /** How often Flux reconciles each cluster's objects (`spec.interval`), from a second to a day. @default Duration.minutes(10) */
  readonly interval?: Duration;
}

/**
 * Who reconciles a control plane's environments: Argo CD (one instance for all their clusters,
 * ApplicationSets generating an Application per target), or Flux (one per cluster, bootstrapped
 * from `clusters/<environment>/<cloud>/<cluster>/`, a Kustomization and a HelmRelease per target).
 *
 * @example
 * new ControlPlane(platform, 'nonprod', { reconciler: Reconciler.flux() });
 */
export class Reconciler {
  /** Argo CD: the default. */
  public static argoCd(): Reconciler {
    return new Reconciler({ kind: 'argocd' }, []);
  }

  /** Flux, one per cluster. */
  public static flux(props: FluxReconcilerProps = {}): Reconciler {
    const interval = props?.interval ?? Duration.minutes(10);
    // At most a day: a longer interval is no reconciliation, and Go's durations end at 290 years.
    const ok =
      interval instanceof Duration &&
      interval.problems.length === 0 &&
      Number.isInteger(interval.seconds) &&
      interval.seconds >= 1 &&
      interval.seconds <= 86_400;
    return new Reconciler(
      { kind: 'flux', intervalSeconds: ok ? interval.seconds : 600 },
      ok
        ? []
        : [
            problem('CG151', {
              message: 'The Flux reconciler interval is not a whole number of seconds from 1 to a day.',
              fix: 'Give interval: Duration.minutes(10) (or leave it out).',
            }),
          ],
    );
  }

  private constructor(
    /** @internal */
    public readonly model: ReconcilerModel,
    /** @internal */
    public readonly problems: readonly Problem[],
  ) {}
}
