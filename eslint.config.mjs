import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'lib/', 'cdktf.out/', 'coverage/', '**/*.js', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@cdktf/provider-aws', message: 'Import the class by deep path (@cdktf/provider-aws/lib/<resource>): the root costs ~1.8 s and ~500 MiB.' },
          ],
          patterns: [
            {
              group: ['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-simulate/*'],
              message: 'iam-simulate is AGPL: tests only, never modules/ or stacks/.',
            },
            {
              group: ['cdktf/lib', 'cdktf/lib/*'],
              message: "cdktf internals only behind the synth engine's seam (stacks/engine/): use the engine's exports.",
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The synth engine is the one seam where cdktf internals (cdktf/lib/*) may be used.
    files: ['stacks/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@cdktf/provider-aws', message: 'Deep imports only.' }],
          patterns: [{ group: ['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-simulate/*'], message: 'tests only' }],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@cdktf/provider-aws', message: 'Deep imports only.' }],
          patterns: [{ group: ['cdktf/lib', 'cdktf/lib/*'], message: 'cdktf internals only in stacks/engine/.' }],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
