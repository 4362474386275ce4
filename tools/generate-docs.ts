import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { GENERATED_DOCS, REPO_ROOT, renderDocs } from './docs/render-docs';

/**
 * `npm run docs`: writes the generated references (docs/config-reference.md from the zod schema,
 * docs/guardrails.md from the rule objects). test/docs/generated-docs.test.ts fails when they are stale.
 */
const docs = renderDocs(REPO_ROOT);
for (const path of GENERATED_DOCS) {
  const target = join(REPO_ROOT, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, docs[path]);
  process.stdout.write(`Wrote ${path}\n`);
}
