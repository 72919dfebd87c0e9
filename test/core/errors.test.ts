import { errorEntry } from '../../src/core/error-catalogue';
import {
  ENTRIES_SHOWN,
  ErrorCode,
  formatProblem,
  GitOpsError,
  groupedLines,
  Problem,
  problem,
  withoutPasswords,
} from '../../src/core/errors';

describe('problem', () => {
  test('takes its fix from the catalogue when none is given', () => {
    // WHEN
    const p = problem('CG101', { message: 'Environment name "Prod" is not a DNS-1123 label.', constructPath: 'platform/Prod' });

    // THEN
    expect(p).toStrictEqual({
      code: 'CG101',
      message: 'Environment name "Prod" is not a DNS-1123 label.',
      fix: errorEntry('CG101')!.fix,
      constructPath: 'platform/Prod',
    });
  });

  test('keeps a fix given for the case', () => {
    // WHEN
    const p = problem('CG402', { message: 'x.yaml is missing.', fix: 'Restore x.yaml.', file: 'x.yaml', line: 3 });

    // THEN
    expect(p).toStrictEqual({ code: 'CG402', message: 'x.yaml is missing.', fix: 'Restore x.yaml.', file: 'x.yaml', line: 3 });
  });

  test('leaves out the places not given', () => {
    // WHEN
    const p = problem('CG101', { message: 'm.', constructPath: undefined, file: undefined });

    // THEN
    expect(Object.keys(p)).toEqual(['code', 'message', 'fix']);
  });
});

describe('GitOpsError.of', () => {
  test('is the error of one problem', () => {
    // WHEN
    const error = GitOpsError.of('CG101', { message: 'Name "Prod" is not DNS-1123.', constructPath: 'platform/Prod' });

    // THEN
    expect(error).toBeInstanceOf(GitOpsError);
    expect(error.code).toBe('CG101');
    expect(error.problems).toEqual([problem('CG101', { message: 'Name "Prod" is not DNS-1123.', constructPath: 'platform/Prod' })]);
    expect(error.message).toBe(formatProblem(error.problems[0]));
  });

  test('puts a summary above the problem', () => {
    // WHEN
    const error = GitOpsError.of('CG101', { message: 'm.', fix: 'f.' }, 'Cannot synthesize:');

    // THEN
    expect(error.message).toBe('Cannot synthesize:\nCG101 m. Fix: f.');
  });
});

describe('groupedLines', () => {
  const p = (code: ErrorCode, constructPath: string, message: string, fix = 'Fix it.'): Problem => ({ code, constructPath, message, fix });

  test('prints problems of one kind as one entry, naming the other places, root causes first', () => {
    // GIVEN eight targets in two rings and the empty ring that is the cause
    const problems = [
      ...Array.from({ length: 8 }, (_, i) =>
        p('CG117', `platform/svc/t${i}`, `Target t${i} is in 2 promotion rings.`, 'Keep it in one ring.'),
      ),
      p('CG118', 'platform/rings/nothing', 'Promotion ring "nothing" selects no target.'),
    ];
    // WHEN
    const lines = groupedLines(problems);
    // THEN
    expect(lines).toEqual([
      '[platform/rings/nothing] CG118 Promotion ring "nothing" selects no target. Fix: Fix it.',
      '[platform/svc/t0] CG117 Target t0 is in 2 promotion rings. Fix: Keep it in one ring.\n' +
        '  … and 7 more CG117 like it: platform/svc/t1, platform/svc/t2, platform/svc/t3 and 4 more.',
    ]);
  });

  test('keeps problems of one code with different fixes apart, in the order found', () => {
    const lines = groupedLines([p('CG104', 'a', 'A.', 'Fix a.'), p('CG104', 'b', 'B.', 'Fix b.')]);
    expect(lines).toEqual(['[a] CG104 A. Fix: Fix a.', '[b] CG104 B. Fix: Fix b.']);
  });

  test('a GitOpsError keeps every problem, grouped or not', () => {
    const problems = [
      p('CG117', 'x', 'Target "x" is in 2 rings.'),
      p('CG117', 'y', 'Target "y" is in 2 rings.'),
      p('CG117', 'z', 'Another.'),
    ];
    const e = new GitOpsError(problems, '3 problems:', { grouped: true });
    expect(e.problems).toEqual(problems);
    expect(e.message).toBe(
      '3 problems:\n[x] CG117 Target "x" is in 2 rings. Fix: Fix it.\n  … and 1 more CG117 like it: y.\n[z] CG117 Another. Fix: Fix it.',
    );
  });
});

describe('GitOpsError.grouped', () => {
  const p = (code: ErrorCode, constructPath: string, message: string): Problem => ({ code, constructPath, message, fix: 'Fix it.' });

  test('is true when an entry stands for several problems', () => {
    const e = new GitOpsError([p('CG117', 'x', 'Target "x" is in 2 rings.'), p('CG117', 'y', 'Target "y" is in 2 rings.')], undefined, {
      grouped: true,
    });
    expect(e.grouped).toBe(true);
  });

  test('is false when every problem is printed in full, though a root cause is moved first', () => {
    // GIVEN a problem, then an empty ring (a root cause, printed first)
    const e = new GitOpsError(
      [p('CG101', 'a', 'Name "A" is not DNS-1123.'), p('CG118', 'r', 'Promotion ring "r" selects no target.')],
      undefined,
      {
        grouped: true,
      },
    );
    // THEN the order changed, but nothing is named by its place only
    expect(e.message.split('\n').slice(1)).toEqual([
      '[r] CG118 Promotion ring "r" selects no target. Fix: Fix it.',
      '[a] CG101 Name "A" is not DNS-1123. Fix: Fix it.',
    ]);
    expect(e.grouped).toBe(false);
  });
});

describe('GitOpsError with shown', () => {
  const p = (i: number): Problem => ({ code: 'CG141', message: `Service "s${i}" is gone.`, fix: `Declare s${i} removed.` });

  test('prints the first entries and counts the problems left out; every problem is kept and --verbose has them', () => {
    // GIVEN 5 problems of different fixes, 2 of them shown
    const problems = [1, 2, 3, 4, 5].map(p);
    const e = new GitOpsError(problems, 'Head:', { shown: 2 });
    // THEN the message has 2 and counts 3, and the error says it left some out
    expect(e.message).toBe(
      'Head:\nCG141 Service "s1" is gone. Fix: Declare s1 removed.\nCG141 Service "s2" is gone. Fix: Declare s2 removed.\n… and 3 more problems.',
    );
    expect(e.grouped).toBe(true);
    expect(e.problems).toEqual(problems);
    expect(e.everyProblem.split('\n')).toHaveLength(6);
  });

  test('counts the problems of entries left out, grouped ones whole', () => {
    // GIVEN two kinds: 3 alike, then one other; one entry shown
    const alike = (i: number): Problem => ({
      code: 'CG117',
      constructPath: `t${i}`,
      message: `Target t${i} is in 2 rings.`,
      fix: 'Keep it in one.',
    });
    const e = new GitOpsError([alike(1), { code: 'CG101', message: 'Other.', fix: 'F.' }, alike(2), alike(3)], undefined, {
      grouped: true,
      shown: 1,
    });
    expect(e.message.split('\n')).toEqual([
      '4 problems found:',
      '[t1] CG117 Target t1 is in 2 rings. Fix: Keep it in one.',
      '  … and 2 more CG117 like it: t2, t3.',
      '… and 1 more problem.',
    ]);
  });

  test('prints every entry when there are no more than shown', () => {
    const e = new GitOpsError([p(1), p(2)], undefined, { shown: 2 });
    expect(e.message).not.toContain('more');
    expect(e.grouped).toBe(false);
  });

  test('prints ENTRIES_SHOWN entries unless told otherwise', () => {
    // GIVEN as many problems as a fleet's checkout can hold, of different fixes
    const problems = Array.from({ length: 24_000 }, (_, i) => p(i + 1));
    const e = new GitOpsError(problems);
    // THEN the message has the first 20 and counts the rest; every problem is kept
    const lines = e.message.split('\n');
    expect(ENTRIES_SHOWN).toBe(20);
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[0]).toBe('24000 problems found:');
    expect(lines[20]).toBe('CG141 Service "s20" is gone. Fix: Declare s20 removed.');
    expect(lines[21]).toBe('… and 23980 more problems.');
    expect(e.grouped).toBe(true);
    expect(e.problems).toHaveLength(24_000);
    expect(e.everyProblem.split('\n')).toHaveLength(24_001);
    // AND 20 print whole
    expect(new GitOpsError(problems.slice(0, 20)).message).not.toContain('more');
    // AND the whole message prints every entry
    expect(e.wholeMessage.split('\n')).toHaveLength(24_001);
    expect(e.wholeMessage).not.toContain('more problems');
  });
});

describe('withoutPasswords', () => {
  test('hides the password of every URL a problem quotes, keeping the user and the rest', () => {
    expect(withoutPasswords('received "https://admin:s3cr3t@git.example.com/x" and postgres://u:hunter2@db:5432/x')).toBe(
      'received "https://admin:***@git.example.com/x" and postgres://u:***@db:5432/x',
    );
    // A user without a password, a port, a scp-like address and plain text are left as they are.
    for (const text of ['ssh://git@host/repo.git', 'https://host:8443/path', 'git@host:org/repo.git', 'a: b@c']) {
      expect(withoutPasswords(text)).toBe(text);
    }
  });

  test('applies to every problem, message and fix alike', () => {
    const p = problem('CG212', { message: 'got "https://a:b@h/x".', fix: 'not https://a:b@h/x' });
    expect([p.message, p.fix]).toEqual(['got "https://a:***@h/x".', 'not https://a:***@h/x']);
  });

  test('hides a token standing as the user in a problem quoting a ledger field (CG212, CG610)', () => {
    const token = 'glpat-abcdefghij0123456789';
    const chart = problem('CG212', {
      message: `Field "rings.prod.chart" is not a chart revision; received "https://${token}@gitlab.com/g/r".`,
      file: 'releases/payments-api.yaml',
      line: 4,
    });
    expect(chart.message).toBe('Field "rings.prod.chart" is not a chart revision; received "https://***@gitlab.com/g/r".');
    const by = problem('CG610', {
      message: `Ring "prod" runs sha256:bbbbbbbb as before, but its record was rewritten (by: "ci" → "https://x-access-token:ghs_T0KEN@github.com/o/r", from: "https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r"): the entry was changed by hand.`,
      fix: `Restore it from https://oauth2:${token}@gitlab.com/g/r.`,
    });
    expect(formatProblem(by)).toBe(
      'CG610 Ring "prod" runs sha256:bbbbbbbb as before, but its record was rewritten (by: "ci" → "https://x-access-token:***@github.com/o/r", from: "https://***@github.com/o/r"): the entry was changed by hand. Fix: Restore it from https://oauth2:***@gitlab.com/g/r.',
    );
    expect(new GitOpsError([chart, by]).message).not.toMatch(/glpat|ghs_|ghp_/);
  });
});

describe('grouped problems of one place', () => {
  test('name what differs in their messages, a number with the word that says what it counts', () => {
    const at = (i: number): Problem =>
      problem('CG702', {
        file: 'applicationsets/s.yaml',
        message: `ApplicationSet "s" field x, list element ${i}: template references a missing key.`,
      });
    const lines = groupedLines([at(0), at(1), at(2)]);
    expect(lines.join('\n')).toContain('\n  … and 2 more CG702 like it: element 1, element 2.');
  });
});
