/**
 * Reads back the YAML cdk8s-gitops writes, without a YAML parser: the documents of
 * {@link toYamlDocuments} (one document: {@link toYaml}), after any comment lines at the top.
 *
 * Comparing a checkout with the program reads a few generated files per change, and a YAML
 * parser's first documents cost far more than the rest of the comparison. What this reader
 * returns is checked by writing it again: it reads a text only when `toYamlDocuments` writes
 * that exact text from the result, and such a text reads as the same data in every YAML reader
 * (see {@link toYaml}). Any other text (a hand edit, another writer's style) reads as
 * `undefined`, and the caller parses it with a YAML parser.
 */
import { toYamlDocuments } from './emit';
import { parseYaml, parseYamlDocuments } from './parse';

/** One line of a document: its indentation and the text after it. */
interface Line {
  indent: number;
  text: string;
}

/** Thrown inside the reader when a text is not in the written form. */
class NotWritten extends Error {}

/** The documents of a text in the form cdk8s-gitops writes, or `undefined` for any other text. */
export function readWrittenYaml(text: string): unknown[] | undefined {
  let start = 0;
  while (text.startsWith('#', start)) {
    const end = text.indexOf('\n', start);
    if (end === -1) return undefined;
    start = end + 1;
  }
  const body = text.slice(start);
  if (body === '' || !body.endsWith('\n')) return undefined;
  try {
    const docs = body.slice(0, -1).split('\n---\n').map(readDocument);
    return toYamlDocuments(docs) === body ? docs : undefined;
  } catch {
    // Not in the written form, or a value `toYaml` refuses (a number too large to be finite).
    return undefined;
  }
}

function readDocument(doc: string): unknown {
  const lines = doc.split('\n').map((l): Line => {
    const indent = l.length - l.trimStart().length;
    return { indent, text: l.slice(indent) };
  });
  const reader = new BlockReader(lines);
  const value = reader.node(0);
  if (!reader.done()) throw new NotWritten();
  return value;
}

/** Reads nested maps and lists from lines, by indentation, as `toYaml` lays them out. */
class BlockReader {
  private at = 0;

  constructor(private readonly lines: Line[]) {}

  public done(): boolean {
    return this.at === this.lines.length;
  }

  /** The value that starts at the current line, indented by `indent`. */
  public node(indent: number): unknown {
    const line = this.lines[this.at];
    if (!line || line.indent !== indent) throw new NotWritten();
    if (line.text === '-' || line.text.startsWith('- ')) return this.list(indent);
    if (entryOf(line.text)) return this.map(indent);
    this.at++;
    return scalarOf(line.text);
  }

  private map(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.lines[this.at]; line?.indent === indent; line = this.lines[this.at]) {
      const entry = entryOf(line.text);
      if (!entry) throw new NotWritten();
      this.at++;
      out[entry.key] = entry.value === undefined ? this.node(indent + 2) : scalarOf(entry.value);
    }
    return out;
  }

  private list(indent: number): unknown[] {
    const out: unknown[] = [];
    for (
      let line = this.lines[this.at];
      line?.indent === indent && (line.text === '-' || line.text.startsWith('- '));
      line = this.lines[this.at]
    ) {
      if (line.text === '-') {
        this.at++;
        out.push(this.node(indent + 2));
      } else {
        // `- key: value` starts a map whose first entry shares the dash's line.
        this.lines[this.at] = { indent: indent + 2, text: line.text.slice(2) };
        out.push(this.node(indent + 2));
      }
    }
    return out;
  }
}

/** A `key: value` or `key:` line; `value` is undefined when the value is on the lines below. */
function entryOf(text: string): { key: string; value?: string } | undefined {
  let end: number;
  if (text.startsWith('"')) {
    end = endOfQuoted(text);
    if (text[end] !== ':') return undefined;
  } else {
    end = text.indexOf(': ');
    if (end === -1) end = text.endsWith(':') ? text.length - 1 : -1;
    if (end <= 0) return undefined;
  }
  const key = keyOf(text.slice(0, end));
  if (end === text.length - 1) return { key };
  if (text[end + 1] !== ' ') throw new NotWritten();
  return { key, value: text.slice(end + 2) };
}

/** The index just after the double-quoted string that starts `text`. */
function endOfQuoted(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  throw new NotWritten();
}

function keyOf(text: string): string {
  return text.startsWith('"') ? quoted(text) : text;
}

function quoted(text: string): string {
  try {
    return JSON.parse(text) as string;
  } catch {
    throw new NotWritten();
  }
}

/** A scalar as `toYaml` writes it; the round trip rejects any reading `toYaml` would not write back. */
function scalarOf(text: string): unknown {
  switch (text) {
    case 'null':
      return null;
    case 'true':
      return true;
    case 'false':
      return false;
    case '[]':
      return [];
    case '{}':
      return {};
    default:
      if (text.startsWith('"')) return quoted(text);
      if (/^-?[0-9]/.test(text)) return Number(text);
      return text;
  }
}

/**
 * The documents of a YAML text: read directly when cdk8s-gitops wrote it
 * ({@link readWrittenYaml}), else parsed with `yaml`. Throws when the text is not valid YAML.
 */
export function readYamlDocuments(text: string): unknown[] {
  return readWrittenYaml(text) ?? parseYamlDocuments(text);
}

/**
 * The one document of a YAML text, read as {@link readYamlDocuments} reads it (`null` for an
 * empty text). Throws when the text is not valid YAML or holds more than one document.
 */
export function readYaml(text: string): unknown {
  const written = readWrittenYaml(text);
  return written?.length === 1 ? written[0] : parseYaml(text);
}
