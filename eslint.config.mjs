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
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@cdktf/provider-aws', message: 'Deep imports only.' }] }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
