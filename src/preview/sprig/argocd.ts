import { CallFailure, fixed, str, TemplateFunction, variadic } from '../function-signature';
import { GoFloat } from '../go-float';
import { GoData, GoYamlError, readGoYaml } from '../go-yaml';
import { sanitizeName } from '../sanitize-name';
import { goTypeName, TemplateValue, unsupported, Value, withGoType } from '../template-values';
import { newMap, setKey } from './maps';
import { goToYaml } from './to-yaml';

/*
 * The functions Argo CD adds to Sprig's for ApplicationSet templates
 * (applicationset/utils): `normalize`, `slugify`, `toYaml`, `fromYaml`, `fromYamlArray`.
 */

/** gosimple/slug's smart truncation: cut at the last "-" at or before `max`, else at `max`. */
function smartTruncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  for (let i = max; i >= 0; i--) {
    if (text[i] === '-') {
      return text.slice(0, i);
    }
  }
  return text.slice(0, max);
}

/**
 * Argo CD's `SlugifyName`: `slugify [maxSize [smartTruncate]] name`, defaults 50 and true; the
 * name is normalised, then gosimple/slug keeps `[a-z0-9-_]` with single dashes.
 */
function slugify(args: readonly Value[]): string {
  let max = 50;
  let smart = true;
  let name = '';
  const typeError = (v: Value, want: string) =>
    new CallFailure(`interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : goTypeName(v)}, not ${want}`);
  args.forEach((arg, i) => {
    if (i === args.length - 1) {
      if (typeof arg !== 'string') {
        throw typeError(arg, 'string');
      }
      name = arg;
    } else if (i === 0) {
      if (typeof arg !== 'number') {
        throw typeError(arg, 'int');
      }
      max = arg;
    } else if (i === 1) {
      if (typeof arg !== 'boolean') {
        throw typeError(arg, 'bool');
      }
      smart = arg;
    }
  });
  const slug = sanitizeName(name)
    .replace(/[^a-zA-Z0-9-_]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  if (max > 0 && smart) {
    return smartTruncate(slug, max);
  }
  // Without smart truncation the slug is cut at `max` and its dashes trimmed again.
  return max > 0 && slug.length > max ? slug.slice(0, max).replace(/^[-_]+|[-_]+$/g, '') : slug;
}

function toTemplate(v: GoData): TemplateValue {
  if (typeof v === 'number') {
    return new GoFloat(v);
  }
  if (v === null || typeof v !== 'object') {
    return v;
  }
  if (Array.isArray(v)) {
    return withGoType((v as readonly GoData[]).map(toTemplate), '[]interface {}');
  }
  const out = newMap();
  for (const [k, e] of Object.entries(v)) {
    setKey(out, k, toTemplate(e));
  }
  return out;
}

function readYaml(text: string, want: 'map' | 'list'): TemplateValue {
  let data: GoData;
  try {
    data = readGoYaml(text);
  } catch (e) {
    if (e instanceof GoYamlError) {
      // What the preview does not read as go-yaml does, Argo CD may read well: no error of Argo CD's to claim.
      if (e.unmodelled) {
        throw unsupported(
          `${want === 'map' ? 'fromYaml' : 'fromYamlArray'} of a text that ${e.reason}`,
          'Preview this ApplicationSet with argocd appset generate.',
        );
      }
      throw new CallFailure(`error converting YAML to JSON: ${e.reason}`);
    }
    throw e;
  }
  if (data === null) {
    return want === 'map' ? newMap() : withGoType([], '[]interface {}');
  }
  const isArray = Array.isArray(data);
  if (want === 'map' ? isArray || typeof data !== 'object' : !isArray) {
    const kind = isArray ? 'array' : typeof data === 'object' ? 'object' : typeof data === 'string' ? 'string' : typeof data;
    const target = want === 'map' ? 'map[string]interface {}' : '[]interface {}';
    throw new CallFailure(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type ${target}`);
  }
  return toTemplate(data);
}

/** Argo CD's own template functions. */
export const ARGOCD_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['normalize', fixed(['string'], ([s]) => sanitizeName(str(s)))],
  ['slugify', variadic(['any'], slugify)],
  ['toYaml', fixed(['any'], ([v]) => goToYaml(v))],
  ['fromYaml', fixed(['string'], ([s]) => readYaml(str(s), 'map'))],
  ['fromYamlArray', fixed(['string'], ([s]) => readYaml(str(s), 'list'))],
];
