import { GitOpsError } from '../core/errors';
import { compareGoStrings, toValidUtf8 } from './go-strings';
import { PreviewCode, show } from './problems';
import { CallFailure, ParamType } from './template-functions';
import { formatValue, goTypeName, hasKey, isMap, TemplateFailure, TemplateValue, Value } from './template-values';

import { Command, Item, Node, parseItems, Pipe, SYNTAX_FIX, UNSUPPORTED_FIX } from './go-template-parse';
/*
 * A subset of Go's text/template, enough for ApplicationSet templates, evaluated with Go's
 * rules: actions `{{ … }}` with trim markers `{{-` / `-}}` and comments; pipelines `a | b`;
 * fields `.a.b`, `$`, `$.a`; parenthesised sub-pipelines; string, raw string, decimal integer
 * and boolean literals; and the functions of {@link TEMPLATE_FUNCTIONS}. Anything else —
 * `if`, `range`, `with`, variables, unknown functions, floats — fails with `CG701` instead of
 * being approximated.
 */

/** Go's `missingkey` template option; `default` and `invalid` both render `<no value>`. */
export type MissingKeyOption = 'default' | 'invalid' | 'error';

/** Options for executing a template. */
export interface GoTemplateExecuteOptions {
  /**
   * What a missing map key does: render `<no value>` (`default`/`invalid`) or fail (`error`).
   * @default 'default'
   */
  readonly missingKey?: MissingKeyOption;
}

const EXECUTION_FIX = 'Correct the expression; Argo CD fails on it too.';

const NO_FINAL: unique symbol = Symbol('no final');
type Final = Value | typeof NO_FINAL;

function execution(detail: string, fix = EXECUTION_FIX): TemplateFailure {
  return new TemplateFailure(PreviewCode.TEMPLATE_EXECUTION, detail, fix);
}

class State {
  constructor(
    private readonly root: Value,
    private readonly missingKey: MissingKeyOption,
  ) {}

  public pipeline(dot: Value, pipe: Pipe): Value {
    let value: Final = NO_FINAL;
    for (const cmd of pipe.cmds) {
      const v: Value = this.command(dot, cmd, value);
      // A nil interface result becomes an invalid value, as Go unwraps interface{} results.
      value = v === null ? undefined : v;
    }
    return value === NO_FINAL ? undefined : value;
  }

  private command(dot: Value, cmd: Command, final: Final): Value {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.fieldChain(dot, first.idents, first.src, cmd.args, final);
      case 'chain':
        return this.chain(dot, first, cmd.args, final);
      case 'identifier':
        return this.call(dot, first, cmd.args, final);
      case 'variable':
        return this.variable(first, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.pipeline(dot, first.pipe);
      case 'dot':
        this.notAFunction(cmd.args, final);
        return dot;
      default:
        this.notAFunction(cmd.args, final);
        return first.value;
    }
  }

  private notAFunction(args: readonly Node[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) {
      throw execution(`can't give argument to non-function ${args[0]!.src}`);
    }
  }

  private variable(node: Node & { type: 'variable' }, args: readonly Node[], final: Final): Value {
    if (node.idents.length === 1) {
      this.notAFunction(args, final);
      return this.root;
    }
    return this.fieldChainFrom(this.root, '$', node.idents.slice(1), node.src, args, final);
  }

  private chain(dot: Value, node: Node & { type: 'chain' }, args: readonly Node[], final: Final): Value {
    const receiver = this.arg(dot, undefined, node.node);
    return this.fieldChainFrom(receiver, node.node.src, node.fields, node.src, args, final);
  }

  private fieldChain(dot: Value, idents: readonly string[], src: string, args: readonly Node[], final: Final): Value {
    return this.fieldChainFrom(dot, '', idents, src, args, final);
  }

  private fieldChainFrom(
    receiver: Value,
    base: string,
    idents: readonly string[],
    src: string,
    args: readonly Node[],
    final: Final,
  ): Value {
    const hasArgs = args.length > 1 || final !== NO_FINAL;
    let value = receiver;
    let path = base;
    idents.forEach((name, i) => {
      value = this.field(value, name, path, src, i === idents.length - 1 && hasArgs);
      path = `${path}.${name}`;
    });
    return value;
  }

  private field(receiver: Value, name: string, path: string, src: string, hasArgs: boolean): Value {
    if (receiver === undefined) {
      if (this.missingKey === 'error') {
        throw new TemplateFailure(
          PreviewCode.MISSING_KEY,
          `<${src}>: ${path || '.'} has no value, so it has no key "${name}"`,
          'Reference only keys the generator sets, or fix the spelling.',
        );
      }
      return undefined;
    }
    if (receiver === null) {
      throw execution(`<${src}>: nil pointer evaluating interface {}.${name}`);
    }
    if (isMap(receiver)) {
      if (hasArgs) {
        throw execution(`<${src}>: ${name} is not a method but has arguments`);
      }
      if (hasKey(receiver, name)) {
        return receiver[name];
      }
      if (this.missingKey === 'error') {
        const keys = Object.keys(receiver).sort(compareGoStrings);
        throw new TemplateFailure(
          PreviewCode.MISSING_KEY,
          `<${src}>: map has no entry for key "${name}" (the keys of ${path || '.'} are: ${keys.join(', ') || 'none'})`,
          `Use one of the keys of ${path || '.'}, or fix the spelling.`,
        );
      }
      return undefined;
    }
    throw execution(`<${src}>: can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  private call(dot: Value, node: Node & { type: 'identifier' }, args: readonly Node[], final: Final): Value {
    const { fn, name } = node;
    const actual = args.slice(1);
    const numIn = actual.length + (final === NO_FINAL ? 0 : 1);
    let numFixed = actual.length;
    const where = (): string => args.map((a) => a.src).join(' ');
    if (fn.variadic) {
      numFixed = fn.params.length - 1;
      if (numIn < numFixed) {
        throw execution(`<${where()}>: wrong number of args for ${name}: want at least ${numFixed} got ${actual.length}`);
      }
    } else if (numIn !== fn.params.length) {
      throw execution(`<${where()}>: wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }
    const last = fn.params[fn.params.length - 1]!;
    const argv: Value[] = [];
    let i = 0;
    for (; i < numFixed && i < actual.length; i++) {
      argv.push(this.arg(dot, fn.params[i]!, actual[i]!, name));
    }
    for (; i < actual.length; i++) {
      argv.push(this.arg(dot, last, actual[i]!, name));
    }
    if (final !== NO_FINAL) {
      const t = fn.variadic && numIn - 1 < numFixed ? fn.params[numIn - 1]! : last;
      argv.push(this.validate(final, t, where, name));
    }
    try {
      return fn.call(argv);
    } catch (e) {
      if (e instanceof CallFailure) {
        throw execution(`<${where()}>: error calling ${name}: ${e.message}`);
      }
      throw e;
    }
  }

  /** Go's `evalArg`: literals must already have the parameter's type; other nodes are evaluated. */
  private arg(dot: Value, type: ParamType | undefined, node: Node, fn?: string): Value {
    const where = node.src;
    switch (node.type) {
      case 'dot':
        return this.validate(dot, type, where, fn);
      case 'field':
        return this.validate(this.fieldChain(dot, node.idents, node.src, [node], NO_FINAL), type, where, fn);
      case 'variable':
        return this.validate(this.variable(node, [node], NO_FINAL), type, where, fn);
      case 'pipe':
        return this.validate(this.pipeline(dot, node.pipe), type, where, fn);
      case 'identifier':
        return this.validate(this.call(dot, node, [node], NO_FINAL), type, where, fn);
      case 'chain':
        return this.validate(this.chain(dot, node, [node], NO_FINAL), type, where, fn);
      default:
        break;
    }
    const of = fn ? ` (argument of ${fn})` : '';
    if (type === 'string' && node.type !== 'string') {
      throw execution(`<${where}>: expected string; found ${node.src}${of}`);
    }
    if (type === 'int' && node.type !== 'number') {
      throw execution(`<${where}>: expected integer; found ${node.src}${of}`);
    }
    return node.value;
  }

  /** Go's `validateType`: a value passed where `type` is expected; `where` is the expression. */
  private validate(value: Value, type: ParamType | undefined, where: string | (() => string), fn?: string): Value {
    switch (type) {
      case undefined:
      case 'value':
        return value;
      case 'any':
        return value === undefined ? null : value;
      case 'string':
      case 'int': {
        if (value !== undefined && typeof value === (type === 'int' ? 'number' : 'string')) {
          return value;
        }
        const at = `<${typeof where === 'string' ? where : where()}>`;
        const of = fn ? ` (argument of ${fn})` : '';
        if (value === undefined) {
          throw execution(`${at}: invalid value; expected ${type}${of}: the value is missing`);
        }
        throw execution(`${at}: wrong type for value; expected ${type}; got ${goTypeName(value)}${of}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Public API

/**
 * A parsed Go template.
 *
 * @example
 * const t = GoTemplate.parse('{{ index .path.segments 1 }}-{{ .path.basename | upper }}');
 * t.execute({ path: { segments: ['environments', 'prod'], basename: 'api' } }); // 'prod-API'
 */
export class GoTemplate {
  /**
   * Parses `text` with Go's text/template syntax.
   *
   * @throws GitOpsError `CG703` for invalid syntax, `CG701` for constructs the preview does not
   * evaluate (`if`, `range`, variables, unknown functions, floats).
   */
  public static parse(text: string): GoTemplate {
    try {
      return new GoTemplate(text, text.includes('{{') ? parseItems(text) : [{ text }]);
    } catch (e) {
      throw toGitOpsError(text, e);
    }
  }

  private constructor(
    /** The template source. */
    public readonly text: string,
    private readonly items: readonly Item[],
  ) {}

  /** Whether the template has no actions, so it renders as its own text. */
  public get isConstant(): boolean {
    return this.items.every((item) => 'text' in item);
  }

  /**
   * Executes the template against `data`.
   *
   * @throws GitOpsError `CG702` for a missing key with `missingKey: 'error'`, `CG704` when
   * evaluation fails (index out of range, wrong argument type or count), `CG701` for a
   * `printf` form the preview does not format.
   */
  public execute(data: TemplateValue, options: GoTemplateExecuteOptions = {}): string {
    const state = new State(data, options.missingKey ?? 'default');
    let out = '';
    try {
      for (const item of this.items) {
        if ('text' in item) {
          out += item.text;
        } else {
          const value = state.pipeline(data, item.pipe);
          out += value === undefined ? '<no value>' : formatValue(value, 'v');
        }
      }
    } catch (e) {
      throw toGitOpsError(this.text, e);
    }
    // Argo CD writes the Application as JSON, where bytes that are not UTF-8 become U+FFFD.
    return toValidUtf8(out);
  }
}

/** Parses and executes `text` against `data` in one step. */
export function renderGoTemplate(text: string, data: TemplateValue, options: GoTemplateExecuteOptions = {}): string {
  return GoTemplate.parse(text).execute(data, options);
}

/**
 * Reads ApplicationSet `spec.goTemplateOptions` as Go's `Template.Option` does (the last
 * `missingkey=` wins).
 *
 * @throws GitOpsError `CG701` for `missingkey=zero`, `CG708` for an option Go does not know.
 */
export function parseGoTemplateOptions(options: readonly string[]): GoTemplateExecuteOptions {
  let missingKey: MissingKeyOption = 'default';
  for (const option of options) {
    const m = /^missingkey=(default|invalid|zero|error)$/.exec(option);
    if (!m) {
      throw GitOpsError.of(PreviewCode.INVALID_APPLICATIONSET, {
        message: `Go template option ${show(option)} is not recognised (Go panics on it).`,
        fix: 'Use "missingkey=error" (recommended), "missingkey=default" or "missingkey=invalid".',
      });
    }
    if (m[1] === 'zero') {
      throw GitOpsError.of(PreviewCode.UNSUPPORTED_TEMPLATE, {
        message: 'Go template option "missingkey=zero" is not supported by the offline preview.',
        fix: 'Use "missingkey=error" (recommended) or "missingkey=default".',
      });
    }
    missingKey = m[1] as MissingKeyOption;
  }
  return { missingKey };
}

function toGitOpsError(text: string, e: unknown): unknown {
  if (!(e instanceof TemplateFailure)) {
    return e;
  }
  const template = `Template ${show(text)}`;
  switch (e.code) {
    case PreviewCode.UNSUPPORTED_TEMPLATE:
      return GitOpsError.of(e.code, {
        message: `${template} uses ${e.detail}, which the offline preview does not evaluate.`,
        fix: e.fix ?? UNSUPPORTED_FIX,
      });
    case PreviewCode.TEMPLATE_SYNTAX:
      return GitOpsError.of(e.code, {
        message: `${template} is not valid Go template syntax: ${e.detail}.`,
        fix: e.fix ?? SYNTAX_FIX,
      });
    case PreviewCode.MISSING_KEY:
      return GitOpsError.of(e.code, { message: `${template} references a missing key: ${e.detail}.`, fix: e.fix ?? EXECUTION_FIX });
    default:
      return GitOpsError.of(e.code, { message: `${template} fails at ${e.detail}.`, fix: e.fix ?? EXECUTION_FIX });
  }
}
