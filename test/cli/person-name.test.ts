/** Names of people as commands record them: one line of visible text, trimmed. */
import { personName } from '../../src/cli/command';
import { gitOpsError } from '../support/platforms';

test('a name is trimmed, and any script is a name', () => {
  expect(personName('promote', '--approved-by', ' bob ')).toBe('bob');
  expect(personName('promote', '--by', 'José Ñúñez')).toBe('José Ñúñez');
  expect(personName('promote', '--by', '李雷')).toBe('李雷');
  expect(personName('promote', '--by', 'ci-bot[bot]')).toBe('ci-bot[bot]');
});

test.each([
  ['empty', ' '],
  ['on two lines', 'car\nol'],
  ['a zero-width space alone', '\u200b'],
  ['a word joiner alone', '\u2060'],
  ['a zero-width character inside', 'b\u200bob'],
  ['a right-to-left override', 'alice\u202eboj'],
  ['a Hangul filler after it, which shows as nothing', 'alice\u3164'],
  ['a half-width Hangul filler alone', '\uffa0'],
  ['no letter or digit', '--'],
  ['longer than 200 characters', 'a'.repeat(201)],
])('refuses a name %s (CG301)', (_what, name) => {
  const error = gitOpsError(() => personName('promote', '--approved-by', name));
  expect(error.code).toBe('CG301');
  expect(error.message).toContain('is not a name a ledger and a commit can record');
});
