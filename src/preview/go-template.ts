import { GitOpsError } from '../core/errors';
import { GoFloat } from './go-float';
import { AND, CALL, isTrue, OR } from './go-builtins';
import { isFloatLiteral } from './go-number';
import { compareGoStrings, toValidUtf8 } from './go-strings';
import { Arg, Command, ListNode, parseTemplate, Pipe, SYNTAX_FIX, TemplateSet, TreeNode, UNSUPPORTED_FIX } from './go-template-parse';
import { PreviewCode, show } from './problems';
import { GO_PARAM_TYPES } from './function-signature';
import { CallFailure, CallMeter, ParamType } from './template-functions';
import { formatValue } from './go-fmt';
import {
  GoInt64,
  goTypeName,
  hasKey,
  isList,
  isMap,
  mapElementZero,
  nilMap,
  TemplateFailure,
  TemplateValue,
  unsupported,
  Value,
} from './template-values';

/*
 * Go's text/template, evaluated with Go's rules over ApplicationSet parameters: text and
 * actions with trim markers and comments; if / else if / else, with / else with, range over
 * lists, maps (in key order) and integers with break and continue; variables declared with :=
 * and assigned with =, scoped as Go scopes them; define, template and block; every literal Go
 * has but complex numbers; Go's builtins (go-builtins.ts) and the Sprig and Argo CD functions
 * of {@link TEMPLATE_FUNCTIONS}; and the `missingkey` option. What the preview does not evaluate
 * fails with CG701 naming it: a Sprig or Argo CD function it does not have, an imaginary literal, an integer
 * literal beyond 2^53, a printf form go-fmt.ts refuses, a list sliced past its length.
 */

/** Go's `missingkey` template option; `default` and `invalid` both render `<no value>`. */
export type MissingKeyOption = 'default' | 'invalid' | 'zero' | 'error';

/** Options for executing a template. */
export interface GoTemplateExecuteOptions {
  /**
   * What a missing map key does: yield no value (`default`/`invalid`, printed `<no value>`),
   * the zero value of the map's elements (`zero`: nil for Argo CD's parameters, which also
   * prints `<no value>`, and "" in a string map), or fail (`error`).
   * @default 'default'
   */
  readonly missingKey?: MissingKeyOption;
}

const EXECUTION_FIX = 'Correct the expression; Argo CD fails on it too.';
const SPEND_FIX =
  'Build smaller values; Argo CD renders each field of an Application, which the Kubernetes API server stores up to 1.5 MiB.';
/** Go allows 100000 nested template calls; the preview stops far sooner, before its stack does. */
const MAX_TEMPLATE_DEPTH = 200;
/** Steps (nodes walked) one execution may take, so that a runaway range cannot hang the preview. */
const MAX_STEPS = 10_000_000;
/**
 * The longest text one execution may render: 1.5 MiB, the most the Kubernetes API server stores
 * in one object, so no Application Argo CD could create holds a longer field.
 */
export const MAX_RENDERED_CHARS = 1_572_864;
/**
 * What one execution may spend in all: the characters of every string and the items of every
 * list and map its functions return, the text it writes, the steps of its regular-expression
 * searches (program size × characters scanned) and the compiling of their patterns, and the
 * values `uniq`, `has` and `without` compare. A template that doubles a value in a loop reaches
 * it in a few dozen steps, long before the preview runs out of memory; the searches it allows
 * take a few seconds at most, however hard the pattern.
 */
export const MAX_WORK = 64 * 1024 * 1024;

const NO_FINAL: unique symbol = Symbol('no final');
type Final = Value | typeof NO_FINAL;

/** Thrown by {{break}} and {{continue}} to the range that runs them. */
class LoopControl {
  constructor(public readonly kind: 'break' | 'continue') {}
}

/**
 * What a function that ran out of JavaScript's room is refused as, naming it: a value nested
 * deeper than its stack walks (toJson of a dict nested 10,000 deep), or a string or list longer
 * than JavaScript holds. Anything else is passed on.
 */
function outOfRoom(name: string, e: unknown): unknown {
  if (e instanceof RangeError && /call stack/.test(e.message)) {
    return unsupported(`${name} of a value nested deeper than the offline preview walks`);
  }
  if (e instanceof RangeError && /Invalid (string|array|typed array) length/.test(e.message)) {
    return unsupported(`${name} building a value longer than the offline preview holds`, SPEND_FIX);
  }
  return e;
}

function execution(detail: string, fix = EXECUTION_FIX): TemplateFailure {
  return new TemplateFailure(PreviewCode.TEMPLATE_EXECUTION, detail, fix);
}

/** What one execution (its nested template calls included) has spent. */
interface Budget {
  steps: number;
  work: number;
  /** The tree sizes of the lists and maps functions returned, which later results may share. */
  readonly sizes: WeakMap<object, number>;
}

/**
 * The size of a value as printing or serialising it would walk it: a string's length, a list's
 * or a map's items and, recursively, theirs. A list that holds one list twice counts it twice,
 * so `list $x $x` in a loop doubles its size each time, as its printed form does. Sizes of
 * nested values are remembered; the value itself is measured afresh, as `set` may have changed
 * it. A list or map that contains itself counts 1 there (printing it overflows the stack, which
 * the preview reports).
 */
function treeSize(v: Value, sizes: WeakMap<object, number>, open = new Set<object>()): number {
  if (typeof v === 'string') {
    return v.length;
  }
  if (!isList(v) && !isMap(v)) {
    return 1;
  }
  if (open.has(v)) {
    return 1;
  }
  open.add(v);
  let size = 1;
  for (const item of isList(v) ? v : Object.values(v)) {
    if (!isList(item) && !isMap(item)) {
      size += treeSize(item, sizes, open);
      continue;
    }
    let inner = sizes.get(item);
    if (inner === undefined) {
      inner = treeSize(item, sizes, open);
      sizes.set(item, inner);
    }
    size += inner;
  }
  open.delete(v);
  return size;
}

interface Variable {
  readonly name: string;
  value: Value;
}

class State {
  private vars: Variable[];
  public out = '';

  constructor(
    private readonly templates: TemplateSet,
    private readonly missingKey: MissingKeyOption,
    root: Value,
    private readonly depth = 0,
    private readonly budget: Budget = { steps: 0, work: 0, sizes: new WeakMap() },
  ) {
    this.vars = [{ name: '$', value: root }];
  }

  // ---- variables

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private setVar(name: string, value: Value): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    throw execution(`undefined variable: ${name}`);
  }

  private varValue(name: string): Value {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        return this.vars[i]!.value;
      }
    }
    throw execution(`undefined variable: ${name}`);
  }

  // ---- walking the tree

  public walkList(dot: Value, list: ListNode): void {
    for (const node of list.nodes) {
      this.walk(dot, node);
    }
  }

  private tick(): void {
    if (++this.budget.steps > MAX_STEPS) {
      throw unsupported(`more than ${MAX_STEPS} steps of execution (a range over a very large integer?)`);
    }
  }

  /**
   * Counts `size` against the work budget; `what` names what spent the last of it (a function
   * and the sizes involved, never a value).
   */
  private spend(size: number, what: () => string, fix = SPEND_FIX): void {
    this.budget.work += size;
    if (this.budget.work > MAX_WORK) {
      throw unsupported(
        `more than ${MAX_WORK} units of work in one execution (characters and items built, steps of regular-expression searches, values compared), the last spent by ${what()}`,
        fix,
      );
    }
  }

  /** What functions charge for work that the size of their result does not show. */
  private readonly meter: CallMeter = {
    charge: (units, what, fix) => this.spend(units, what, fix),
  };

  /** Appends rendered text, within the rendered size bound. */
  private write(text: string): void {
    this.spend(text.length, () => `writing ${text.length} characters of output (a template that calls itself twice?)`);
    if (this.out.length + text.length > MAX_RENDERED_CHARS) {
      throw unsupported(
        `rendering more than ${MAX_RENDERED_CHARS} characters (1.5 MiB, more than the Kubernetes API server stores in one Application)`,
        'Render less text into the field; no Application Argo CD could create holds it.',
      );
    }
    this.out += text;
  }

  private walk(dot: Value, node: TreeNode): void {
    this.tick();
    switch (node.type) {
      case 'text':
        this.write(node.text);
        return;
      case 'action': {
        const v = this.pipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.write(v === undefined ? '<no value>' : formatValue(v, 'v'));
        }
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.mark();
        const v = this.pipeline(dot, node.pipe);
        if (isTrue(v)) {
          this.walkList(node.type === 'with' ? v : dot, node.list);
        } else if (node.elseList) {
          this.walkList(dot, node.elseList);
        }
        this.pop(mark);
        return;
      }
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      default:
        throw new LoopControl(node.type);
    }
  }

  private walkRange(
    dot: Value,
    node: { readonly pipe: Pipe; readonly list: ListNode; readonly elseList?: ListNode; readonly src: string },
  ): void {
    const outer = this.mark();
    const { decl, isAssign } = node.pipe;
    const val = this.pipeline(dot, node.pipe);
    const mark = this.mark();
    const oneIteration = (index: Value, elem: Value): boolean => {
      this.tick();
      if (decl.length > 0) {
        if (isAssign) {
          this.setVar(decl[0]!, decl.length > 1 ? index : elem);
        } else {
          this.vars[this.vars.length - 1]!.value = elem;
        }
      }
      if (decl.length > 1) {
        if (isAssign) {
          this.setVar(decl[1]!, elem);
        } else {
          this.vars[this.vars.length - 2]!.value = index;
        }
      }
      try {
        this.walkList(elem, node.list);
      } catch (e) {
        if (!(e instanceof LoopControl)) {
          throw e;
        }
        if (e.kind === 'break') {
          return false;
        }
      } finally {
        this.pop(mark);
      }
      return true;
    };
    let ran = false;
    if (isList(val)) {
      ran = val.length > 0;
      for (let i = 0; i < val.length && oneIteration(i, val[i]); i++) {
        // iterate
      }
    } else if (isMap(val)) {
      const keys = Object.keys(val).sort(compareGoStrings);
      ran = keys.length > 0;
      for (let i = 0; i < keys.length && oneIteration(keys[i], val[keys[i]!]); i++) {
        // iterate
      }
    } else if (typeof val === 'number' || val instanceof GoInt64) {
      if (decl.length > 1) {
        throw execution(`${node.src}: can't use an integer to iterate over more than one variable`);
      }
      // Go ranges over an integer of any type; each element has the integer's type.
      const count = typeof val === 'number' ? val : val.value;
      const element = (i: number): Value => (typeof val === 'number' ? i : new GoInt64(i));
      ran = count > 0;
      for (let i = 0; i < count && oneIteration(undefined, element(i)); i++) {
        // iterate
      }
    } else if (val !== undefined && val !== null) {
      throw execution(`${node.src}: range can't iterate over a value of type ${goTypeName(val)}`);
    }
    if (!ran && node.elseList) {
      this.walkList(dot, node.elseList);
    }
    this.pop(outer);
  }

  private walkTemplate(dot: Value, node: TreeNode & { type: 'template' }): void {
    const tree = this.templates.get(node.name);
    if (!tree) {
      throw execution(`${node.src}: template ${JSON.stringify(node.name)} not defined`);
    }
    if (this.depth >= MAX_TEMPLATE_DEPTH) {
      throw unsupported(
        `templates nested more than ${MAX_TEMPLATE_DEPTH} deep (Go allows 100000 before it fails with "exceeded maximum template depth")`,
      );
    }
    const newDot = node.pipe ? this.pipeline(dot, node.pipe) : undefined;
    const inner = new State(this.templates, this.missingKey, newDot, this.depth + 1, this.budget);
    inner.walkList(newDot, tree);
    this.write(inner.out);
  }

  // ---- evaluating pipelines

  public pipeline(dot: Value, pipe: Pipe): Value {
    let value: Final = NO_FINAL;
    for (const cmd of pipe.cmds) {
      const v: Value = this.command(dot, cmd, value);
      // A nil interface result becomes no value, as Go unwraps interface{} results.
      value = v === null ? undefined : v;
    }
    const result = value === NO_FINAL ? undefined : value;
    for (const name of pipe.decl) {
      if (pipe.isAssign) {
        this.setVar(name, result);
      } else {
        this.vars.push({ name, value: result });
      }
    }
    return result;
  }

  private command(dot: Value, cmd: Command, final: Final): Value {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.fieldChain(dot, dot, '', first.idents, first.src, cmd.args, final);
      case 'chain':
        return this.chain(dot, first, cmd.args, final);
      case 'identifier':
        return this.call(dot, first, cmd.args, final);
      case 'variable':
        return this.variable(dot, first, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.pipeline(dot, first.pipe);
      case 'dot':
        this.notAFunction(cmd.args, final);
        return dot;
      case 'nil':
        this.notAFunction(cmd.args, final);
        throw execution(`<nil>: nil is not a command`);
      case 'number':
        this.notAFunction(cmd.args, final);
        return this.idealConstant(first);
      default:
        this.notAFunction(cmd.args, final);
        return first.value;
    }
  }

  private notAFunction(args: readonly Arg[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) {
      throw execution(`<${args.map((a) => a.src).join(' ')}>: can't give argument to non-function ${args[0]!.src}`);
    }
  }

  /** Go's `idealConstant`: an untyped number literal is an int, or a float64 when written as one. */
  private idealConstant(node: Arg & { type: 'number' }): Value {
    const n = node.num;
    if (isFloatLiteral(n)) {
      return new GoFloat(n.float!);
    }
    if (n.int !== undefined) {
      return Number(n.int);
    }
    throw execution(`<${node.src}>: ${node.src} overflows int`);
  }

  private variable(dot: Value, node: Arg & { type: 'variable' }, args: readonly Arg[], final: Final): Value {
    const value = this.varValue(node.idents[0]!);
    if (node.idents.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.fieldChain(dot, value, node.idents[0]!, node.idents.slice(1), node.src, args, final);
  }

  private chain(dot: Value, node: Arg & { type: 'chain' }, args: readonly Arg[], final: Final): Value {
    const receiver = this.arg(dot, undefined, node.node);
    return this.fieldChain(dot, receiver, node.node.src, node.fields, node.src, args, final);
  }

  private fieldChain(
    _dot: Value,
    receiver: Value,
    base: string,
    idents: readonly string[],
    src: string,
    args: readonly Arg[],
    final: Final,
  ): Value {
    const hasArgs = args.length > 1 || final !== NO_FINAL;
    let value = receiver;
    let path = base;
    // A value read from a map has the map's element type: interface {} but in a string map.
    let staticType: string | undefined;
    idents.forEach((name, i) => {
      const from = value;
      value = this.field(value, name, path, src, i === idents.length - 1 && hasArgs, staticType);
      staticType = isMap(from) && goTypeName(from) === 'map[string]string' ? 'string' : 'interface {}';
      path = `${path}.${name}`;
    });
    return value;
  }

  private field(receiver: Value, name: string, path: string, src: string, hasArgs: boolean, staticType?: string): Value {
    if (receiver === undefined) {
      if (this.missingKey === 'error') {
        throw new TemplateFailure(
          PreviewCode.MISSING_KEY,
          `<${src}>: nil data; no entry for key "${name}"`,
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
      switch (this.missingKey) {
        case 'error': {
          const keys = Object.keys(receiver).sort(compareGoStrings);
          throw new TemplateFailure(
            PreviewCode.MISSING_KEY,
            `<${src}>: map has no entry for key "${name}" (the keys of ${path || '.'} are: ${keys.join(', ') || 'none'})`,
            `Use one of the keys of ${path || '.'}, or fix the spelling.`,
          );
        }
        case 'zero':
          return mapElementZero(receiver);
        default:
          return undefined;
      }
    }
    throw execution(`<${src}>: can't evaluate field ${name} in type ${staticType ?? goTypeName(receiver)}`);
  }

  private call(dot: Value, node: Arg & { type: 'identifier' }, args: readonly Arg[], final: Final): Value {
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
    if (fn === AND || fn === OR) {
      // and/or evaluate their arguments in turn and stop at the one that decides.
      let v: Value = undefined;
      for (const a of actual) {
        v = this.arg(dot, 'value', a, name);
        if (isTrue(v === null ? undefined : v) === (fn === OR)) {
          return v;
        }
      }
      return final === NO_FINAL ? v : final;
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
    if (fn === CALL) {
      const callee = actual.length > 0 ? actual[0]!.src : 'the piped value';
      const f = argv[0] === null ? undefined : argv[0];
      throw execution(
        `<${where()}>: error calling call: ${f === undefined ? 'call of nil' : `non-function ${callee} of type ${goTypeName(f)}`}`,
        'ApplicationSet parameters hold no functions, so call always fails in Argo CD; remove it.',
      );
    }
    try {
      const result = fn.call(argv, this.meter);
      // A map or list changed in place and returned (set, unset, merge…) grew by what it was
      // given, not by its whole size: charging all of it on each call would make building a
      // dict key by key quadratic.
      const inPlace = typeof result === 'object' && result !== null && argv.includes(result);
      const size = inPlace
        ? argv.reduce<number>((n, a) => (a === result ? n + 1 : n + treeSize(a, this.budget.sizes)), 0)
        : treeSize(result, this.budget.sizes);
      this.spend(size, () => `${name} returning a value of ${size} characters and items (a value that grows or doubles in a loop?)`);
      return result;
    } catch (e) {
      if (e instanceof CallFailure) {
        throw execution(`<${where()}>: error calling ${name}: ${e.message}`);
      }
      throw outOfRoom(name, e);
    }
  }

  /** Go's `evalArg`: literals must already have the parameter's type; other nodes are evaluated. */
  private arg(dot: Value, type: ParamType | undefined, node: Arg, fn?: string): Value {
    const where = node.src;
    switch (node.type) {
      case 'dot':
        return this.validate(dot, type, where, fn);
      case 'field':
        return this.validate(this.fieldChain(dot, dot, '', node.idents, node.src, [node], NO_FINAL), type, where, fn);
      case 'variable':
        return this.validate(this.variable(dot, node, [node], NO_FINAL), type, where, fn);
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
    if (node.type === 'nil') {
      if (type === 'map') {
        return nilMap();
      }
      if (type !== undefined && type !== 'any' && type !== 'value') {
        throw execution(`<${where}>: cannot assign nil to ${GO_PARAM_TYPES[type]}${of}`);
      }
      return type === 'value' ? undefined : null;
    }
    const expected = (what: string): TemplateFailure => execution(`<${where}>: expected ${what}; found ${node.src}${of}`);
    switch (type) {
      case 'string':
        if (node.type !== 'string') {
          throw expected('string');
        }
        return node.value;
      case 'int':
        if (node.type !== 'number' || node.num.int === undefined) {
          throw expected('integer');
        }
        return Number(node.num.int);
      case 'bool':
        if (node.type !== 'bool') {
          throw expected('bool');
        }
        return node.value;
      case 'uint32':
        if (node.type !== 'number' || node.num.uint === undefined) {
          throw expected('unsigned integer');
        }
        // reflect's SetUint keeps the low 32 bits.
        return Number(BigInt.asUintN(32, node.num.uint));
      case 'float64':
        if (node.type !== 'number' || node.num.float === undefined) {
          throw expected('float');
        }
        return new GoFloat(node.num.float);
      case 'map':
        throw execution(`<${where}>: can't handle ${node.src} for arg of type ${GO_PARAM_TYPES.map}${of}`);
      default:
        return node.type === 'number' ? this.idealConstant(node) : node.value;
    }
  }

  /** Go's `validateType`: a value passed where `type` is expected; `where` is the expression. */
  private validate(value: Value, type: ParamType | undefined, where: string | (() => string), fn?: string): Value {
    switch (type) {
      case undefined:
      case 'value':
        return value;
      case 'any':
        return value === undefined ? null : value;
      default: {
        if (value !== undefined && hasParamType(value, type)) {
          return value;
        }
        if (value === undefined && type === 'map') {
          // A map can be nil: Go passes the zero map for a missing value.
          return nilMap();
        }
        const at = `<${typeof where === 'string' ? where : where()}>`;
        const of = fn ? ` (argument of ${fn})` : '';
        if (value === undefined) {
          throw execution(`${at}: invalid value; expected ${GO_PARAM_TYPES[type]}${of}: the value is missing`);
        }
        throw execution(`${at}: wrong type for value; expected ${GO_PARAM_TYPES[type]}; got ${goTypeName(value)}${of}`);
      }
    }
  }
}

/** Whether a value is assignable to a typed parameter (no value of the preview is a uint32). */
function hasParamType(value: TemplateValue, type: keyof typeof GO_PARAM_TYPES): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
    case 'float64':
      return value instanceof GoFloat;
    case 'map':
      return isMap(value) && goTypeName(value) === GO_PARAM_TYPES.map;
    default:
      return false;
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
   * @throws GitOpsError `CG703` for invalid syntax (Go's parse error), `CG701` for what the
   * preview does not evaluate (a function it does not know, an imaginary literal, an integer
   * literal beyond 2^53).
   */
  public static parse(text: string): GoTemplate {
    try {
      return new GoTemplate(text, text.includes('{{') ? parseTemplate(text) : new Map([['', { nodes: [{ type: 'text', text }] }]]));
    } catch (e) {
      throw toGitOpsError(text, e);
    }
  }

  private constructor(
    /** The template source. */
    public readonly text: string,
    private readonly templates: TemplateSet,
  ) {}

  /** Whether the template has no actions, so it renders as its own text. */
  public get isConstant(): boolean {
    return this.templates.get('')!.nodes.every((node) => node.type === 'text');
  }

  /**
   * Executes the template against `data`.
   *
   * @throws GitOpsError `CG702` for a missing key with `missingKey: 'error'`, `CG704` when
   * evaluation fails as it fails in Go (index out of range, wrong argument type or count,
   * incompatible comparison), `CG701` for what the preview does not evaluate.
   */
  public execute(data: TemplateValue, options: GoTemplateExecuteOptions = {}): string {
    const state = new State(this.templates, options.missingKey ?? 'default', data);
    try {
      state.walkList(data, this.templates.get('')!);
    } catch (e) {
      throw toGitOpsError(this.text, e);
    }
    // Argo CD writes the Application as JSON, where bytes that are not UTF-8 become U+FFFD.
    return toValidUtf8(state.out);
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
 * @throws GitOpsError `CG708` for an option Go does not know (Go panics on it).
 */
export function parseGoTemplateOptions(options: readonly string[]): GoTemplateExecuteOptions {
  let missingKey: MissingKeyOption = 'default';
  for (const option of options) {
    const m = /^missingkey=(default|invalid|zero|error)$/.exec(option);
    if (!m) {
      const panic = option === '' ? 'empty option string' : `unrecognized option: ${option}`;
      throw GitOpsError.of(PreviewCode.INVALID_APPLICATIONSET, {
        message: `Go template option ${show(option)} is not recognised (Go panics: ${panic}).`,
        fix: 'Use "missingkey=error" (recommended), "missingkey=default", "missingkey=invalid" or "missingkey=zero".',
      });
    }
    missingKey = m[1] as MissingKeyOption;
  }
  return { missingKey };
}

function toGitOpsError(text: string, e: unknown): unknown {
  const template = `Template ${show(text)}`;
  if (e instanceof RangeError && /Invalid string length|Invalid array length/.test(e.message)) {
    return GitOpsError.of(PreviewCode.UNSUPPORTED_TEMPLATE, {
      message: `${template} builds a value longer than the offline preview holds.`,
      fix: SPEND_FIX,
    });
  }
  if (e instanceof RangeError && /call stack/.test(e.message)) {
    return GitOpsError.of(PreviewCode.UNSUPPORTED_TEMPLATE, {
      message: `${template} nests deeper than the offline preview evaluates.`,
      fix: UNSUPPORTED_FIX,
    });
  }
  if (!(e instanceof TemplateFailure)) {
    return e;
  }
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
