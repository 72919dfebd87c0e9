import { Construct } from 'constructs';
import { Values } from '../model/values';
import { freeId, platformOf } from './platform-scope';
import { problemsOfValues } from './values-check';

/** Properties of a {@link Cloud}. */
export interface CloudProps {
  /** Values for every target on this cloud's clusters. @default {} */
  readonly values?: Values;
}

/**
 * A cloud provider (azure, aws, gcp, oci, or any other name): a layer of values shared by its
 * clusters in every environment, and the second segment of their directories.
 *
 * @example
 * const azure = new Cloud(platform, 'azure', { values: { ingress: { className: 'istio-internal' } } });
 */
export class Cloud extends Construct {
  /** The cloud's name, as it appears in paths and labels. */
  public readonly name: string;
  /** Values for every target on this cloud's clusters. */
  public readonly values: Values;

  /**
   * @param scope the platform, or any construct inside it (a team's library): the cloud is kept
   *   with the platform's clouds either way
   */
  constructor(scope: Construct, id: string, props: CloudProps = {}) {
    const platform = platformOf(scope);
    super(platform, freeId(platform, id, 'Cloud'));
    this.name = id;
    this.values = props.values ?? {};
    const problems = problemsOfValues(this.values, this.node.path, 'values');
    platformOf(this).report(problems);
  }
}
