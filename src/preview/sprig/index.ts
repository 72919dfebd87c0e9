import { TemplateFunction } from '../function-signature';
import { ARGOCD_FUNCTIONS } from './argocd';
import { CONVERSION_FUNCTIONS } from './conversion';
import { CRYPTO_FUNCTIONS } from './crypto';
import { DATE_FUNCTIONS } from './dates';
import { ENCODING_FUNCTIONS } from './encoding';
import { DICT_FUNCTIONS, LIST_FUNCTIONS } from './lists';
import { MATH_FUNCTIONS } from './math';
import { PATH_FUNCTIONS } from './paths';
import { REFUSED_FUNCTIONS } from './refused';
import { REGEX_FUNCTIONS } from './regex';
import { SEMVER_FUNCTIONS } from './semver';
import { STRING_FUNCTIONS } from './strings';

/**
 * The functions Argo CD registers for ApplicationSet Go templates besides Go's builtins: Sprig
 * v3.3's `GenericFuncMap` without `env`, `expandenv` and `getHostByName`, plus Argo CD's
 * `normalize`, `slugify`, `toYaml`, `fromYaml` and `fromYamlArray`. The functions the preview
 * does not evaluate are present too, and fail with CG701 naming themselves and why.
 */
export const SPRIG_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ...STRING_FUNCTIONS,
  ...CONVERSION_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...LIST_FUNCTIONS,
  ...DICT_FUNCTIONS,
  ...ENCODING_FUNCTIONS,
  ...CRYPTO_FUNCTIONS,
  ...REGEX_FUNCTIONS,
  ...PATH_FUNCTIONS,
  ...SEMVER_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...ARGOCD_FUNCTIONS,
  ...REFUSED_FUNCTIONS,
];
