import { spawnSync } from 'child_process';
import { existsSync, readdirSync, statSync } from 'fs';
import { join } from 'path';

/** The project root. */
export const ROOT = join(__dirname, '..', '..');

/**
 * Compiles the project (`npm run build`: the compile and the app bundle, what `npm run audit` does
 * first) when one of `paths` (without extension, e.g. `tools/audit`) has no compiled file in dist/ or
 * an older one (npm test builds first, so this is for running a test file alone). Throws when the
 * build leaves one missing (a type error elsewhere does not stop tsc's output); an older one may stay, as tsc's incremental build does not rewrite the
 * output of a source whose content did not change (after a `touch` or a checkout).
 */
export function ensureBuilt(paths: readonly string[]): void {
  const compiled = (path: string) => join(ROOT, 'dist', `${path}.js`);
  const stale = paths.some((path) => !existsSync(compiled(path)) || statSync(compiled(path)).mtimeMs < statSync(join(ROOT, `${path}.ts`)).mtimeMs);
  if (!stale) return;
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  const missing = paths.filter((path) => !existsSync(compiled(path)));
  if (build.status !== 0 || missing.length)
    throw new Error(`npm run build failed or did not compile ${missing.join(', ') || '(all there)'}:\n${build.stdout}${build.stderr}`);
}

/** The modules the audit CLI runs, for {@link ensureBuilt}. */
export const AUDIT_SOURCES = [
  'tools/audit',
  'tools/audit/trail-files',
  'modules/cloudtrail/cloudtrail-audit',
  'modules/cloudtrail/cloudtrail-stream',
  'stacks/regular-file',
];

/** The TypeScript sources under `dir` (relative to the project root), as paths without extension, for {@link ensureBuilt}. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name.slice(0, -3))] : [],
  );
}
