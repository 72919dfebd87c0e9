/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 60000,
  // Most suites wait on git and CLI child processes: two workers keep both cores busy (jest's
  // default is one fewer worker than cores, one on a 2-core CI machine).
  maxWorkers: 2,
};
