import { readdirSync, readFileSync } from 'fs';
import { builtinModules } from 'module';
import { join } from 'path';
import * as ts from 'typescript';

/**
 * Every package the code imports is one package.json names. A package that is only there because
 * another one brought it (a transitive dependency) works until that one goes: the cdktn lane removes
 * `cdktf-cli`, and a test importing `@cdktf/hcl2json` through it stopped compiling there.
 * The library (modules/, what `lib/` is built from) may import only dependencies and peers, since a
 * consumer gets nothing else; the app, tools and tests may import devDependencies too.
 */

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const names = (field: string): string[] => Object.keys(pkg[field] ?? {});
const LIBRARY_PACKAGES = new Set([...names('dependencies'), ...names('peerDependencies')]);
const ALL_PACKAGES = new Set([...LIBRARY_PACKAGES, ...names('devDependencies')]);
const BUILTINS = new Set(builtinModules);

/** The package a bare import specifier names (`@scope/name` or `name`), or undefined for a relative or builtin one. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? undefined : name;
}

/** The .ts files under `folder`, recursively (read from disk: the cdktn lane runs in a copy that is no git checkout). */
function tsFilesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFilesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Imports, re-exports, `require()` calls and dynamic imports of every .ts file under `folders`. */
function importsUnder(folders: string[]): { file: string; pkg: string }[] {
  const files = folders.flatMap(tsFilesUnder);
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((file) =>
    ts
      .preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true)
      .importedFiles.map((i) => packageOf(i.fileName))
      .filter((p): p is string => p !== undefined)
      .map((p) => ({ file, pkg: p })),
  );
}

describe('declared imports', () => {
  it('GIVEN the library (modules/) THEN every package it imports is a dependency or a peer dependency', () => {
    const imports = importsUnder(['modules']);
    expect(imports.map((i) => i.pkg)).toContain('cdktf');
    expect(imports.filter((i) => !LIBRARY_PACKAGES.has(i.pkg))).toEqual([]);
  });

  it('GIVEN the app, tools and tests THEN every package they import is named in package.json', () => {
    const imports = importsUnder(['stacks', 'tools', 'test']);
    expect(imports.map((i) => i.pkg)).toEqual(expect.arrayContaining(['zod', '@cdktf/hcl2json', 'fast-check']));
    expect(imports.filter((i) => !ALL_PACKAGES.has(i.pkg))).toEqual([]);
  });

  it('GIVEN a specifier THEN its package is found the way Node resolves it', () => {
    expect(['@cdktf/provider-aws/lib/vpc-endpoint', 'cdktf/package.json', 'fs', 'node:fs', './x', 'fs/promises'].map(packageOf)).toEqual([
      '@cdktf/provider-aws',
      'cdktf',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
