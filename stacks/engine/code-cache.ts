import { createHash } from 'crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import Module, { createRequire } from 'module';
import { basename, dirname, join } from 'path';
import { Script } from 'vm';

/** What {@link runWithCodeCache} did with the cache. */
export interface CodeCacheUse {
  /** The cache file, named after a hash of the script's content. */
  readonly cacheFile: string;
  /** V8 took the cached code (no compiling of what it holds). */
  readonly used: boolean;
  /** A new cache is written when the process exits (there was none, or V8 rejected it). */
  readonly producing: boolean;
}

function shortHash(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/**
 * The cache file of a script with content `source`, beside it: keyed by a hash of the content, so
 * a changed script never meets an old cache (V8 itself only checks the length) and a rebuild that
 * writes the same bytes keeps its cache; and by the V8 flags (`NODE_OPTIONS`, which `cdktf synth`
 * sets, and node's own arguments), since V8 rejects a cache made under other flags.
 */
export function codeCacheFile(file: string, source: Buffer, env: NodeJS.ProcessEnv = process.env): string {
  const flags = shortHash(JSON.stringify([process.execArgv, env.NODE_OPTIONS ?? ''])).slice(0, 8);
  return join(dirname(file), `.${basename(file)}.${shortHash(source)}-${flags}.v8cache`);
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Runs a CommonJS file (the bundled app) as `require` would, but compiled with a V8 code cache
 * kept beside it: what Node 22's `module.enableCompileCache()` does, for Node 20. The first run
 * writes the cache at exit (with every function compiled by then); later runs skip most parsing
 * and compiling, about 60 ms of a synth. A cache that cannot be read, is rejected by V8 or cannot be
 * written costs nothing but that saving.
 */
export function runWithCodeCache(file: string): CodeCacheUse {
  const source = readFileSync(file);
  const cacheFile = codeCacheFile(file, source);
  const cachedData = readIfExists(cacheFile);
  const script = new Script(Module.wrap(source.toString('utf8')), { filename: file, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  if (!used) {
    process.once('exit', () => {
      try {
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
        // Caches of earlier builds of the script (those of this build under other flags stay).
        const prefix = `.${basename(file)}.`;
        const thisBuild = basename(cacheFile).slice(0, prefix.length + 16);
        for (const name of readdirSync(dirname(file))) {
          if (name.startsWith(prefix) && name.endsWith('.v8cache') && !name.startsWith(thisBuild)) rmSync(join(dirname(file), name), { force: true });
        }
      } catch {
        // A read-only install runs without the cache.
      }
    });
  }
  const entry = new Module(file);
  entry.filename = file;
  entry.loaded = true;
  (script.runInThisContext() as (...args: unknown[]) => void).call(entry.exports, entry.exports, createRequire(file), entry, file, dirname(file));
  return { cacheFile, used, producing: !used };
}
