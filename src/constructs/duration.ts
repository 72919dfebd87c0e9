import { Problem, problem } from '../core/errors';

/**
 * A length of time. Gates also take cdk8s's `Duration` (`Gate.soak(cdk8s.Duration.hours(2))`);
 * this one exists so that a program that renders nothing with cdk8s does not load it (about
 * 150 ms) for a length of time.
 *
 * @example
 * Gate.soak(Duration.hours(2));
 */
export class Duration {
  /**
   * A number of minutes.
   * @param n minutes
   */
  public static minutes(n: number): Duration {
    return new Duration(n * 60);
  }
  /**
   * A number of hours.
   * @param n hours
   */
  public static hours(n: number): Duration {
    return new Duration(n * 3600);
  }
  /**
   * A number of days.
   * @param n days
   */
  public static days(n: number): Duration {
    return new Duration(n * 86400);
  }
  /**
   * A number of seconds.
   * @param n seconds
   */
  public static seconds(n: number): Duration {
    return new Duration(n);
  }
  /**
   * What is wrong with the duration (`CG128`); the ring whose gate it is reports it.
   * @internal
   */
  public readonly problems: readonly Problem[];

  private constructor(
    /** The length in seconds. */
    public readonly seconds: number,
  ) {
    this.problems =
      typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0
        ? []
        : [
            problem('CG128', {
              message: `Duration of ${seconds} seconds is not a non-negative, finite length of time.`,
            }),
          ];
  }
}
