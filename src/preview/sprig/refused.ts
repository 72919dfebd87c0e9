import { TemplateFunction, variadic } from '../function-signature';
import { unsupported } from '../template-values';

/*
 * Sprig functions the preview knows by name but does not evaluate. Those whose result Argo CD
 * computes from the clock or a random source never can be (the preview is deterministic); the
 * others are not implemented yet. Either way the template fails with CG701 naming the function,
 * instead of the preview guessing.
 */

const CLOCK = 'its result depends on the time Argo CD renders the template';
const RANDOM = 'its result is random';
const NOT_YET = 'the offline preview does not implement it';

function refused(name: string, why: string): readonly [string, TemplateFunction] {
  return [
    name,
    variadic(['any'], () => {
      throw unsupported(
        `the function ${name} (${why})`,
        'Remove the call, or preview this ApplicationSet with Argo CD itself (argocd appset generate).',
      );
    }),
  ];
}

/** The refused functions, each with the reason. */
export const REFUSED_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ...['now', 'ago'].map((n) => refused(n, CLOCK)),
  ...[
    'randAlphaNum',
    'randAlpha',
    'randAscii',
    'randNumeric',
    'randBytes',
    'randInt',
    'shuffle',
    'uuidv4',
    'genPrivateKey',
    'genCA',
    'genCAWithKey',
    'genSelfSignedCert',
    'genSelfSignedCertWithKey',
    'genSignedCert',
    'genSignedCertWithKey',
    'bcrypt',
    'htpasswd',
    'encryptAES',
  ].map((n) => refused(n, RANDOM)),
  refused('semver', 'it returns a Version object, whose methods the preview does not call'),
  ...['buildCustomCert', 'tpl'].map((n) => refused(n, NOT_YET)),
];
