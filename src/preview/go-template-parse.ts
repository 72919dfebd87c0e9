import { compareGoStrings } from './go-strings';
import { PreviewCode } from './problems';
import { TEMPLATE_FUNCTIONS, TemplateFunction } from './template-functions';
import { TemplateFailure, unsupported } from './template-values';

/*
 * The parser of the Go text/template subset the preview evaluates (see go-template.ts): the
 * lexer of one action, the parser of its pipeline, and the split of a template into text and
 * actions. It makes the syntax tree; go-template.ts executes it.
 */

const SUPPORTED_FUNCTIONS = [...TEMPLATE_FUNCTIONS.keys()].sort(compareGoStrings).join(', ');
export const UNSUPPORTED_FIX = `Use only fields (.path.path), $, parentheses, pipelines, string and integer literals and the functions ${SUPPORTED_FUNCTIONS}; preview anything else with Argo CD itself (argocd appset generate).`;
export const SYNTAX_FIX = 'Correct the template syntax; Argo CD rejects this template too.';
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

// ---------------------------------------------------------------------------------------
// Syntax tree

export type Node =
  | { readonly type: 'field'; readonly idents: readonly string[]; readonly src: string }
  | { readonly type: 'variable'; readonly idents: readonly string[]; readonly src: string }
  | { readonly type: 'dot'; readonly src: string }
  | { readonly type: 'identifier'; readonly name: string; readonly fn: TemplateFunction; readonly src: string }
  | { readonly type: 'string'; readonly value: string; readonly src: string }
  | { readonly type: 'number'; readonly value: number; readonly src: string }
  | { readonly type: 'bool'; readonly value: boolean; readonly src: string }
  | { readonly type: 'pipe'; readonly pipe: Pipe; readonly src: string }
  | { readonly type: 'chain'; readonly node: Node; readonly fields: readonly string[]; readonly src: string };

export interface Command {
  readonly args: readonly Node[];
}

export interface Pipe {
  readonly cmds: readonly Command[];
}

export type Item = { readonly text: string } | { readonly pipe: Pipe; readonly src: string };

// ---------------------------------------------------------------------------------------
// Lexer (inside one action)

type TokenKind =
  | 'space'
  | 'field'
  | 'dot'
  | 'variable'
  | 'identifier'
  | 'string'
  | 'rawString'
  | 'number'
  | 'bool'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'char'
  | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly val: string;
  readonly pos: number;
}

const isSpace = (ch: string | undefined) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const ALNUM = /^[\p{L}\p{Nd}_]$/u;

function syntax(detail: string): TemplateFailure {
  return new TemplateFailure(PreviewCode.TEMPLATE_SYNTAX, detail, SYNTAX_FIX);
}

function hasLeftTrimMarker(text: string, pos: number): boolean {
  return text[pos] === '-' && isSpace(text[pos + 1]);
}

function rightDelimAt(text: string, pos: number): { end: number; trim: boolean } | undefined {
  if (isSpace(text[pos]) && text[pos + 1] === '-' && text.startsWith('}}', pos + 2)) {
    return { end: pos + 4, trim: true };
  }
  if (text.startsWith('}}', pos)) {
    return { end: pos + 2, trim: false };
  }
  return undefined;
}

function alnumEnd(text: string, pos: number): number {
  let q = pos;
  while (q < text.length) {
    const ch = String.fromCodePoint(text.codePointAt(q)!);
    if (!ALNUM.test(ch)) {
      break;
    }
    q += ch.length;
  }
  return q;
}

function atTerminator(text: string, pos: number): boolean {
  if (pos >= text.length) {
    return true;
  }
  const ch = text[pos]!;
  return isSpace(ch) || '.,|:()'.includes(ch) || text.startsWith('}}', pos);
}

function checkTerminator(text: string, pos: number): void {
  if (!atTerminator(text, pos)) {
    throw syntax(`bad character ${JSON.stringify(String.fromCodePoint(text.codePointAt(pos)!))}`);
  }
}

/** Lexes one action starting after `{{` (and its trim marker); returns tokens and where it ends. */
function lexAction(text: string, start: number): { tokens: Token[]; end: number; trim: boolean } {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, from: number, to: number) => tokens.push({ kind, val: text.slice(from, to), pos: from });
  let pos = start;
  let depth = 0;
  for (;;) {
    const delim = rightDelimAt(text, pos);
    if (delim) {
      if (depth > 0) {
        throw syntax('unclosed left paren');
      }
      tokens.push({ kind: 'end', val: '}}', pos });
      return { tokens, end: delim.end, trim: delim.trim };
    }
    if (pos >= text.length) {
      throw syntax('unclosed action');
    }
    const ch = text[pos]!;
    if (isSpace(ch)) {
      let q = pos;
      while (isSpace(text[q])) {
        q++;
      }
      // Leave the space of a trim-marked closing delimiter " -}}".
      if (text[q] === '-' && text.startsWith('}}', q + 1)) {
        q--;
      }
      if (q > pos) {
        push('space', pos, q);
      }
      pos = q;
      continue;
    }
    switch (ch) {
      case '|':
        push('pipe', pos, pos + 1);
        pos++;
        continue;
      case '(':
        push('leftParen', pos, pos + 1);
        depth++;
        pos++;
        continue;
      case ')':
        depth--;
        if (depth < 0) {
          throw syntax('unexpected right paren');
        }
        push('rightParen', pos, pos + 1);
        pos++;
        continue;
      case '"': {
        let q = pos + 1;
        for (;;) {
          const c = text[q];
          if (c === '\\' && text[q + 1] !== undefined && text[q + 1] !== '\n') {
            q += 2;
            continue;
          }
          if (c === undefined || c === '\n' || c === '\\') {
            throw syntax('unterminated quoted string');
          }
          if (c === '"') {
            break;
          }
          q++;
        }
        push('string', pos, q + 1);
        pos = q + 1;
        continue;
      }
      case '`': {
        const q = text.indexOf('`', pos + 1);
        if (q < 0) {
          throw syntax('unterminated raw quoted string');
        }
        push('rawString', pos, q + 1);
        pos = q + 1;
        continue;
      }
      case '$': {
        const q = alnumEnd(text, pos + 1);
        checkTerminator(text, q);
        if (q > pos + 1) {
          throw unsupported(`the variable ${text.slice(pos, q)} (only $ is supported)`);
        }
        push('variable', pos, q);
        pos = q;
        continue;
      }
      case "'":
        throw unsupported('character constants');
      case ':':
        throw text[pos + 1] === '=' ? unsupported('variable declarations (:=)') : syntax('expected :=');
      case '=':
        throw unsupported('variable assignments (=)');
      case '.': {
        if (!/[0-9]/.test(text[pos + 1] ?? '')) {
          if (atTerminator(text, pos + 1)) {
            push('dot', pos, pos + 1);
            pos++;
            continue;
          }
          const q = alnumEnd(text, pos + 1);
          checkTerminator(text, q);
          push('field', pos, q);
          pos = q;
          continue;
        }
        break;
      }
      default:
        break;
    }
    if (ch === '+' || ch === '-' || ch === '.' || /[0-9]/.test(ch)) {
      let q = pos + (ch === '+' || ch === '-' ? 1 : 0);
      while (q < text.length && /[0-9A-Za-z_.]/.test(text[q]!)) {
        q++;
        if (/[eEpP]/.test(text[q - 1]!) && (text[q] === '+' || text[q] === '-')) {
          q++;
        }
      }
      const literal = text.slice(pos, q);
      if (!/^[+-]?(0|[1-9][0-9]*)$/.test(literal)) {
        throw /[0-9]/.test(literal)
          ? unsupported(`the number literal ${literal} (only decimal integers are supported)`)
          : syntax(`bad number syntax: ${JSON.stringify(literal)}`);
      }
      if (!Number.isSafeInteger(Number(literal))) {
        throw unsupported(`the number literal ${literal} (too large)`);
      }
      checkTerminator(text, q);
      push('number', pos, q);
      pos = q;
      continue;
    }
    const q = alnumEnd(text, pos);
    if (q > pos) {
      checkTerminator(text, q);
      const word = text.slice(pos, q);
      if (KEYWORDS.has(word)) {
        throw unsupported(`"${word}" actions`);
      }
      if (word === 'nil') {
        throw unsupported('nil');
      }
      push(word === 'true' || word === 'false' ? 'bool' : 'identifier', pos, q);
      pos = q;
      continue;
    }
    if (ch >= ' ' && ch <= '~') {
      push('char', pos, pos + 1);
      pos++;
      continue;
    }
    throw syntax(`unrecognized character in action: ${JSON.stringify(ch)}`);
  }
}

// ---------------------------------------------------------------------------------------
// Parser (Go's text/template/parse, restricted to pipelines)

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

/** Go's `strconv.Unquote` for a double-quoted literal. */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  let out = '';
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
      throw syntax(`invalid escape in string literal ${literal}`);
    }
    const code = parseInt(raw, /[0-7]/.test(e!) ? 8 : 16);
    i += e === 'x' || e === 'u' || e === 'U' ? digits : digits - 1;
    if ((e === 'x' || /[0-7]/.test(e!)) && code >= 0x80) {
      if (code > 0xff) {
        throw syntax(`invalid escape in string literal ${literal}`);
      }
      throw unsupported(`the byte escape in ${literal} (a byte above 0x7f is not a character)`);
    }
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw syntax(`invalid escape in string literal ${literal}`);
    }
    out += String.fromCodePoint(code);
  }
  return out;
}

class Parser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  public action(): Pipe {
    return this.pipeline('command', 'end');
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private backup(): void {
    this.i--;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.kind === 'space') {
      t = this.next();
    }
    return t;
  }

  private skipSpace(): void {
    while (this.peek().kind === 'space') {
      this.i++;
    }
  }

  private unexpected(t: Token, context: string): never {
    throw syntax(`unexpected ${t.kind === 'end' ? '"}}"' : JSON.stringify(t.val)} in ${context}`);
  }

  private pipeline(context: string, end: 'end' | 'rightParen'): Pipe {
    const cmds: Command[] = [];
    for (;;) {
      const t = this.nextNonSpace();
      if (t.kind === end) {
        if (cmds.length === 0) {
          throw syntax(`missing value for ${context}`);
        }
        cmds.slice(1).forEach((cmd, k) => {
          const first = cmd.args[0]!.type;
          if (first === 'bool' || first === 'dot' || first === 'number' || first === 'string') {
            throw syntax(`non executable command in pipeline stage ${k + 2}`);
          }
        });
        return { cmds };
      }
      switch (t.kind) {
        case 'bool':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
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

  private command(): Command {
    const args: Node[] = [];
    for (;;) {
      this.skipSpace();
      const operand = this.operand();
      if (operand) {
        args.push(operand);
      }
      const t = this.next();
      if (t.kind === 'space') {
        continue;
      }
      if (t.kind === 'end' || t.kind === 'rightParen') {
        this.backup();
      } else if (t.kind !== 'pipe') {
        this.unexpected(t, 'operand');
      }
      break;
    }
    if (args.length === 0) {
      throw syntax('empty command');
    }
    return { args };
  }

  private operand(): Node | undefined {
    const start = this.peek().pos;
    const node = this.term();
    if (!node || this.peek().kind !== 'field') {
      return node;
    }
    const fields: string[] = [];
    let end = start;
    while (this.peek().kind === 'field') {
      const f = this.next();
      fields.push(f.val.slice(1));
      end = f.pos + f.val.length;
    }
    const src = this.text.slice(start, end);
    switch (node.type) {
      case 'field':
        return { type: 'field', idents: [...node.idents, ...fields], src };
      case 'variable':
        return { type: 'variable', idents: [...node.idents, ...fields], src };
      case 'bool':
      case 'string':
      case 'number':
      case 'dot':
        throw syntax(`unexpected . after term ${JSON.stringify(node.src)}`);
      default:
        return { type: 'chain', node, fields, src };
    }
  }

  private term(): Node | undefined {
    const t = this.nextNonSpace();
    switch (t.kind) {
      case 'identifier': {
        const fn = TEMPLATE_FUNCTIONS.get(t.val);
        if (!fn) {
          throw unsupported(`the function "${t.val}"`);
        }
        return { type: 'identifier', name: t.val, fn, src: t.val };
      }
      case 'dot':
        return { type: 'dot', src: '.' };
      case 'variable':
        return { type: 'variable', idents: ['$'], src: '$' };
      case 'field':
        return { type: 'field', idents: [t.val.slice(1)], src: t.val };
      case 'bool':
        return { type: 'bool', value: t.val === 'true', src: t.val };
      case 'number':
        return { type: 'number', value: Number(t.val), src: t.val };
      case 'string':
        return { type: 'string', value: unquote(t.val), src: t.val };
      case 'rawString':
        return { type: 'string', value: t.val.slice(1, -1).replace(/\r/g, ''), src: t.val };
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
        const close = this.tokens[this.i - 1]!;
        return { type: 'pipe', pipe, src: this.text.slice(t.pos, close.pos + 1) };
      }
      default:
        this.backup();
        return undefined;
    }
  }
}

export function parseItems(text: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let trimLeading = false;
  while (pos <= text.length) {
    const open = text.indexOf('{{', pos);
    let chunk = open < 0 ? text.slice(pos) : text.slice(pos, open);
    if (trimLeading) {
      chunk = chunk.replace(/^[ \t\r\n]+/, '');
    }
    if (open < 0) {
      if (chunk !== '') {
        items.push({ text: chunk });
      }
      break;
    }
    const leftTrim = hasLeftTrimMarker(text, open + 2);
    if (leftTrim) {
      chunk = chunk.replace(/[ \t\r\n]+$/, '');
    }
    if (chunk !== '') {
      items.push({ text: chunk });
    }
    const p = open + 2 + (leftTrim ? 2 : 0);
    if (text.startsWith('/*', p)) {
      const close = text.indexOf('*/', p + 2);
      if (close < 0) {
        throw syntax('unclosed comment');
      }
      const delim = rightDelimAt(text, close + 2);
      if (!delim) {
        throw syntax('comment ends before closing delimiter');
      }
      pos = delim.end;
      trimLeading = delim.trim;
      continue;
    }
    const { tokens, end, trim } = lexAction(text, p);
    const pipe = new Parser(text, tokens).action();
    items.push({ pipe, src: text.slice(open, end) });
    pos = end;
    trimLeading = trim;
  }
  return items;
}

// ---------------------------------------------------------------------------------------
// Execution (Go's text/template/exec)

/** Marks "no final argument" (Go's `missingVal`), distinct from a missing value. */
