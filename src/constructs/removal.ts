import { Problem, problem } from '../core/errors';
import type { RemovalKind, RemovalModel } from '../model/platform-model';
import { dns1123LabelProblem } from '../model/names';

/** Why `name` cannot name a service, environment or ring, or undefined. */
function labelProblem(name: unknown): string | undefined {
  return typeof name === 'string' ? dns1123LabelProblem(name) : 'it is not a string';
}

/** The characters an Application name pattern may hold: a DNS-1123 subdomain's, `*` and `?`. */
const APPLICATION_PATTERN = /^[a-z0-9*?]([a-z0-9.*?-]*[a-z0-9*?])?$/;

/**
 * Something the program no longer declares and whose Applications a write may delete, named
 * as it was: a service, an environment, a cluster, a ring, or Applications by name. Give it to
 * {@link Platform.removed}. Without it, a write that would delete an Application fails (CG141):
 * removing a construct from the program never deletes a running workload by itself.
 *
 * A removal is about the change that removes something; once that change is published, the
 * removal may stay (it matches nothing more) or be dropped.
 *
 * @example
 * platform.removed(
 *   Removal.service('legacy-api'),
 *   Removal.cluster('prod/aws/eu-central-1-01'),
 * );
 */
export class Removal {
  /**
   * Every Application of a service the program no longer declares. Its release ledger is kept
   * (`releases/<service>.yaml`): a service declared again resumes from it.
   * @param name the service's name
   */
  public static service(name: string): Removal {
    return new Removal('service', name, labelProblem(name));
  }
  /**
   * Every Application of an environment the program no longer declares.
   * @param name the environment's name
   */
  public static environment(name: string): Removal {
    return new Removal('environment', name, labelProblem(name));
  }
  /**
   * Every Application on a cluster the program no longer declares.
   * @param id the cluster as `<environment>/<cloud>/<cluster>`, e.g. `prod/aws/eu-central-1-01`
   */
  public static cluster(id: string): Removal {
    const parts = typeof id === 'string' ? id.split('/') : [];
    const problem = parts.length !== 3 ? 'it is not <environment>/<cloud>/<cluster>' : parts.map(labelProblem).find((p) => p !== undefined);
    return new Removal('cluster', id, problem);
  }
  /**
   * A ring the program no longer declares: the next write drops its entry from every release
   * ledger (Git history keeps it). Its targets' Applications are not removed by this; they move
   * to other rings, or go with a removal of their own.
   * @param name the ring's name
   */
  public static ring(name: string): Removal {
    return new Removal('ring', name, labelProblem(name));
  }
  /**
   * Applications by name: an exact name, or a glob where `*` matches any characters and `?`
   * one, e.g. `payments-api-prod-*`.
   * @param pattern the Application name or glob
   */
  public static application(pattern: string): Removal {
    const ok = typeof pattern === 'string' && pattern.length <= 253 && APPLICATION_PATTERN.test(pattern);
    return new Removal(
      'application',
      pattern,
      ok ? undefined : 'it is not an Application name nor a glob of one (lower-case letters, digits, "-", ".", "*" and "?")',
    );
  }

  private constructor(
    /** What is removed. */
    public readonly kind: RemovalKind,
    /** Its name, or for {@link Removal.application} a glob. */
    public readonly name: string,
    private readonly problem: string | undefined,
  ) {}

  /**
   * What is wrong with the removal (`CG143`), reported by the platform it is given to.
   * @internal
   */
  public problems(constructPath: string): Problem[] {
    if (this.problem === undefined) return [];
    return [
      problem('CG143', {
        constructPath,
        message: `Removal.${this.kind}(${JSON.stringify(this.name)}) names nothing usable: ${this.problem}.`,
        fix:
          this.kind === 'cluster'
            ? "Name the cluster as <environment>/<cloud>/<cluster>, e.g. Removal.cluster('prod/aws/eu-central-1-01')."
            : `Name the ${this.kind} as it was declared, e.g. Removal.${this.kind}('${this.kind === 'application' ? 'payments-api-prod-aws-eu-central-1-01' : 'legacy-api'}').`,
      }),
    ];
  }

  /** The removal as model data. */
  public toModel(): RemovalModel {
    return { kind: this.kind, name: this.name };
  }
}
