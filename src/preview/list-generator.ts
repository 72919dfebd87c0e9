/**
 * The parameter sets of Argo CD's list generator (`applicationset/generators/list.go`).
 *
 * @module
 */
import { GoFloat } from './go-float';
import { GoYamlError, readGoYaml, type GoData } from './go-yaml';
import { isMap, TemplateMap, TemplateValue } from './template-values';

/** Why a list generator's elements cannot be used: Argo CD fails the ApplicationSet on it too. */
export class ListElementError extends Error {
  constructor(
    public readonly reason: string,
    public readonly fix: string,
    /** The preview does not read the elements as Argo CD does (Argo CD may read them well). */
    public readonly unmodelled = false,
  ) {
    super(reason);
    this.name = 'ListElementError';
  }
}

/** One parameter set of a list generator and where it comes from. */
export interface ListParamSet {
  /** `element 0`, `elementsYaml item 1`. */
  readonly at: string;
  readonly params: TemplateMap;
}

/** A value as encoding/json decodes it into `interface{}`: every number a float64. */
function goValue(v: unknown): TemplateValue {
  if (typeof v === 'number') return new GoFloat(v);
  if (Array.isArray(v)) return v.map(goValue);
  if (isMap(v as TemplateValue)) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, e]) => [k, goValue(e)]));
  }
  return v as string | boolean | null;
}

/**
 * The parameter sets of `elements` and `elementsYaml`, in that order:
 *
 * - each item of `elements` is a map (null is an empty one); with `goTemplate` it is the
 *   parameter set as written, every number a Go float64; without, each key must hold a string,
 *   except `values`, a map of strings that becomes `values.<key>` parameters;
 * - `elementsYaml` is read as `sigs.k8s.io/yaml` reads it, a list of maps appended as they are
 *   (not flattened, whatever `goTemplate`).
 *
 * @throws ListElementError for what Argo CD refuses: an element that is not a map, a
 * non-string value without `goTemplate`, `elementsYaml` that is not a YAML list of maps.
 */
export function listParamSets(elements: readonly unknown[], elementsYaml: string | undefined, goTemplate: boolean): ListParamSet[] {
  const sets: ListParamSet[] = elements.map((element, i) => {
    if (element !== null && (typeof element !== 'object' || Array.isArray(element))) {
      throw new ListElementError(
        `element ${i} is not a map ("error unmarshling list element")`,
        'Write each element as a map of parameters.',
      );
    }
    const map = (element ?? {}) as Record<string, unknown>;
    return { at: `list element ${i}`, params: goTemplate ? (goValue(map) as TemplateMap) : flatElement(map, i) };
  });
  if (elementsYaml !== undefined && elementsYaml !== '') {
    let data: GoData;
    try {
      data = readGoYaml(elementsYaml);
    } catch (e) {
      if (!(e instanceof GoYamlError)) throw e;
      if (e.unmodelled)
        throw new ListElementError(`elementsYaml ${e.reason}`, 'Preview this ApplicationSet with argocd appset generate.', true);
      throw new ListElementError(`elementsYaml ${e.reason}`, 'Write elementsYaml as a YAML list of maps.');
    }
    if (data !== null && !Array.isArray(data)) {
      throw new ListElementError(
        'elementsYaml is not a YAML list ("error unmarshling decoded ElementsYaml")',
        'Write elementsYaml as a YAML list of maps.',
      );
    }
    ((data ?? []) as readonly GoData[]).forEach((item, i) => {
      if (item !== null && (typeof item !== 'object' || Array.isArray(item))) {
        throw new ListElementError(
          `elementsYaml item ${i} is not a map ("error unmarshling decoded ElementsYaml")`,
          'Write elementsYaml as a YAML list of maps.',
        );
      }
      sets.push({ at: `elementsYaml item ${i}`, params: goValue(item ?? {}) as TemplateMap });
    });
  }
  return sets;
}

/** An element without `goTemplate`: strings only, `values` flattened to `values.<key>`. */
function flatElement(element: Record<string, unknown>, i: number): TemplateMap {
  const fix = 'Quote the value, or set spec.goTemplate: true to pass values that are not strings.';
  const out: Record<string, string> = {};
  const set = (key: string, value: string): void => {
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      throw new ListElementError(
        `element ${i} sets the parameter ${JSON.stringify(key)} twice (as a key and from values), and Argo CD keeps either at random`,
        'Rename one of them.',
      );
    }
    out[key] = value;
  };
  for (const [key, value] of Object.entries(element)) {
    if (key === 'values') {
      if (!isMap(value as TemplateValue)) {
        throw new ListElementError(
          `element ${i} has values that are not a map ("error parsing values map")`,
          'Write values as a map of strings.',
        );
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string')
          throw new ListElementError(`element ${i} values.${k} is not a string ("error parsing value as string")`, fix);
        set(`values.${k}`, v);
      }
    } else {
      if (typeof value !== 'string')
        throw new ListElementError(`element ${i} key ${JSON.stringify(key)} is not a string ("error parsing value as string")`, fix);
      set(key, value);
    }
  }
  return out;
}
