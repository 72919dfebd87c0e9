import * as fs from 'fs';
import * as path from 'path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Problem, problem } from '../core/errors';
import { ajvFor } from '../core/heavy-packages';

/** One way a set of values breaks the schema. */
export interface SchemaViolation {
  /** Dotted key path of the value, e.g. `image.pullPolicy`; `<root>` for the whole document. */
  readonly keyPath: string;
  /** The rule broken, as the schema states it, e.g. `must be equal to one of the allowed values: "Always", "IfNotPresent"`. */
  readonly rule: string;
}

/**
 * The JSON schema a service's chart validates its values with (Helm's `values.schema.json`).
 * With one, every target's final merged values are checked at synth, so a values file Helm
 * would refuse never reaches the GitOps repository.
 *
 * The release digest is not known at synth (the ledger sets it later), so values are checked
 * with `image.digest` set to the service's `initialDigest`, or to a placeholder
 * `sha256:000…0` when it has none. Formats (`"format": "uri"` …) are not checked.
 *
 * @example
 * new Service(platform, 'payments-api', {
 *   image: { repository: 'registry.example.com/commerce/payments-api' },
 *   valuesSchema: ValuesSchema.fromFile('charts/payments-api/values.schema.json'),
 * });
 */
export class ValuesSchema {
  /**
   * Reads a schema file, e.g. the chart's `values.schema.json` from a checkout of the
   * application repository. When it cannot be read or compiled, the service it is given to
   * reports that (`CG122`) at synth, with the program's other problems.
   *
   * @param file path of the file, relative to the directory the program runs in (the directory
   *   of `cdk8s.yaml` when the CLI runs it)
   */
  public static fromFile(file: string): ValuesSchema {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(file), 'utf8');
    } catch (e) {
      return new ValuesSchema(
        undefined,
        file,
        schemaProblem(
          file,
          `cannot be read (${(e as Error).message.split('\n')[0]})`,
          "Point ValuesSchema.fromFile at the chart's values.schema.json.",
        ),
      );
    }
    let schema: unknown;
    try {
      schema = JSON.parse(text);
    } catch (e) {
      return new ValuesSchema(
        undefined,
        file,
        schemaProblem(file, `is not JSON (${(e as Error).message})`, 'Fix the file; a values schema is a JSON document.'),
      );
    }
    return new ValuesSchema(schema, file);
  }

  /** A schema given as data. When it cannot be compiled, the service it is given to reports that (`CG122`). */
  public static fromObject(schema: Readonly<Record<string, unknown>>): ValuesSchema {
    return new ValuesSchema(schema, 'the values schema');
  }

  /** The compiled schema; undefined when it could not be read or compiled. */
  private readonly validate?: ValidateFunction;

  /**
   * Why the schema cannot be used (`CG122`); the service it is given to reports it.
   * @internal
   */
  public readonly problems: readonly Problem[];

  private constructor(
    schema: unknown,
    /** Where the schema came from, as messages name it: the file path given, or `the values schema` for one given as data. */
    public readonly source: string,
    unreadable?: Problem,
  ) {
    this.problems = unreadable ? [unreadable] : [];
    if (unreadable) return;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      this.problems = [schemaProblem(source, 'is not a JSON schema (an object)', "Give the chart's values.schema.json.")];
      return;
    }
    const dialect = String((schema as { $schema?: unknown }).$schema ?? '');
    if (/draft-0[34]\//.test(dialect)) {
      this.problems = [
        schemaProblem(
          source,
          `uses ${dialect}, which cdk8s-gitops does not read`,
          'Set "$schema" to "http://json-schema.org/draft-07/schema#"; draft-04 schemas usually need no other change.',
        ),
      ];
      return;
    }
    const ajv = ajvFor(dialect, { allErrors: true, strict: false, validateFormats: false, logger: false });
    try {
      this.validate = ajv.compile(schema);
    } catch (e) {
      this.problems = [
        schemaProblem(source, `is not a valid JSON schema (${(e as Error).message})`, 'Fix the schema, or give the one the chart ships.'),
      ];
    }
  }

  /** Every way `values` breaks the schema; `[]` when they satisfy it, or when the schema itself cannot be used (see its problem). */
  public check(values: unknown): SchemaViolation[] {
    if (!this.validate || this.validate(values)) return [];
    const out = new Map<string, SchemaViolation>();
    for (const e of this.validate.errors ?? []) {
      const v = violation(e);
      out.set(`${v.keyPath}\u0000${v.rule}`, v);
    }
    return [...out.values()];
  }
}

function schemaProblem(source: string, what: string, fix: string): Problem {
  return problem('CG122', { file: source, message: `Values schema ${source} ${what}.`, fix });
}

function violation(e: ErrorObject): SchemaViolation {
  const segments = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Record<string, unknown>;
  let rule = e.message ?? e.keyword;
  if (e.keyword === 'required') segments.push(String(params.missingProperty));
  if (e.keyword === 'required') rule = 'is required';
  if (e.keyword === 'additionalProperties') {
    segments.push(String(params.additionalProperty));
    rule = 'is not allowed (additionalProperties: false)';
  }
  if (e.keyword === 'enum') rule = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') rule = `must be ${JSON.stringify(params.allowedValue)}`;
  const keyPath = segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
  return { keyPath: keyPath || '<root>', rule: `${rule} (${e.keyword} at ${e.schemaPath})` };
}
