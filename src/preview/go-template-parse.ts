import { GO_BUILTINS } from './go-builtins';
import { GoNumber, NumberSyntaxError, parseGoNumber } from './go-number';
import { fromGoBytes, isGoSpace, toGoBytes } from './go-strings';
import { lexTemplate, showToken, Token, TokenKind } from './go-template-lex';
import { PreviewCode } from './problems';
import { TEMPLATE_FUNCTIONS, TemplateFunction } from './template-functions';
import { TemplateFailure, unsupported } from './template-values';

/*
 * The parser of Go's text/template (text/template/parse/parse.go): the tokens of
 * go-template-lex.ts become a tree per template (the main one, named "", and each
 * {{define}}/{{block}}), with Go's parse errors and its scoping of variables. go-template.ts
 * executes the trees.
 */

export const UNSUPPORTED_FIX =
  "Rewrite this part of the template with Go's text/template language, Go's builtins and the Sprig and Argo CD functions the preview evaluates, or preview this template with Argo CD itself (argocd appset generate).";
export const SYNTAX_FIX = 'Correct the template syntax; Argo CD rejects this template too.';

/**
 * The function a name calls, as Go finds it in Argo CD: Argo CD's function map (Sprig's and its
 * own, {@link TEMPLATE_FUNCTIONS}) before Go's builtins, so Sprig's `slice` hides Go's. Argo CD's
 * functions the preview does not evaluate are in that map and fail with CG701 when called; a
 * name nobody defines is Go's parse error.
 */
function lookupFunction(name: string): TemplateFunction {
  const fn = TEMPLATE_FUNCTIONS.get(name) ?? GO_BUILTINS.get(name);
  if (!fn) {
    throw syntax(`function ${JSON.stringify(name)} not defined`);
  }
  return fn;
}

// ---------------------------------------------------------------------------------------
// Syntax tree

/** An operand of a command. */
export type Arg =
  | { readonly type: 'field'; readonly idents: readonly string[]; readonly src: string }
  /** `$x.a.b`: idents[0] is the variable's name. */
  | { readonly type: 'variable'; readonly idents: readonly string[]; readonly src: string }
  | { readonly type: 'dot'; readonly src: string }
  | { readonly type: 'nil'; readonly src: string }
  | { readonly type: 'identifier'; readonly name: string; readonly fn: TemplateFunction; readonly src: string }
  | { readonly type: 'string'; readonly value: string; readonly src: string }
  | { readonly type: 'number'; readonly num: GoNumber; readonly src: string }
  | { readonly type: 'bool'; readonly value: boolean; readonly src: string }
  | { readonly type: 'pipe'; readonly pipe: Pipe; readonly src: string }
  | { readonly type: 'chain'; readonly node: Arg; readonly fields: readonly string[]; readonly src: string };

export interface Command {
  readonly args: readonly Arg[];
}

export interface Pipe {
  /** The variables the pipeline declares (`$x :=`) or assigns (`$x =`). */
  readonly decl: readonly string[];
  readonly isAssign: boolean;
  readonly cmds: readonly Command[];
}

/** A node of a template's list. */
export type TreeNode =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'action'; readonly pipe: Pipe; readonly src: string }
  | {
      readonly type: 'if' | 'with' | 'range';
      readonly pipe: Pipe;
      readonly list: ListNode;
      readonly elseList?: ListNode;
      readonly src: string;
    }
  | { readonly type: 'template'; readonly name: string; readonly pipe?: Pipe; readonly src: string }
  | { readonly type: 'break' | 'continue'; readonly src: string };

export interface ListNode {
  readonly nodes: readonly TreeNode[];
}

/** The templates of one parse, by name; the main template is "". */
export type TemplateSet = ReadonlyMap<string, ListNode>;

type Control = { readonly type: 'end' | 'else'; readonly src: string };

const isControl = (n: TreeNode | Control): n is Control => n.type === 'end' || n.type === 'else';

// ---------------------------------------------------------------------------------------
// Parser

function syntax(detail: string): TemplateFailure {
  return new TemplateFailure(PreviewCode.TEMPLATE_SYNTAX, detail, SYNTAX_FIX);
}

const ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/**
 * Go's `strconv.Unquote` for a double-quoted literal. A byte escape above 0x7f (`\xc3`,
 * `\303`) is a byte, not a character: bytes that spell UTF-8 together are its character,
 * others stay raw bytes (see go-strings.ts).
 */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  let out = '';
  let rawBytes = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = body[++i];
    if (e !== undefined && ESCAPES[e] !== undefined) {
      out += ESCAPES[e];
      continue;
    }
    const digits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : e !== undefined && /[0-7]/.test(e) ? 3 : 0;
    const raw = e === 'x' || e === 'u' || e === 'U' ? body.slice(i + 1, i + 1 + digits) : body.slice(i, i + digits);
    const valid = digits > 0 && raw.length === digits && (/[0-7]/.test(e!) ? /^[0-7]{3}$/.test(raw) : /^[0-9a-fA-F]+$/.test(raw));
    if (!valid) {
      throw syntax('invalid syntax');
    }
    const code = parseInt(raw, /[0-7]/.test(e!) ? 8 : 16);
    i += e === 'x' || e === 'u' || e === 'U' ? digits : digits - 1;
    if ((e === 'x' || /[0-7]/.test(e!)) && code >= 0x80) {
      if (code > 0xff) {
        throw syntax('invalid syntax');
      }
      out += String.fromCharCode(0xdc00 + code);
      rawBytes = true;
      continue;
    }
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw syntax('invalid syntax');
    }
    out += String.fromCodePoint(code);
  }
  return rawBytes ? fromGoBytes(toGoBytes(out)) : out;
}

/** Go's `parse.IsEmptyTree`: only white-space text. */
function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.type === 'text' && [...n.text].every(isGoSpace));
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  public readonly treeSet = new Map<string, ListNode>();

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  // ---- tokens

  private next(): Token {
    return this.tokens[Math.min(this.i++, this.tokens.length - 1)]!;
  }

  private backup(): void {
    this.i--;
  }

  private peek(): Token {
    return this.tokens[Math.min(this.i, this.tokens.length - 1)]!;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.kind === 'space') {
      t = this.next();
    }
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private expect(kind: TokenKind, context: string): Token {
    const t = this.nextNonSpace();
    if (t.kind !== kind) {
      this.unexpected(t, context);
    }
    return t;
  }

  private unexpected(t: Token, context: string): never {
    if (t.kind === 'error') {
      throw syntax(t.val);
    }
    throw syntax(`unexpected ${showToken(t)} in ${context}`);
  }

  private srcFrom(start: number): string {
    const last = this.tokens[Math.min(this.i, this.tokens.length) - 1]!;
    return this.text.slice(start, last.pos + last.val.length);
  }

  // ---- templates

  /** Parses the main template and its definitions. */
  public parse(): void {
    const nodes: TreeNode[] = [];
    while (this.peek().kind !== 'eof') {
      if (this.peek().kind === 'leftDelim') {
        const mark = this.i;
        this.next();
        if (this.nextNonSpace().kind === 'define') {
          this.inNewTree(() => this.definition());
          continue;
        }
        this.i = mark;
      }
      const n = this.textOrAction();
      if (isControl(n)) {
        throw syntax(`unexpected {{${n.type}}}`);
      }
      nodes.push(n);
    }
    this.add('', { nodes });
  }

  private inNewTree<T>(parse: () => T): T {
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      return parse();
    } finally {
      this.vars = saved.vars;
      this.rangeDepth = saved.rangeDepth;
    }
  }

  private add(name: string, list: ListNode): void {
    const existing = this.treeSet.get(name);
    if (existing === undefined || isEmptyTree(existing)) {
      this.treeSet.set(name, list);
      return;
    }
    if (!isEmptyTree(list)) {
      throw syntax(`template: multiple definition of template ${JSON.stringify(name)}`);
    }
  }

  private definition(): void {
    const context = 'define clause';
    const t = this.nextNonSpace();
    if (t.kind !== 'string' && t.kind !== 'rawString') {
      this.unexpected(t, context);
    }
    const name = this.stringValue(t);
    this.expect('rightDelim', context);
    const [list, end] = this.itemList();
    if (end.type !== 'end') {
      throw syntax(`unexpected {{${end.type}}} in ${context}`);
    }
    this.add(name, list);
  }

  private stringValue(t: Token): string {
    return t.kind === 'rawString' ? t.val.slice(1, -1).replace(/\r/g, '') : unquote(t.val);
  }

  private itemList(): [ListNode, Control] {
    const nodes: TreeNode[] = [];
    while (this.peekNonSpace().kind !== 'eof') {
      const n = this.textOrAction();
      if (isControl(n)) {
        return [{ nodes }, n];
      }
      nodes.push(n);
    }
    throw syntax('unexpected EOF');
  }

  private textOrAction(): TreeNode | Control {
    const t = this.nextNonSpace();
    if (t.kind === 'text') {
      return { type: 'text', text: t.val };
    }
    if (t.kind === 'leftDelim') {
      return this.action(t.pos);
    }
    return this.unexpected(t, 'input');
  }

  private action(start: number): TreeNode | Control {
    const t = this.nextNonSpace();
    switch (t.kind) {
      case 'block':
        return this.blockControl(start);
      case 'else':
        return this.elseControl(start);
      case 'end':
        this.expect('rightDelim', 'end');
        return { type: 'end', src: this.srcFrom(start) };
      case 'if':
      case 'range':
      case 'with':
        return this.control(t.kind, start);
      case 'template':
        return this.templateControl(start);
      case 'break':
      case 'continue': {
        const after = this.nextNonSpace();
        if (after.kind !== 'rightDelim') {
          this.unexpected(after, `{{${t.kind}}}`);
        }
        if (this.rangeDepth === 0) {
          throw syntax(`{{${t.kind}}} outside {{range}}`);
        }
        return { type: t.kind, src: this.srcFrom(start) };
      }
      default:
        break;
    }
    this.backup();
    const pipe = this.pipeline('command', 'rightDelim');
    return { type: 'action', pipe, src: this.srcFrom(start) };
  }

  private elseControl(start: number): Control {
    const peek = this.peekNonSpace();
    if (peek.kind !== 'if' && peek.kind !== 'with') {
      this.expect('rightDelim', 'else');
    }
    return { type: 'else', src: this.srcFrom(start) };
  }

  private control(kind: 'if' | 'range' | 'with', start: number): TreeNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(kind, 'rightDelim');
      const src = this.srcFrom(start);
      if (kind === 'range') {
        this.rangeDepth++;
      }
      const [list, next] = this.itemList();
      if (kind === 'range') {
        this.rangeDepth--;
      }
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        // "else if" and "else with" read as {{else}}{{if …}}…{{end}}{{end}} with one {{end}}.
        const chained = this.peek().kind;
        if ((kind === 'if' && chained === 'if') || (kind === 'with' && chained === 'with')) {
          const at = this.next().pos;
          elseList = { nodes: [this.control(kind, at)] };
        } else {
          const [list2, end] = this.itemList();
          if (end.type !== 'end') {
            throw syntax(`expected end; found {{${end.type}}}`);
          }
          elseList = list2;
        }
      }
      return { type: kind, pipe, list, elseList, src };
    } finally {
      this.vars.length = mark;
    }
  }

  private templateName(t: Token, context: string): string {
    if (t.kind !== 'string' && t.kind !== 'rawString') {
      this.unexpected(t, context);
    }
    return this.stringValue(t);
  }

  private templateControl(start: number): TreeNode {
    const context = 'template clause';
    const name = this.templateName(this.nextNonSpace(), context);
    let pipe: Pipe | undefined;
    if (this.nextNonSpace().kind !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', name, pipe, src: this.srcFrom(start) };
  }

  private blockControl(start: number): TreeNode {
    const context = 'block clause';
    const name = this.templateName(this.nextNonSpace(), context);
    const pipe = this.pipeline(context, 'rightDelim');
    const src = this.srcFrom(start);
    this.inNewTree(() => {
      const [list, end] = this.itemList();
      if (end.type !== 'end') {
        throw syntax(`unexpected {{${end.type}}} in ${context}`);
      }
      this.add(name, list);
    });
    return { type: 'template', name, pipe, src };
  }

  // ---- pipelines

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): Pipe {
    const decl: string[] = [];
    let isAssign = false;
    for (;;) {
      const v = this.peekNonSpace();
      if (v.kind !== 'variable') {
        break;
      }
      const mark = this.i;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.kind === 'assign' || next.kind === 'declare') {
        isAssign = next.kind === 'assign';
        this.nextNonSpace();
        decl.push(v.val);
        this.vars.push(v.val);
        break;
      }
      if (next.kind === 'char' && next.val === ',') {
        this.nextNonSpace();
        decl.push(v.val);
        this.vars.push(v.val);
        if (context === 'range' && decl.length < 2) {
          const after = this.peekNonSpace().kind;
          if (after === 'variable' || after === 'rightDelim' || after === 'rightParen') {
            continue;
          }
          throw syntax('range can only initialize variables');
        }
        throw syntax(`too many declarations in ${context}`);
      }
      this.i = mark;
      break;
    }
    const cmds: Command[] = [];
    for (;;) {
      const t = this.nextNonSpace();
      if (t.kind === end) {
        this.checkPipeline(cmds, context);
        if (end === 'rightParen') {
          this.backup();
        }
        return { decl, isAssign, cmds };
      }
      switch (t.kind) {
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(cmds: readonly Command[], context: string): void {
    if (cmds.length === 0) {
      throw syntax(`missing value for ${context}`);
    }
    cmds.slice(1).forEach((cmd, k) => {
      const first = cmd.args[0]!.type;
      if (first === 'bool' || first === 'dot' || first === 'nil' || first === 'number' || first === 'string') {
        throw syntax(`non executable command in pipeline stage ${k + 2}`);
      }
    });
  }

  private command(): Command {
    const args: Arg[] = [];
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) {
        args.push(operand);
      }
      const t = this.next();
      if (t.kind === 'space') {
        continue;
      }
      if (t.kind === 'rightDelim' || t.kind === 'rightParen') {
        this.backup();
      } else if (t.kind !== 'pipe') {
        if (t.kind === 'error') {
          throw syntax(t.val);
        }
        throw syntax(`unexpected ${showToken(t)} in operand`);
      }
      break;
    }
    if (args.length === 0) {
      throw syntax('empty command');
    }
    return { args };
  }

  private operand(): Arg | undefined {
    const start = this.peekNonSpace().pos;
    const node = this.term();
    if (!node || this.peek().kind !== 'field') {
      return node;
    }
    const fields: string[] = [];
    while (this.peek().kind === 'field') {
      fields.push(this.next().val.slice(1));
    }
    const src = this.srcFrom(start);
    switch (node.type) {
      case 'field':
        return { type: 'field', idents: [...node.idents, ...fields], src };
      case 'variable':
        return { type: 'variable', idents: [...node.idents, ...fields], src };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        throw syntax(`unexpected . after term ${JSON.stringify(node.src)}`);
      default:
        return { type: 'chain', node, fields, src };
    }
  }

  private term(): Arg | undefined {
    const t = this.nextNonSpace();
    switch (t.kind) {
      case 'error':
        throw syntax(t.val);
      case 'identifier': {
        return { type: 'identifier', name: t.val, fn: lookupFunction(t.val), src: t.val };
      }
      case 'dot':
        return { type: 'dot', src: '.' };
      case 'nil':
        return { type: 'nil', src: 'nil' };
      case 'variable':
        return this.useVar(t.val);
      case 'field':
        return { type: 'field', idents: [t.val.slice(1)], src: t.val };
      case 'bool':
        return { type: 'bool', value: t.val === 'true', src: t.val };
      case 'complex':
        throw unsupported(`the complex number ${t.val} (Argo CD's parameters hold no complex numbers)`);
      case 'charConstant':
      case 'number':
        return this.number(t.val);
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
        const close = this.next();
        if (close.kind !== 'rightParen') {
          throw syntax(`unclosed right paren: unexpected ${showToken(close)}`);
        }
        return { type: 'pipe', pipe, src: this.text.slice(t.pos, close.pos + 1) };
      }
      case 'string':
      case 'rawString':
        return { type: 'string', value: this.stringValue(t), src: t.val };
      default:
        this.backup();
        return undefined;
    }
  }

  private number(text: string): Arg {
    if (text.endsWith('i') && !text.startsWith("'") && !/^[+-]?0[xX]/.test(text)) {
      throw unsupported(`the imaginary number ${text} (Argo CD's parameters hold no complex numbers)`);
    }
    let num: GoNumber;
    try {
      num = parseGoNumber(text);
    } catch (e) {
      if (e instanceof NumberSyntaxError) {
        throw syntax(e.message);
      }
      throw e;
    }
    const exact = (v: bigint | undefined) => v === undefined || BigInt(Number(v)) === v;
    if (!exact(num.int) || !exact(num.uint)) {
      throw unsupported(`the integer ${text} (beyond 2^53, which the preview cannot hold exactly)`);
    }
    return { type: 'number', num, src: text };
  }

  private useVar(name: string): Arg {
    if (!this.vars.includes(name)) {
      throw syntax(`undefined variable ${JSON.stringify(name)}`);
    }
    return { type: 'variable', idents: [name], src: name };
  }
}

/** Parses a template and the templates it defines, as Go's `Template.Parse` does. */
export function parseTemplate(text: string): TemplateSet {
  const parser = new Parser(text, lexTemplate(text));
  parser.parse();
  return parser.treeSet;
}
