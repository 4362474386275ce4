import { resolve } from 'path';
import { formatTable, runBench } from './bench/run-bench';

/**
 * `npm run bench [-- --quick] [-- --runs N] [-- --envs N] [-- --test-runs N] [-- --audit-records N]`:
 * times the floor (`require('cdktf')`), the default synth, a generated fleet synth, `npx cdktf synth`,
 * the audit CLI over a generated gzip trail (records per second and peak memory; 1,000,000 records)
 * and `npm test`, and prints a Markdown table. `--quick` leaves out `npm test` and audits 100,000 records.
 */
function option(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value)) throw new Error(`${name}: found ${JSON.stringify(process.argv[i + 1])}; expected a number`);
  return value;
}

try {
  const result = runBench({
    projectDir: resolve(__dirname, '..', '..'),
    runs: option('--runs'),
    environments: option('--envs'),
    testRuns: process.argv.includes('--quick') ? 0 : option('--test-runs'),
    auditRecords: option('--audit-records') ?? (process.argv.includes('--quick') ? 100000 : undefined),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatTable(result)}\n`);
} catch (e) {
  process.stderr.write(`bench failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
