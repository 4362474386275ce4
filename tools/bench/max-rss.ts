import { createRequire } from 'module';
import { join, resolve } from 'path';

/**
 * Fallback memory probe for machines without GNU time: `node max-rss.js -e <code>` or
 * `node max-rss.js <script> [args]` runs the code or script in this process and, at exit, writes
 * `__BENCH_MAX_RSS_KIB__<n>` (this process's peak RSS, `process.resourceUsage().maxRSS`) to stderr.
 */
const [first, ...rest] = process.argv.slice(2);
process.on('exit', () => process.stderr.write(`__BENCH_MAX_RSS_KIB__${process.resourceUsage().maxRSS}\n`));
if (first === '-e') {
  // `-e` code resolves modules from the working directory, as `node -e` does.
  new Function('require', rest[0] ?? '')(createRequire(join(process.cwd(), 'bench-probe.js')));
} else if (first) {
  const script = resolve(first);
  process.argv = [process.argv[0], script, ...rest];
  createRequire(script)(script);
} else {
  process.stderr.write('usage: node max-rss.js -e <code> | <script> [args]\n');
  process.exitCode = 2;
}
