import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const codeCache = resolve(__dirname, '..', '..', '..', 'dist', 'stacks', 'engine', 'code-cache.js');

/** Runs `file` through runWithCodeCache in a fresh node (the cache is written at process exit); returns what it printed. */
function run(file: string, nodeOptions = ''): { use: { used: boolean; producing: boolean; cacheFile: string }; printed: string } {
  const out = execFileSync(
    process.execPath,
    ['-e', `const u = require(${JSON.stringify(codeCache)}).runWithCodeCache(${JSON.stringify(file)}); console.log('USE ' + JSON.stringify(u));`],
    { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: nodeOptions } },
  );
  const [printed, use] = out.split('USE ');
  return { use: JSON.parse(use), printed };
}

function script(dir: string, body: string): string {
  const file = join(dir, 'script.js');
  writeFileSync(file, body);
  return file;
}

const BODY = `const path = require('path');
module.exports.answer = 42;
console.log([typeof exports, path.basename(__filename), path.basename(__dirname) === path.basename(process.env.DIR || __dirname), typeof require.resolve].join(' '));
`;

describe('runWithCodeCache', () => {
  it('GIVEN a CommonJS file THEN it runs as require would run it; the first run writes the cache, the next uses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-code-cache-'));
    const file = script(dir, BODY);
    const first = run(file);
    expect(first.printed).toBe('object script.js true function\n');
    expect(first.use).toEqual(expect.objectContaining({ used: false, producing: true }));
    expect(existsSync(first.use.cacheFile)).toBe(true);
    const second = run(file);
    expect(second.printed).toBe(first.printed);
    expect(second.use).toEqual(expect.objectContaining({ used: true, producing: false, cacheFile: first.use.cacheFile }));
  });

  it('GIVEN a corrupt cache THEN V8 rejects it, the script still runs, and a good cache replaces it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-code-cache-'));
    const file = script(dir, BODY);
    const { use } = run(file);
    writeFileSync(use.cacheFile, Buffer.alloc(4096, 7));
    const rejected = run(file);
    expect(rejected.printed).toBe('object script.js true function\n');
    expect(rejected.use.used).toBe(false);
    expect(run(file).use.used).toBe(true);
  });

  it('GIVEN the script changed (same length, other content) THEN the old cache is not used, and it is removed once the new one is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-code-cache-'));
    const file = script(dir, BODY);
    const before = run(file).use.cacheFile;
    writeFileSync(file, BODY.replace('answer = 42', 'answer = 43'));
    const after = run(file);
    expect(after.use.cacheFile).not.toBe(before);
    expect(after.use.used).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.v8cache'))).toEqual([after.use.cacheFile.split('/').pop()]);
  });

  it('GIVEN runs under other V8 flags (cdktf synth sets NODE_OPTIONS) THEN each set of flags keeps its own cache, and both are used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-code-cache-'));
    const file = script(dir, BODY);
    const plain = run(file);
    const cli = run(file, '--max-old-space-size=16384');
    expect(cli.use.cacheFile).not.toBe(plain.use.cacheFile);
    expect(run(file).use.used).toBe(true);
    expect(run(file, '--max-old-space-size=16384').use.used).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.v8cache'))).toHaveLength(2);
  });

  it('GIVEN the script rewritten with the same bytes (a rebuild) THEN its cache is still used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-code-cache-'));
    const file = script(dir, BODY);
    run(file);
    writeFileSync(file, BODY);
    expect(run(file).use.used).toBe(true);
  });

  it('GIVEN the app launched through the cache THEN its output is byte for byte that of the bundle run directly', () => {
    const root = resolve(__dirname, '..', '..', '..');
    const outs = ['launch', 'main'].map((entry) => {
      const out = join(mkdtempSync(join(tmpdir(), 'pls-launch-')), 'cdktf.out');
      execFileSync(process.execPath, [join(root, 'dist', 'app', `${entry}.js`)], {
        cwd: root,
        env: { ...process.env, CDKTF_OUTDIR: out, SYNTH_HCL_OUTPUT: '' },
      });
      return ['manifest.json', 'stacks/app-vpc/cdk.tf.json', 'stacks/admin-vpc/cdk.tf.json'].map((f) => readFileSync(join(out, f), 'utf8'));
    });
    expect(outs[0]).toEqual(outs[1]);
  });
});
