/**
 * Kubernetes label selectors as Argo CD's ApplicationSet controller applies them: a generator's
 * `selector` over its flattened parameters (`utils.LabelSelectorAsSelector`, Kubernetes' own
 * with no limit on values, so that a server URL can be matched), and a cluster generator's
 * `selector` over the labels of cluster Secrets.
 *
 * @module
 */
import { isLabelKey } from '../core/kube-names';
import { isMap } from '../core/plain';

/** One requirement of a selector. */
interface Requirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/** A parsed label selector. */
export interface LabelSelector {
  /** Every requirement; none matches everything. */
  readonly requirements: readonly Requirement[];
}

/** Why a selector cannot be parsed: what Argo CD's error says, without the field. */
export class SelectorError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SelectorError';
  }
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Parses `{ matchLabels, matchExpressions }` as `LabelSelectorAsSelector` does: every
 * `matchLabels` entry is `key = value`; `In` and `NotIn` need values, `Exists` and
 * `DoesNotExist` none; keys must be label keys (`[prefix/]name`).
 *
 * @throws SelectorError for anything Argo CD refuses
 */
export function parseLabelSelector(raw: unknown): LabelSelector {
  if (!isMap(raw)) throw new SelectorError('is not a map of matchLabels and matchExpressions');
  for (const key of Object.keys(raw)) {
    if (key !== 'matchLabels' && key !== 'matchExpressions')
      throw new SelectorError(`has the field ${JSON.stringify(key)}, which a label selector does not`);
  }
  const requirements: Requirement[] = [];
  const checkKey = (key: string): void => {
    if (!isLabelKey(key))
      throw new SelectorError(
        `has the key ${JSON.stringify(key)}, which is not a valid label key ([prefix/]name, the name at most 63 characters of letters, digits, "-", "_", ".")`,
      );
  };
  const labels = raw.matchLabels ?? {};
  if (!isMap(labels)) throw new SelectorError('matchLabels is not a map');
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') throw new SelectorError(`matchLabels.${key} is not a string`);
    checkKey(key);
    requirements.push({ key, operator: 'In', values: [value] });
  }
  const expressions = raw.matchExpressions ?? [];
  if (!Array.isArray(expressions)) throw new SelectorError('matchExpressions is not a list');
  expressions.forEach((e: unknown, i) => {
    if (!isMap(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') {
      throw new SelectorError(`matchExpressions[${i}] has no key or operator`);
    }
    const values = e.values ?? [];
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
      throw new SelectorError(`matchExpressions[${i}].values is not a list of strings`);
    }
    if (!OPERATORS.has(e.operator))
      throw new SelectorError(`matchExpressions[${i}]: "${e.operator}" is not a valid label selector operator`);
    checkKey(e.key);
    const operator = e.operator as Requirement['operator'];
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      throw new SelectorError(`matchExpressions[${i}]: for 'in', 'notin' operators, values set can't be empty`);
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
      throw new SelectorError(`matchExpressions[${i}]: values set must be empty for exists and does not exist`);
    }
    requirements.push({ key: e.key, operator, values: values as string[] });
  });
  return { requirements };
}

/** Whether labels (a flattened parameter set, or a Secret's labels) satisfy every requirement. */
export function selectorMatches(selector: LabelSelector, labels: ReadonlyMap<string, string>): boolean {
  return selector.requirements.every(({ key, operator, values }) => {
    const value = labels.get(key);
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
    }
  });
}
