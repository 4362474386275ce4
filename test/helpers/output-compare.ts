import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { runtimeJsonWriter } from '../../stacks/engine/runtime-json';
import { SYNTH_FOLDER } from '../../stacks/engine/output-lock';

/**
 * The files of a synth output (`manifest.json`, `stacks/<stack>/…`), relative and sorted, read
 * through links (the engine's files are links into `.synth/current`); the engine's own `.synth/`
 * folder is left out.
 */
export function outputFiles(dir: string, under = ''): string[] {
  const files: string[] = [];
  for (const name of readdirSync(join(dir, under)).sort()) {
    const relative = under ? `${under}/${name}` : name;
    if (relative === SYNTH_FOLDER) continue;
    if (statSync(join(dir, relative)).isDirectory()) files.push(...outputFiles(dir, relative));
    else files.push(relative);
  }
  return files;
}

/** Options of {@link firstDifference}. */
export interface CompareOptions {
  /** What the first output is called in the message. @default 'expected' */
  readonly expected?: string;
  /** What the second output is called in the message. @default 'actual' */
  readonly actual?: string;
  /** Files (relative path) whose content is not compared; they must still be in both. @default - none */
  readonly skip?: (file: string) => boolean;
  /** The text of a file as compared (e.g. {@link withoutCallSites} for manifest.json). @default - the file as it is */
  readonly comparable?: (file: string, text: string) => string;
}

/**
 * The first difference between two synth outputs, byte for byte, named for a reader: a file only
 * one of them has, else the first file whose bytes differ, with its first differing line (1-based)
 * in both. Undefined when they are the same.
 */
export function firstDifference(expectedDir: string, actualDir: string, options: CompareOptions = {}): string | undefined {
  const labels = { expected: options.expected ?? 'expected', actual: options.actual ?? 'actual' };
  const comparable = options.comparable ?? ((_: string, text: string) => text);
  const expected = outputFiles(expectedDir);
  const actual = outputFiles(actualDir);
  const missing = expected.find((f) => !actual.includes(f));
  if (missing) return `${missing}: only in the ${labels.expected} output (${expectedDir}); the ${labels.actual} output has ${actual.join(', ')}`;
  const extra = actual.find((f) => !expected.includes(f));
  if (extra) return `${extra}: only in the ${labels.actual} output (${actualDir}); the ${labels.expected} output has ${expected.join(', ')}`;
  for (const file of expected.filter((f) => !options.skip?.(f))) {
    const a = readFileSync(join(expectedDir, file));
    const b = readFileSync(join(actualDir, file));
    if (a.equals(b)) continue;
    const textA = comparable(file, a.toString('utf8'));
    const textB = comparable(file, b.toString('utf8'));
    if (textA === textB) continue;
    const linesA = textA.split('\n');
    const linesB = textB.split('\n');
    let line = 0;
    while (line < Math.max(linesA.length, linesB.length) && linesA[line] === linesB[line]) line += 1;
    const shown = (l: string | undefined) => (l === undefined ? '(end of file)' : JSON.stringify(l));
    return `${file} line ${line + 1}: ${labels.expected} ${shown(linesA[line])}, ${labels.actual} ${shown(linesB[line])}`;
  }
  return undefined;
}

/**
 * A manifest's annotation stack trace frame without its location, `new AppVpcStack (/…/x.js:1:2)`
 * → `new AppVpcStack`, and with the `_` esbuild puts before the name of a class it bundles
 * (`_Annotations.addInfo` → `Annotations.addInfo`).
 */
function frameName(frame: string): string {
  const named = /^(.*?) \(.*\)$/.exec(frame);
  return named ? named[1].replace(/^(new |async )?_(?=[A-Z])/, '$1') : '<anonymous>';
}

/**
 * A `manifest.json` with each annotation's stack trace cut down to what does not depend on the
 * program that built the stacks: the function names (no file paths or lines, no esbuild renames:
 * the app runs a bundle) from where the annotation was added up to `buildStacks`, without the callers of
 * `buildStacks` (the app's synth, or another program). The rest of the manifest stays as it is; a
 * manifest not formatted as the runtime formats it (its own serializer: `runtimeJsonWriter`) is returned
 * unchanged, so formatting is compared too.
 */
export function withoutCallSites(manifest: string): string {
  type Annotated = { stacks?: Record<string, { annotations?: { stacktrace?: string[] }[] }> };
  let parsed: Annotated;
  try {
    parsed = JSON.parse(manifest) as Annotated;
  } catch {
    return manifest;
  }
  if (runtimeJsonWriter()(parsed) !== manifest) return manifest;
  for (const stack of Object.values(parsed.stacks ?? {})) {
    for (const annotation of stack.annotations ?? []) {
      if (!annotation.stacktrace) continue;
      const names = annotation.stacktrace.map(frameName);
      const build = names.indexOf('buildStacks');
      annotation.stacktrace = build < 0 ? names : names.slice(0, build + 1);
    }
  }
  return runtimeJsonWriter()(parsed);
}
