import { IConstruct } from 'constructs';
import { TerraformElement, TerraformOutput, TerraformStack, Token, Tokenization } from 'cdktf';
import { resolve } from 'cdktf/lib/_tokens';
import { deepMerge } from 'cdktf/lib/util';

/** The private fields of cdktf's TerraformStack that its toTerraform reads. */
interface StackInternals {
  readonly cdktfVersion: string;
  readonly rawOverrides: Record<string, unknown>;
}

/** The Terraform elements of a stack, not descending into nested stacks (cdktf's terraformElements). */
export function terraformElementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElementsOf(child, into);
  return into;
}

/** True when `value` holds a token anywhere (a stack override set to a reference, say). */
function holdsToken(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value);
  if (Tokenization.isResolvable(value)) return true;
  if (Array.isArray(value)) return value.some(holdsToken);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsToken);
  return false;
}

/**
 * What cdktf 0.21's `TerraformStack.toTerraform` returns, built the same way (metadata, output ids,
 * every element's resolved fragment, the stack's overrides) but without its last step, another
 * resolve of the whole merged document, unless the overrides hold a token: the fragments are
 * resolved already, and that resolve is a tenth of a fleet synth.
 */
export function stackJson(stack: TerraformStack): Record<string, unknown> {
  const { cdktfVersion, rawOverrides } = stack as unknown as StackInternals;
  const overridden = Object.keys(rawOverrides);
  const metadata: Record<string, unknown> = {
    version: cdktfVersion,
    stackName: stack.node.id,
    backend: 'local', // set by the backend's metadata
    cloud: undefined, // set by a cloud or remote backend's metadata
    ...(overridden.length > 0 ? { overrides: { stack: overridden } } : {}),
  };
  const elements = terraformElementsOf(stack);
  for (const meta of elements.map((e) => resolve(stack, e.toMetadata()))) deepMerge(metadata, meta);
  const outputs: Record<string, unknown> = {};
  for (const item of elements) {
    if (!TerraformOutput.isTerraformOutput(item)) continue;
    deepMerge(
      outputs,
      item.node.path
        .split('/')
        .reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? item.friendlyUniqueId : inner }), {}),
    );
  }
  const tf: Record<string, unknown> = { '//': { metadata, outputs } };
  for (const fragment of elements.map((e) => resolve(stack, e.toTerraform()))) deepMerge(tf, fragment);
  deepMerge(tf, rawOverrides);
  return holdsToken(rawOverrides) ? resolve(stack, tf) : tf;
}

/** cdktf's resolve of a value in a stack (tokens to Terraform expressions), for the engine's other files. */
export function resolveIn(stack: TerraformStack, value: unknown): unknown {
  return resolve(stack, value);
}
