/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // The examples import the package (and the example team library) by name, as a platform program does.
  moduleNameMapper: {
    '^cdk8s-gitops$': '<rootDir>/src',
    '^@acme/payments-team$': '<rootDir>/examples/payments-team/src',
  },
  testTimeout: 60000,
  // Most suites wait on git and CLI child processes: two workers keep both cores busy (jest's
  // default is one fewer worker than cores, one on a 2-core CI machine).
  maxWorkers: 2,
};
