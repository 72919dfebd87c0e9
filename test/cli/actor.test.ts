/**
 * Who a release command records without --by, outside CI: the user.name of the checkout's
 * repository (the one its commits use), not of the directory it is run from.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { runBin, writeFixedProgram } from '../support/cli';

let root: string;
beforeAll(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-actor-'))));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test("promote without --by records the checkout repository's user.name, not that of the directory it runs in", () => {
  // GIVEN the program in a repository of one user, and the GitOps checkout in a repository of another
  const program = path.join(root, 'program');
  writeFixedProgram(program, paymentsPlatform().snapshot());
  const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git(program, 'init', '--quiet');
  git(program, 'config', 'user.name', 'program-user');
  const out = path.join(root, 'gitops');
  fs.mkdirSync(out);
  git(out, 'init', '--quiet');
  git(out, 'config', 'user.name', 'checkout-user');
  expect(runBin(program, ['synth', '--out', out]).status).toBe(0);

  // WHEN nonprod is promoted from the program's directory, without --by
  const r = runBin(program, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', `sha256:${'d'.repeat(64)}`, '--out', out]);

  // THEN the ledger names the checkout's user
  expect(r.status).toBe(0);
  expect(fs.readFileSync(path.join(out, 'releases', 'payments-api.yaml'), 'utf8')).toMatch(/\n {4}by: checkout-user\n/);
});
