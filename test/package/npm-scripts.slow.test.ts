import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { defaultConfig } from '../helpers/configs';
import { synthToTemp } from '../helpers/pipeline';
import { FIXTURES } from '../helpers/cloudtrail-records';

/**
 * `npm run audit` and `npm run report` as a user runs them: each builds first (seconds), so they are
 * in the slow layer (`npm run test:slow`); the compiled entries themselves are tested in
 * test/tools/audit/cli.test.ts.
 */

const ROOT = join(__dirname, '..', '..');
const SM = 'vpce-1234a5678b9012c';
const KMS = 'vpce-0295a3caf8414c94a';

function npm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run audit', () => {
  it('GIVEN the npm script WHEN run as a user runs it THEN it builds, audits and exits with the audit status', () => {
    const ok = npm(['run', '--silent', 'audit', '--', '--endpoint', SM, '--endpoint', KMS, FIXTURES]);
    expect(ok.stdout).toContain('No flagged calls');
    expect(ok.status).toBe(0);
  }, 120000);
});

describe('npm run report', () => {
  it('GIVEN the npm script WHEN run with --out THEN it builds and writes the report there', () => {
    const { project, outdir } = synthToTemp(defaultConfig());
    const out = join(project, 'report.md');
    const run = npm(['run', '--silent', 'report', '--', '--synth', outdir, '--out', out]);
    expect(run.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('## Environment `(default)`');
  }, 120000);
});
