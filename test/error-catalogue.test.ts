import * as fs from 'fs';
import * as path from 'path';
import { ERROR_CATALOGUE, errorEntry } from '../src/core/error-catalogue';
import { LEDGER_ERROR_CODES, RULE_ERROR_CODES } from '../src/release/error-codes';
import { ERRORS_DOC, renderErrorDocs } from '../scripts/errors-doc';

const SRC = path.resolve(__dirname, '../src');
const CATALOGUE_FILE = path.join(SRC, 'core/error-catalogue.ts');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every code raised in src: quoted `'CGnnn'` literals (in `problem(…)`, `GitOpsError.of(…)`, `report(…)`, the finding codes) and the ledger and rule code maps. */
function codesUsedInSrc(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const add = (code: string, where: string): void => {
    used.set(code, [...(used.get(code) ?? []), where]);
  };
  for (const file of sourceFiles(SRC)) {
    if (file === CATALOGUE_FILE) continue;
    // Codes named in comments (`Fails with CG511`) do not count: only those in code.
    const code = fs
      .readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    for (const m of code.matchAll(/['"`](CG\d{3})['"`]/g)) add(m[1], path.relative(SRC, file));
  }
  for (const code of [...Object.keys(LEDGER_ERROR_CODES), ...Object.keys(RULE_ERROR_CODES)]) add(code, 'error-codes.ts');
  return used;
}

const RANGES: Record<string, string> = {
  1: 'program',
  2: 'ledger',
  3: 'cli',
  4: 'checkout',
  5: 'git',
  6: 'promotion',
  7: 'preview',
  8: 'live',
};

describe('error catalogue', () => {
  const used = codesUsedInSrc();
  const catalogued = ERROR_CATALOGUE.map((e) => e.code);
  const docs = fs.readFileSync(ERRORS_DOC, 'utf8');

  test('finds the codes raised in src', () => {
    expect(used.size).toBeGreaterThan(60);
    expect(used.get('CG101')).toEqual(expect.arrayContaining(['model/rules/names.ts']));
    expect(used.get('CG609')).toEqual(expect.arrayContaining(['release/rules.ts']));
  });

  test('lists every code raised in src', () => {
    const missing = [...used.keys()].filter((c) => !errorEntry(c)).map((c) => `${c} (${used.get(c)!.join(', ')})`);
    expect(missing).toEqual([]);
  });

  test('lists no code that src does not raise', () => {
    expect(catalogued.filter((c) => !used.has(c))).toEqual([]);
  });

  test('has each code once, in order, in the range of where it is raised', () => {
    expect(new Set(catalogued).size).toBe(catalogued.length);
    expect([...catalogued].sort()).toEqual(catalogued);
    for (const e of ERROR_CATALOGUE) {
      expect(e.code).toMatch(/^CG[1-8]\d\d$/);
      expect(`${e.code} ${e.where}`).toBe(`${e.code} ${RANGES[e.code[2]]}`);
    }
  });

  test('gives every code a title, a description and a fix', () => {
    for (const e of ERROR_CATALOGUE) {
      expect(e.title.trim()).not.toBe('');
      expect(e.description).toMatch(/\.$/);
      expect(e.fix).toMatch(/[.)]$/);
    }
  });

  test('docs/errors.md describes every code raised in src', () => {
    const undocumented = [...used.keys()].filter((c) => !docs.includes(`| ${c} |`));
    expect(undocumented).toEqual([]);
  });

  test('docs/errors.md is up to date (npm run docs:errors)', () => {
    expect(docs).toBe(renderErrorDocs());
  });
});
