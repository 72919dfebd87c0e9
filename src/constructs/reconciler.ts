import { problem, Problem } from '../core/errors';
import { redactUrl } from '../model/names';
import type { ReconcilerModel } from '../model/platform-model';
import { Duration } from './duration';
import { FluxSourceCredentials } from './flux-credentials';

/** Properties of {@link Reconciler.flux}. */
export interface FluxReconcilerProps {
  /** How often Flux reconciles each cluster's objects (`spec.interval`), from a second to a day. @default Duration.minutes(10) */
  readonly interval?: Duration;
  /**
   * How Flux authenticates to the private repositories it reads charts and Kustomize bases from.
   * @default - none: every chart and base is read without credentials
   */
  readonly sourceCredentials?: readonly FluxSourceCredentials[];
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
    const problems: Problem[] = ok
      ? []
      : [
          problem('CG151', {
            message: 'The Flux reconciler interval is not a whole number of seconds from 1 to a day.',
            fix: 'Give interval: Duration.minutes(10) (or leave it out).',
          }),
        ];
    const given: readonly unknown[] = Array.isArray(props?.sourceCredentials) ? props.sourceCredentials : [];
    if (props?.sourceCredentials !== undefined && !Array.isArray(props.sourceCredentials)) {
      problems.push(
        problem('CG151', {
          message: 'sourceCredentials is not a list.',
          fix: 'Give sourceCredentials: [FluxSourceCredentials.secret(…), …].',
        }),
      );
    }
    const credentials: FluxSourceCredentials[] = [];
    for (const c of given) {
      if (c instanceof FluxSourceCredentials) {
        credentials.push(c);
        problems.push(...c.problems);
      } else {
        problems.push(
          problem('CG151', {
            message: 'An entry of sourceCredentials is not FluxSourceCredentials.',
            fix: 'Make each with FluxSourceCredentials.secret(url, name) or FluxSourceCredentials.provider(url, provider).',
          }),
        );
      }
    }
    const urls = credentials.map((c) => c.model.url);
    const twice = urls.find((u, i) => urls.indexOf(u) !== i);
    if (twice !== undefined) {
      problems.push(
        problem('CG151', {
          message: `sourceCredentials gives credentials for ${redactUrl(twice)} twice.`,
          fix: 'Keep one entry per URL.',
        }),
      );
    }
    return new Reconciler(
      {
        kind: 'flux',
        intervalSeconds: ok ? interval.seconds : 600,
        ...(credentials.length === 0 ? {} : { sourceCredentials: credentials.map((c) => c.model) }),
      },
      problems,
    );
  }

  private constructor(
    /** @internal */
    public readonly model: ReconcilerModel,
    /** @internal */
    public readonly problems: readonly Problem[],
  ) {}
}
