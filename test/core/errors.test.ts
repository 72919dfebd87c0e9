import { errorEntry } from '../../src/core/error-catalogue';
import { formatProblem, GitOpsError, problem } from '../../src/core/errors';

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
