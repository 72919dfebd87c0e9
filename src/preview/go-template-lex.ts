import { goQuote } from './go-strings';

/*
 * The lexer of Go's text/template (text/template/parse/lex.go): the template becomes a list of
 * tokens, text between actions and the words of each action. A lexical error ends the list
 * with an `error` token, which the parser reports when it reaches it, as Go does. Comments and
 * trim markers are consumed here; only the default delimiters `{{` `}}` exist in Argo CD.
 */

/** The kind of a token (Go's `itemType`); keywords are those from `block` on. */
export type TokenKind =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // keywords
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

/** One token: its kind, its text and where it starts in the template. */
export interface Token {
  readonly kind: TokenKind;
  readonly val: string;
  readonly pos: number;
}

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['.', 'dot'],
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['nil', 'nil'],
  ['template', 'template'],
  ['with', 'with'],
]);

const KEYWORD_KINDS = new Set<TokenKind>(KEYWORDS.values());

/** A token as Go's parse errors print it: `"}}"`, `<if>`, `EOF`, `"abcdefghij"...`. */
export function showToken(t: Token): string {
  if (t.kind === 'eof') {
    return 'EOF';
  }
  if (t.kind === 'error') {
    return t.val;
  }
  if (KEYWORD_KINDS.has(t.kind)) {
    return `<${t.val}>`;
  }
  if (t.val.length > 10) {
    return `${goQuote([...t.val].slice(0, 10).join(''))}...`;
  }
  return goQuote(t.val);
}

const LEFT = '{{';
const RIGHT = '}}';
const TRIM = 2; // a trim marker is a space and a minus: "- " or " -"

/** Go's `isSpace` in the lexer: space, tab, carriage return, newline. */
const isTemplateSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const ALNUM = /^[\p{L}\p{Nd}_]$/u;
const isAlphaNumeric = (ch: string | undefined): boolean => ch !== undefined && ALNUM.test(ch);

/** Go's `%#U` of a character: `U+002D '-'`. */
function showRune(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch) ? `${hex} '${ch}'` : hex;
}

class Lexer {
  private readonly tokens: Token[] = [];
  private start = 0;
  private pos = 0;
  private parenDepth = 0;

  constructor(private readonly input: string) {}

  public run(): Token[] {
    let state: (() => boolean) | undefined = () => this.text();
    // Each state returns whether lexing goes on; `next` names the following state.
    while (state) {
      const goOn: boolean = state();
      state = goOn ? this.next : undefined;
    }
    return this.tokens;
  }

  private next: () => boolean = () => false;

  private go(state: () => boolean): boolean {
    this.next = state;
    return true;
  }

  private emit(kind: TokenKind): void {
    this.tokens.push({ kind, val: this.input.slice(this.start, this.pos), pos: this.start });
    this.start = this.pos;
  }

  private error(message: string): boolean {
    this.tokens.push({ kind: 'error', val: message, pos: this.start });
    return false;
  }

  private peekChar(): string | undefined {
    if (this.pos >= this.input.length) {
      return undefined;
    }
    return String.fromCodePoint(this.input.codePointAt(this.pos)!);
  }

  private nextChar(): string | undefined {
    const ch = this.peekChar();
    this.pos += ch === undefined ? 1 : ch.length;
    return ch;
  }

  private accept(valid: string): boolean {
    const ch = this.peekChar();
    if (ch !== undefined && valid.includes(ch)) {
      this.pos += ch.length;
      return true;
    }
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid)) {
      // absorb
    }
  }

  private atRightDelim(): { delim: boolean; trim: boolean } {
    if (isTemplateSpace(this.input[this.pos]) && this.input[this.pos + 1] === '-' && this.input.startsWith(RIGHT, this.pos + TRIM)) {
      return { delim: true, trim: true };
    }
    return { delim: this.input.startsWith(RIGHT, this.pos), trim: false };
  }

  private atTerminator(): boolean {
    const ch = this.input[this.pos];
    if (ch === undefined || isTemplateSpace(ch) || '.,|:)('.includes(ch)) {
      return true;
    }
    return this.input.startsWith(RIGHT, this.pos);
  }

  // ---- states

  private text(): boolean {
    const x = this.input.indexOf(LEFT, this.pos);
    if (x < 0) {
      this.pos = this.input.length;
      if (this.pos > this.start) {
        this.emit('text');
      }
      this.emit('eof');
      return false;
    }
    if (x > this.pos) {
      this.pos = x;
      const delimEnd = x + LEFT.length;
      let trimLength = 0;
      if (this.hasLeftTrimMarker(delimEnd)) {
        let q = x;
        while (q > this.start && isTemplateSpace(this.input[q - 1])) {
          q--;
        }
        trimLength = x - q;
      }
      this.pos -= trimLength;
      if (this.pos > this.start) {
        this.emit('text');
      }
      this.pos += trimLength;
      this.start = this.pos;
    }
    return this.go(() => this.leftDelim());
  }

  private hasLeftTrimMarker(at: number): boolean {
    return this.input[at] === '-' && isTemplateSpace(this.input[at + 1]);
  }

  private leftDelim(): boolean {
    this.pos += LEFT.length;
    const trim = this.hasLeftTrimMarker(this.pos);
    const after = trim ? TRIM : 0;
    if (this.input.startsWith('/*', this.pos + after)) {
      this.pos += after;
      this.start = this.pos;
      return this.comment();
    }
    this.emit('leftDelim');
    this.pos += after;
    this.start = this.pos;
    this.parenDepth = 0;
    return this.go(() => this.insideAction());
  }

  private comment(): boolean {
    this.pos += 2;
    const x = this.input.indexOf('*/', this.pos);
    if (x < 0) {
      return this.error('unclosed comment');
    }
    this.pos = x + 2;
    const { delim, trim } = this.atRightDelim();
    if (!delim) {
      return this.error('comment ends before closing delimiter');
    }
    this.pos += (trim ? TRIM : 0) + RIGHT.length;
    if (trim) {
      this.skipLeadingSpace();
    }
    this.start = this.pos;
    return this.go(() => this.text());
  }

  private skipLeadingSpace(): void {
    while (isTemplateSpace(this.input[this.pos])) {
      this.pos++;
    }
  }

  private rightDelim(trim: boolean): boolean {
    if (trim) {
      this.pos += TRIM;
      this.start = this.pos;
    }
    this.pos += RIGHT.length;
    this.emit('rightDelim');
    if (trim) {
      this.skipLeadingSpace();
      this.start = this.pos;
    }
    return this.go(() => this.text());
  }

  private insideAction(): boolean {
    const { delim, trim } = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) {
        return this.rightDelim(trim);
      }
      return this.error('unclosed left paren');
    }
    const ch = this.nextChar();
    if (ch === undefined) {
      return this.error('unclosed action');
    }
    if (isTemplateSpace(ch)) {
      this.pos--;
      return this.space();
    }
    switch (ch) {
      case '=':
        this.emit('assign');
        return true;
      case ':':
        if (this.nextChar() !== '=') {
          return this.error('expected :=');
        }
        this.emit('declare');
        return true;
      case '|':
        this.emit('pipe');
        return true;
      case '"':
        return this.quote();
      case '`':
        return this.rawQuote();
      case '$':
        return this.fieldOrVariable('variable');
      case "'":
        return this.charConstant();
      case '(':
        this.parenDepth++;
        this.emit('leftParen');
        return true;
      case ')':
        this.parenDepth--;
        if (this.parenDepth < 0) {
          return this.error('unexpected right paren');
        }
        this.emit('rightParen');
        return true;
      default:
        break;
    }
    if (ch === '.') {
      const c = this.input[this.pos];
      if (c === undefined || c < '0' || c > '9') {
        return this.fieldOrVariable('field');
      }
    }
    if (ch === '.' || ch === '+' || ch === '-' || (ch >= '0' && ch <= '9')) {
      this.pos--;
      return this.number();
    }
    if (isAlphaNumeric(ch)) {
      this.pos -= ch.length;
      return this.identifier();
    }
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) {
      this.emit('char');
      return true;
    }
    return this.error(`unrecognized character in action: ${showRune(ch)}`);
  }

  private space(): boolean {
    let numSpaces = 0;
    while (isTemplateSpace(this.input[this.pos])) {
      this.pos++;
      numSpaces++;
    }
    // A trim-marked right delimiter " -}}" keeps its space.
    if (this.input[this.pos] === '-' && this.input.startsWith(RIGHT, this.pos + 1)) {
      this.pos--;
      if (numSpaces === 1) {
        return true;
      }
    }
    this.emit('space');
    return true;
  }

  private identifier(): boolean {
    for (;;) {
      const ch = this.peekChar();
      if (isAlphaNumeric(ch)) {
        this.pos += ch!.length;
        continue;
      }
      const word = this.input.slice(this.start, this.pos);
      if (!this.atTerminator()) {
        return this.error(`bad character ${showRune(ch!)}`);
      }
      const keyword = KEYWORDS.get(word);
      if (keyword !== undefined && keyword !== 'dot') {
        this.emit(keyword);
      } else if (word === 'true' || word === 'false') {
        this.emit('bool');
      } else {
        this.emit('identifier');
      }
      return true;
    }
  }

  private fieldOrVariable(kind: 'field' | 'variable'): boolean {
    if (this.atTerminator()) {
      this.emit(kind === 'variable' ? 'variable' : 'dot');
      return true;
    }
    let ch = this.peekChar();
    while (isAlphaNumeric(ch)) {
      this.pos += ch!.length;
      ch = this.peekChar();
    }
    if (!this.atTerminator()) {
      return this.error(`bad character ${showRune(ch!)}`);
    }
    this.emit(kind);
    return true;
  }

  private quote(): boolean {
    for (;;) {
      const ch = this.nextChar();
      if (ch === '\\') {
        const e = this.nextChar();
        if (e !== undefined && e !== '\n') {
          continue;
        }
        return this.error('unterminated quoted string');
      }
      if (ch === undefined || ch === '\n') {
        return this.error('unterminated quoted string');
      }
      if (ch === '"') {
        break;
      }
    }
    this.emit('string');
    return true;
  }

  private rawQuote(): boolean {
    const x = this.input.indexOf('`', this.pos);
    if (x < 0) {
      return this.error('unterminated raw quoted string');
    }
    this.pos = x + 1;
    this.emit('rawString');
    return true;
  }

  private charConstant(): boolean {
    for (;;) {
      const ch = this.nextChar();
      if (ch === '\\') {
        const e = this.nextChar();
        if (e !== undefined && e !== '\n') {
          continue;
        }
        return this.error('unterminated character constant');
      }
      if (ch === undefined || ch === '\n') {
        return this.error('unterminated character constant');
      }
      if (ch === "'") {
        break;
      }
    }
    this.emit('charConstant');
    return true;
  }

  private number(): boolean {
    if (!this.scanNumber()) {
      return this.error(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
    }
    const sign = this.input[this.pos];
    if (sign === '+' || sign === '-') {
      // A complex number: 1+2i.
      if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') {
        return this.error(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
      }
      this.emit('complex');
      return true;
    }
    this.emit('number');
    return true;
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) {
        digits = '0123456789abcdefABCDEF_';
      } else if (this.accept('oO')) {
        digits = '01234567_';
      } else if (this.accept('bB')) {
        digits = '01_';
      }
    }
    this.acceptRun(digits);
    if (this.accept('.')) {
      this.acceptRun(digits);
    }
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peekChar())) {
      this.nextChar();
      return false;
    }
    return true;
  }
}

/** Lexes a whole template; the last token is `eof` or `error`. */
export function lexTemplate(text: string): Token[] {
  return new Lexer(text).run();
}
