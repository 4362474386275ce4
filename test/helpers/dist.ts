import { spawnSync } from 'child_process';
import { existsSync, statSync } from 'fs';
import { join } from 'path';

/** The project root. */
export const ROOT = join(__dirname, '..', '..');

/**
 * Compiles the project (`npm run build`, the same compile `npm run audit` does first) when one of
 * `paths` (without extension, e.g. `tools/audit`) has no compiled file in dist/ or an older one
 * (npm test builds first, so this is for running a test file alone). Throws when the build does not
 * bring them up to date.
 */
export function ensureBuilt(paths: readonly string[]): void {
  const stale = () =>
    paths.filter((path) => {
      const compiled = join(ROOT, 'dist', `${path}.js`);
      return !existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(ROOT, `${path}.ts`)).mtimeMs;
    });
  if (stale().length === 0) return;
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (stale().length) throw new Error(`npm run build did not compile ${stale().join(', ')}:\n${build.stdout}${build.stderr}`);
}

/** The modules the audit CLI runs, for {@link ensureBuilt}. */
export const AUDIT_SOURCES = ['tools/audit', 'tools/audit/trail-files', 'modules/cloudtrail-audit', 'modules/cloudtrail-stream', 'stacks/regular-file'];
