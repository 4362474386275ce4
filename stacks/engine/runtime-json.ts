import { createRequire } from 'module';

/** Writes a value as the runtime writes its JSON files (cdk.tf.json, metadata.json, manifest.json). */
export type JsonWriter = (value: unknown) => string;

/**
 * The serializers cdktf runtimes write their JSON files with, by package name, each called the way the
 * runtime calls it (2-space indentation, keys sorted): cdktf 0.21 ships json-stable-stringify, CDK
 * Terrain (cdktn) safe-stable-stringify. They differ in more than the call: an empty array is `[\n  ]`
 * in one and `[]` in the other.
 */
const RUNTIME_SERIALIZERS: Readonly<Record<string, (module: unknown) => JsonWriter>> = {
  'json-stable-stringify': (module) => (value) => (module as (v: unknown, o: { space: number }) => string | undefined)(value, { space: 2 }) ?? '',
  'safe-stable-stringify': (module) => (value) => (module as { default: (v: unknown, r: null, s: number) => string | undefined }).default(value, null, 2) ?? '',
};

let runtimeWriter: JsonWriter | undefined;

/**
 * The JSON writer of the cdktf runtime installed as `cdktf` (cdktf itself, or cdktn installed under
 * that name): the serializer the runtime's package depends on, loaded from the runtime's own
 * dependencies, so our output follows byte for byte what the runtime's `App.synth` writes whichever
 * runtime it is. Fails, naming what it found, for a runtime that ships none or several of the known ones.
 */
export function runtimeJsonWriter(): JsonWriter {
  if (runtimeWriter) return runtimeWriter;
  const runtimeManifest = require.resolve('cdktf/package.json');
  const runtime = createRequire(runtimeManifest);
  const manifest = runtime(runtimeManifest) as { name: string; version: string; dependencies?: Record<string, string> };
  const known = Object.keys(manifest.dependencies ?? {}).filter((name) => name in RUNTIME_SERIALIZERS);
  if (known.length !== 1) {
    throw new Error(
      `the cdktf runtime (${manifest.name}@${manifest.version}): found ${known.length === 0 ? 'no' : known.join(' and ')} JSON serializer among its dependencies; expected exactly one of ${Object.keys(RUNTIME_SERIALIZERS).join(', ')}`,
    );
  }
  runtimeWriter = RUNTIME_SERIALIZERS[known[0]](runtime(known[0]));
  return runtimeWriter;
}
