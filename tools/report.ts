import { writeFileSync } from 'fs';
import { buildAccessReport, readSynthesizedStacks, renderAccessReportMarkdown } from './report/access-report';
import { GuardrailError } from '../modules/core/errors';

/**
 * `npm run report [-- --synth DIR] [--out FILE]`: reads a cdktf output directory (default
 * cdktf.out, written by `npm run synth`) and writes the access report (default access-report.md).
 * Exit 0 on success, 1 when the synth output cannot be read or evaluated, 2 on usage errors.
 */

const USAGE = `Usage: npm run report [-- --synth DIR] [--out FILE]

Evaluates the synthesized endpoint, secret and key policies of every environment in DIR
(default cdktf.out; run "npm run synth" first) and writes FILE (default access-report.md):
the access matrix (who can do what via which endpoint) and a Mermaid diagram.
`;

/** Where the entry writes. */
export interface ReportIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Runs the report; returns the exit status. */
export function main(args: readonly string[], io: ReportIo): number {
  let synth = 'cdktf.out';
  let out = 'access-report.md';
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') {
      io.out(USAGE);
      return 0;
    }
    if ((arg === '--synth' || arg === '--out') && args[i + 1] !== undefined && !args[i + 1].startsWith('--')) {
      if (arg === '--synth') synth = args[i + 1];
      else out = args[i + 1];
      i += 1;
      continue;
    }
    io.err(`report: ${arg === '--synth' || arg === '--out' ? `${arg} needs a value` : `unexpected argument ${arg}`}\n\n${USAGE}`);
    return 2;
  }
  try {
    const reports = buildAccessReport(readSynthesizedStacks(synth));
    writeFileSync(out, renderAccessReportMarkdown(reports, synth));
    io.out(
      `Wrote ${out}: ${reports.length} environment${reports.length === 1 ? '' : 's'} (${reports.map((r) => r.environment).join(', ') || 'none'}) from ${synth}\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof GuardrailError)) throw e;
    io.err(`report: ${e.message}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
}
