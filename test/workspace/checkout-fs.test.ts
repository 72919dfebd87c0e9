/**
 * A checkout is read without following links: a directory of many subdirectories is listed
 * once instead of looked at one by one, and what the listing does not show as a real directory
 * is looked at on its own, so a link among them is refused as before.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitOpsError } from '../../src/core/errors';
import { Checkout } from '../../src/workspace/checkout/checkout-fs';

let dir: string;
let outside: string;
const names = Array.from({ length: 30 }, (_, i) => `d${String(i).padStart(2, '0')}`);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-checkout-fs-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-checkout-fs-outside-'));
  fs.writeFileSync(path.join(outside, 'f.yaml'), 'outside: true\n');
  for (const n of names) {
    fs.mkdirSync(path.join(dir, 'z', n), { recursive: true });
    fs.writeFileSync(path.join(dir, 'z', n, 'f.yaml'), `name: ${n}\n`);
  }
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof GitOpsError ? `${e.code} ${e.problems[0].file}` : String(e);
  }
  return 'no error';
}

test('every file of many directories is read through the listing as through lstat', () => {
  const checkout = new Checkout(dir);
  for (const n of names) expect(checkout.read(`z/${n}/f.yaml`)).toBe(`name: ${n}\n`);
  expect(checkout.read('z/d99/f.yaml')).toBeUndefined();
  expect(checkout.kind('z/d99')).toBe('missing');
});

test('a link among the directories is refused (CG408) after the others were listed', () => {
  fs.rmSync(path.join(dir, 'z', 'd20'), { recursive: true });
  fs.symlinkSync(outside, path.join(dir, 'z', 'd20'));
  const checkout = new Checkout(dir);
  for (const n of names.slice(0, 20)) checkout.read(`z/${n}/f.yaml`);
  expect(codeOf(() => checkout.read('z/d20/f.yaml'))).toBe('CG408 z/d20');
  expect(codeOf(() => checkout.stat('z/d20/f.yaml'))).toBe('CG408 z/d20');
  expect(codeOf(() => checkout.kind('z/d20/f.yaml'))).toBe('CG408 z/d20');
});

test('a file where a directory should be is not taken for one', () => {
  fs.rmSync(path.join(dir, 'z', 'd25'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'z', 'd25'), 'a file\n');
  const checkout = new Checkout(dir);
  for (const n of names.slice(0, 20)) checkout.read(`z/${n}/f.yaml`);
  expect(checkout.kind('z/d25/f.yaml')).toBe('other');
  expect(codeOf(() => checkout.read('z/d25/f.yaml'))).toBe('CG402 z/d25');
});

test('a directory made after the listing is found; one swapped for a link is refused once directories are forgotten', () => {
  const checkout = new Checkout(dir);
  for (const n of names.slice(0, 20)) checkout.read(`z/${n}/f.yaml`);
  fs.mkdirSync(path.join(dir, 'z', 'new'));
  fs.writeFileSync(path.join(dir, 'z', 'new', 'f.yaml'), 'new: true\n');
  expect(checkout.read('z/new/f.yaml')).toBe('new: true\n');
  fs.rmSync(path.join(dir, 'z', 'd05'), { recursive: true });
  fs.symlinkSync(outside, path.join(dir, 'z', 'd05'));
  checkout.forgetDirectories();
  expect(codeOf(() => checkout.read('z/d05/f.yaml'))).toBe('CG408 z/d05');
});

test('a directory deleted through the checkout is not taken as listed afterwards', () => {
  const checkout = new Checkout(dir);
  for (const n of names.slice(0, 20)) checkout.read(`z/${n}/f.yaml`);
  checkout.remove('z/d25/f.yaml');
  expect(fs.existsSync(path.join(dir, 'z', 'd25'))).toBe(false);
  expect(checkout.kind('z/d25')).toBe('missing');
  expect(checkout.kind('z/d25/f.yaml')).toBe('missing');
  expect(checkout.read('z/d26/f.yaml')).toBe('name: d26\n');
});

test('a directory it made is taken as empty, yet a link put there meanwhile is refused (CG408), not followed', () => {
  const checkout = new Checkout(dir);
  checkout.mkdirs('made');
  fs.symlinkSync(outside, path.join(dir, 'made', 'b'));
  expect(codeOf(() => checkout.mkdirs('made/b/c'))).toBe('CG408 made/b');
  expect(fs.readdirSync(outside)).toEqual(['f.yaml']);
  // Missing entries are told without following anything either.
  expect(checkout.stat('made/none.yaml')).toBeUndefined();
  expect(checkout.kind('made/none/x.yaml')).toBe('missing');
});

describe('files Git checks out with CRLF line ends', () => {
  /** `dir` as a Git work tree whose `.gitattributes` gives `z/d29/f.yaml` CRLF line ends on checkout. */
  function converting(): void {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    git('init', '--quiet');
    fs.writeFileSync(path.join(dir, '.gitattributes'), '/z/d29/f.yaml eol=crlf\n');
    for (const n of names) fs.writeFileSync(path.join(dir, 'z', n, 'f.yaml'), `name: ${n}\r\n`);
  }

  test('one is refused (CG427), naming the file and the attribute; one Git does not convert is read', () => {
    converting();
    const checkout = new Checkout(dir);
    expect(checkout.read('z/d00/f.yaml')).toBe('name: d00\r\n');
    expect(codeOf(() => checkout.read('z/d29/f.yaml'))).toBe('CG427 z/d29/f.yaml');
    let error: unknown;
    try {
      new Checkout(dir).read('z/d29/f.yaml');
    } catch (e) {
      error = e;
    }
    const [problem] = (error as GitOpsError).problems;
    expect(problem.message).toContain('which Git puts there when it checks the file out (eol=crlf)');
    expect(problem.fix).toContain('`/z/** -text`');
  });

  test('after 16 files with CRLF that Git does not convert, the rest are read without asking Git', () => {
    converting();
    const checkout = new Checkout(dir);
    for (const n of names.slice(0, 16)) expect(checkout.read(`z/${n}/f.yaml`)).toBe(`name: ${n}\r\n`);
    expect(checkout.read('z/d29/f.yaml')).toBe('name: d29\r\n');
    expect(codeOf(() => new Checkout(dir).read('z/d29/f.yaml'))).toBe('CG427 z/d29/f.yaml');
  });
});
