import { Value } from './template-values';

/**
 * How an argument is passed, after Go's `text/template` rules: `string`, `int`, `bool`,
 * `uint32`, `float64` and `map` (Go's `map[string]interface {}`) must have that type, and a
 * literal must be one of it (nil and a missing value are a nil map); `any` is `interface{}` (a
 * missing value becomes nil); `value` is a raw `reflect.Value` (builtins `index` and `len` see
 * missing values as they are).
 */
export type ParamType = 'string' | 'int' | 'bool' | 'uint32' | 'float64' | 'map' | 'any' | 'value';

/** The Go type of a parameter that has one, as Go's messages name it. */
export const GO_PARAM_TYPES = {
  string: 'string',
  int: 'int',
  bool: 'bool',
  uint32: 'uint32',
  float64: 'float64',
  map: 'map[string]interface {}',
} as const;

/**
 * The work budget of the execution a call runs in. A function whose running time is not bounded
 * by the size of what it returns (a regular expression scanning its text) charges its work here
 * before doing it, so that the execution stops with CG701 instead of running for minutes.
 */
export interface CallMeter {
  /**
   * Charges `units` of work (negative units give back what an earlier charge over-estimated),
   * described by `what` (which names the construct and the sizes involved, never a value);
   * `fix` is the advice given when the budget is spent.
   *
   * @throws TemplateFailure `CG701` once the execution's budget is spent.
   */
  charge(units: number, what: () => string, fix: string): void;
}

/** A meter that never runs out: for calling a function outside a template execution. */
export const UNMETERED: CallMeter = { charge: () => undefined };

/** A function a template may call. */
export interface TemplateFunction {
  /** Parameter types; when `variadic`, the last one is the type of every extra argument. */
  readonly params: readonly ParamType[];
  readonly variadic?: boolean;
  /**
   * Calls the function; throws {@link CallFailure} as a Go function returns an error. Work not
   * bounded by the size of the result is charged to `meter`.
   */
  readonly call: (args: readonly Value[], meter: CallMeter) => Value;
}

/**
 * An error the function returns, or a panic it raises (Go reports both as
 * "error calling NAME: …").
 */
export class CallFailure extends Error {}

/** A function with a fixed number of parameters. */
export function fixed(params: readonly ParamType[], call: (args: readonly Value[], meter: CallMeter) => Value): TemplateFunction {
  return { params, call };
}

/** A function whose last parameter takes any number of arguments. */
export function variadic(params: readonly ParamType[], call: (args: readonly Value[], meter: CallMeter) => Value): TemplateFunction {
  return { params, variadic: true, call };
}

/** The argument of a `string` parameter. */
export const str = (v: Value): string => v as string;

/** The argument of an `int` parameter. */
export const int = (v: Value): number => v as number;
