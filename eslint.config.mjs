// ESLint flat config. The layers of src/ and what each may import are described in
// docs/architecture.md; this file is where they are enforced.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier/flat';

// Every rule is an error, and `--max-warnings 0` in package.json keeps a rule added as a warning from
// being ignored.

// Layers, bottom to top. A layer may import only itself and the layers listed for it.
const LAYERS = {
  core: { dir: 'src/core', may: [] },
  model: { dir: 'src/model', may: ['core'] },
  rules: { dir: 'src/model/rules', may: ['core', 'model'] },
  preview: { dir: 'src/preview', may: ['core'] },
  release: { dir: 'src/release', may: ['core', 'model'] },
  live: { dir: 'src/live', may: ['core', 'model'] },
  constructs: { dir: 'src/constructs', may: ['core', 'model', 'rules'] },
  synth: { dir: 'src/synth', may: ['core', 'model', 'rules', 'release'] },
  workspace: { dir: 'src/workspace', may: ['core', 'model', 'rules', 'preview', 'release', 'constructs', 'synth'] },
  cli: { dir: 'src/cli', may: ['core', 'model', 'rules', 'preview', 'release', 'live', 'constructs', 'synth', 'workspace'] },
};
// model/ is its own files only; model/rules/ is a layer above it.
const glob = (name) => (name === 'model' ? 'src/model/*.ts' : `${LAYERS[name].dir}/**`);
const zones = Object.entries(LAYERS).map(([name, layer]) => ({
  target: glob(name),
  from: [
    ...Object.keys(LAYERS)
      .filter((other) => other !== name && !layer.may.includes(other))
      .map(glob),
    'src/index.*',
  ],
  message: `${name} may import only: ${[name, ...layer.may].join(', ')} (see docs/architecture.md).`,
}));

// Lazy require() only in the entry point (the writer of a program run on its own), the CLI's command table and at the heavy edges (yaml; cdk8s, cdk8s-plus-28, the Argo CD schemas, ajv; the preview's Go template engine).
const LAZY_ALLOWED = [
  'src/index.ts',
  'src/cli/main.ts',
  'src/core/yaml/parse.ts',
  'src/core/heavy-packages.ts',
  'src/preview/template-engine.ts',
];

export default tseslint.config(
  { ignores: ['lib/**', '.bench/**', 'coverage/**', 'docs/api/**', 'node_modules/**', 'platform-gitops/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Sets import-x/extensions and import-x/parsers for .ts: without them no-cycle follows no
  // TypeScript file and reports nothing.
  importX.flatConfigs.typescript,
  {
    files: ['**/*.ts'],
    languageOptions: { sourceType: 'module' },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { commonjs: true, ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-require-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='require']",
          message:
            'Lazy require() only in src/index.ts, src/cli/main.ts and the heavy edges (src/core/yaml/parse.ts, src/core/heavy-packages.ts, src/preview/template-engine.ts).',
        },
      ],
    },
  },
  {
    files: LAZY_ALLOWED,
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'examples/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
