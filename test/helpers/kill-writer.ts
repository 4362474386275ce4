import { readFileSync } from 'fs';
import { nodeFs } from '../../stacks/engine/output-fs';
import { writeOutput } from '../../stacks/engine/output-writer';
import { fakeStackFiles, FakeStack, faultyFs } from './output-faults';

// A child process for the kill tests (run compiled: node dist/test/helpers/kill-writer.js OUTDIR K STACKS.json):
// writes the fabricated stacks of STACKS.json into OUTDIR (flushed to disk) and SIGKILLs itself before its K-th changing
// file-system call; prints the number of changing calls when it gets through.
const [outdir, at, stacksFile] = process.argv.slice(2);
const stacks = JSON.parse(readFileSync(stacksFile, 'utf8')) as FakeStack[];
const { fs, count } = faultyFs(nodeFs, Number(at), { kind: 'sigkill' });
writeOutput(outdir, '0.21.0', fakeStackFiles(stacks), { fs, durable: true });
process.stdout.write(`${count()}\n`);
