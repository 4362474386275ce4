import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

/** Terraform JSON of a stack. */
export type TfJson = Record<string, any>;

/** A bare stack with an AWS provider, for module tests (modules never add a provider themselves). */
export function testStack(region = 'us-west-2'): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region });
  return stack;
}

/** Synthesizes with validations on, and parses. */
export function synthJson(stack: TerraformStack): TfJson {
  return JSON.parse(Testing.synth(stack, true)) as TfJson;
}

/** All resources of a type, as a list of their bodies (metadata removed by Testing.synth). */
export function resourcesOf(json: TfJson, type: string): TfJson[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** The single resource of a type; fails when there are none or several. */
export function onlyResource(json: TfJson, type: string): TfJson {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** A resource's policy attribute, parsed. */
export function policyOf(resource: TfJson): TfJson {
  return JSON.parse(resource.policy as string) as TfJson;
}

/** Runs the stack's validations (as synth does) and returns the error messages. */
export function validationErrors(scope: Construct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.validate());
}
