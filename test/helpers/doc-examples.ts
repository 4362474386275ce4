import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as ts from 'typescript';
import * as modules from '../../modules/public';

/** The first ```ts block after `heading` (a `## …` line) of docs/library.md. */
export function libraryExample(heading: string): string {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'library.md'), 'utf8');
  const at = doc.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`docs/library.md has no heading ${JSON.stringify(heading)}`);
  const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(at));
  if (!block) throw new Error(`docs/library.md: no ts block after ${JSON.stringify(heading)}`);
  return block[1];
}

/**
 * Runs an example of docs/library.md as the program it is (`cdktf-privatelink-secrets` resolved to
 * the entry point modules/public), synthesizing into a fresh directory; returns that directory.
 * Compiled with the type checker's transpiler only: the type check is the package-install test's.
 */
export function runLibraryExample(heading: string): string {
  const js = ts.transpileModule(libraryExample(heading), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const outdir = mkdtempSync(join(tmpdir(), 'pls-library-example-'));
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    const localRequire = (id: string) => (id === 'cdktf-privatelink-secrets' ? modules : jest.requireActual(id));
    new Function('require', 'exports', js)(localRequire, {});
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
  return outdir;
}
