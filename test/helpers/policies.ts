import { createHash } from 'crypto';
import { Testing } from 'cdktf';
import { AccessModel } from '../../modules/iam/access-policies';
import { partitionOf } from '../../modules/core/aws-identifiers';
import { buildStacks } from '../../stacks/build-app';
import { EnvironmentConfig, StacksConfig } from '../../stacks/config';
import { TfJson } from './assertions';

/** An IAM policy document as JSON. */
export interface IamPolicy {
  readonly Version: string;
  readonly Statement: Record<string, any>[];
}

/**
 * A stand-in id of the right shape (`vpc-` / `vpce-` + 17 hex) for a resource, stable per
 * `<stack>/<resource address>`, so the same resource gets the same id wherever it is referenced and
 * two stacks' resources never share one (every environment's stacks use the same construct ids).
 */
export function standInId(kind: 'vpc' | 'vpce', stack: string, address: string): string {
  return `${kind}-${createHash('sha256').update(`${stack}/${address}`).digest('hex').slice(0, 17)}`;
}

const STAND_IN_KINDS: Record<string, 'vpc' | 'vpce'> = { aws_vpc: 'vpc', aws_vpc_endpoint: 'vpce' };
const REMOTE_OUTPUT = /^data\.terraform_remote_state\.cross-stack-reference-input-([^.]+)\.outputs\.(cross-stack-output-[A-Za-z0-9_-]+)$/;
const RESOURCE_ID = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.id$/;

/**
 * Replaces the Terraform references in synthesized policies with stand-in ids, as if the stacks had
 * been applied: `${aws_vpc.<name>.id}` and `${aws_vpc_endpoint.<name>.id}` of the stack itself, and
 * `${data.terraform_remote_state.cross-stack-reference-input-<producer>.outputs.cross-stack-output-…}`,
 * which is mapped back to the producer's output value (the producing resource address) and resolved
 * in the producer's stack, so the admin stack sees exactly the ids of the app stack's endpoints.
 * Any other reference throws: a policy must not silently keep an unresolved `${…}`.
 */
export class ReferenceResolver {
  constructor(private readonly stacks: Readonly<Record<string, TfJson>>) {}

  /** `text` with every `${…}` replaced by its stand-in, as seen from `stack`. */
  public resolve(stack: string, text: string): string {
    return text.replace(/\$\{([^}]*)\}/g, (_, expression: string) => this.resolveExpression(stack, expression));
  }

  /** The stand-in of one expression (without `${}`) as seen from `stack`. */
  public resolveExpression(stack: string, expression: string): string {
    const json = this.stack(stack);
    const remote = REMOTE_OUTPUT.exec(expression);
    if (remote) {
      const [, producer, output] = remote;
      if (!json.data?.terraform_remote_state?.[`cross-stack-reference-input-${producer}`]) {
        throw new Error(`stack ${stack}: ${expression} reads a remote state the stack does not declare`);
      }
      const value: unknown = this.stack(producer).output?.[output]?.value;
      const inner = typeof value === 'string' ? /^\$\{([^}]*)\}$/.exec(value) : null;
      if (!inner) {
        throw new Error(`stack ${stack}: ${expression}: stack ${producer} has no output ${output} holding a single reference (found ${JSON.stringify(value)})`);
      }
      return this.resolveExpression(producer, inner[1]);
    }
    const local = RESOURCE_ID.exec(expression);
    const kind = local && STAND_IN_KINDS[local[1]];
    if (local && kind) {
      if (!json.resource?.[local[1]]?.[local[2]]) throw new Error(`stack ${stack}: ${expression} names no resource of the stack`);
      return standInId(kind, stack, `${local[1]}.${local[2]}`);
    }
    throw new Error(
      `stack ${stack}: no stand-in for the reference \${${expression}}; expected the id of an aws_vpc or aws_vpc_endpoint, or a cross-stack output of one (extend test/helpers/policies.ts)`,
    );
  }

  private stack(name: string): TfJson {
    const json = this.stacks[name];
    if (!json) throw new Error(`no synthesized stack named ${name} (stacks: ${Object.keys(this.stacks).join(', ')})`);
    return json;
  }
}

/** One endpoint of a stack with its resolved id, VPC and policy. */
export interface EndpointPolicy {
  readonly stack: string;
  /** Terraform address, e.g. `aws_vpc_endpoint.endpoints_kms_endpoint_D3932F39`. */
  readonly address: string;
  readonly service: 'secretsmanager' | 'kms';
  readonly serviceName: string;
  readonly id: string;
  readonly vpcId: string;
  readonly policy: IamPolicy;
}

/** The endpoints of one VPC side. */
export interface SideEndpoints {
  readonly stack: string;
  readonly vpcId: string;
  readonly secretsmanager: EndpointPolicy;
  readonly kms: EndpointPolicy;
}

/** A key's resolved policy. */
export interface KeyPolicyOf {
  readonly stack: string;
  readonly address: string;
  readonly alias: string;
  readonly policy: IamPolicy;
}

/** A secret's resolved resource policy. */
export interface SecretPolicyOf {
  readonly stack: string;
  /** Address of the `aws_secretsmanager_secret_policy`. */
  readonly address: string;
  readonly name: string;
  /** Alias of the key that encrypts it. */
  readonly kmsKeyAlias: string;
  readonly policy: IamPolicy;
}

/** Every generated policy of one environment, references resolved. */
export interface EnvironmentPolicies {
  readonly env: EnvironmentConfig;
  /** `env.name`, or `default` for the one unnamed environment. */
  readonly label: string;
  readonly partition: string;
  readonly app: SideEndpoints;
  readonly admin: SideEndpoints;
  readonly keys: readonly KeyPolicyOf[];
  readonly secrets: readonly SecretPolicyOf[];
}

/** The synthesized stacks of a config. */
export interface SynthesizedConfig {
  /** Terraform JSON by stack name. */
  readonly stacks: Record<string, TfJson>;
  /** App and admin stack names per environment, in config order. */
  readonly environments: readonly { readonly env: EnvironmentConfig; readonly app: string; readonly admin: string }[];
  /** The stacks as built (synthesized already: what is added now is not in `stacks`). */
  readonly built: ReturnType<typeof buildStacks>;
}

/**
 * Builds the stacks of a config and synthesizes each with validations. Every stack is prepared
 * first, as `App.synth()` does: that is the step that turns a reference to another stack's resource
 * into a `terraform_remote_state` read plus an output of the producer. `beforeSynth` may add
 * constructs to the built stacks first (a role with granted statements, say). Without it the admin stack
 * would show `${aws_vpc_endpoint.<app endpoint>.id}`, an address its own endpoints share.
 */
export function synthesizeConfig(config: StacksConfig, beforeSynth: (built: ReturnType<typeof buildStacks>) => void = () => undefined): SynthesizedConfig {
  const built = buildStacks(Testing.app(), config);
  beforeSynth(built);
  const all = built.flatMap((s) => [s.app, s.admin]);
  all.forEach((stack) => stack.prepareStack());
  const stacks = Object.fromEntries(all.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack, true)) as TfJson]));
  return { stacks, environments: built.map((s) => ({ env: s.admin.env, app: s.app.node.id, admin: s.admin.node.id })), built };
}

function entries(json: TfJson, type: string): [string, TfJson][] {
  return Object.entries<TfJson>(json.resource?.[type] ?? {});
}

/** The resource name a `${<type>.<name>.<attribute>}` reference points at. */
function referencedName(value: unknown, type: string, attribute: string, where: string): string {
  const match = typeof value === 'string' ? new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.${attribute}\\}$`).exec(value) : null;
  if (!match) throw new Error(`${where}: expected a reference \${${type}.<name>.${attribute}}, found ${JSON.stringify(value)}`);
  return match[1];
}

function parsePolicy(resolver: ReferenceResolver, stack: string, address: string, policy: unknown): IamPolicy {
  if (typeof policy !== 'string') throw new Error(`${stack} ${address}: no policy string (found ${JSON.stringify(policy)})`);
  const resolved = resolver.resolve(stack, policy);
  return JSON.parse(resolved) as IamPolicy;
}

function sideEndpoints(resolver: ReferenceResolver, stacks: Record<string, TfJson>, stack: string): SideEndpoints {
  const found: EndpointPolicy[] = entries(stacks[stack], 'aws_vpc_endpoint').map(([name, body]) => {
    const address = `aws_vpc_endpoint.${name}`;
    const service = /\.(secretsmanager|kms|kms-fips)$/.exec(String(body.service_name))?.[1];
    if (!service) throw new Error(`${stack} ${address}: unexpected service_name ${JSON.stringify(body.service_name)}`);
    return {
      stack,
      address,
      service: service === 'secretsmanager' ? 'secretsmanager' : 'kms',
      serviceName: String(body.service_name),
      id: standInId('vpce', stack, address),
      vpcId: resolver.resolve(stack, String(body.vpc_id)),
      policy: parsePolicy(resolver, stack, address, body.policy),
    };
  });
  const one = (service: 'secretsmanager' | 'kms'): EndpointPolicy => {
    const matching = found.filter((e) => e.service === service);
    if (matching.length !== 1) throw new Error(`${stack}: expected one ${service} endpoint, found ${matching.length}`);
    return matching[0];
  };
  const secretsmanager = one('secretsmanager');
  const kms = one('kms');
  if (secretsmanager.vpcId !== kms.vpcId) throw new Error(`${stack}: the endpoints are in different VPCs (${secretsmanager.vpcId}, ${kms.vpcId})`);
  return { stack, vpcId: secretsmanager.vpcId, secretsmanager, kms };
}

/**
 * Every key, secret and endpoint policy of a config, as synthesized, with the Terraform references
 * replaced by consistent stand-in ids (see {@link ReferenceResolver}).
 */
export function synthesizedPolicies(config: StacksConfig, synthesized: SynthesizedConfig = synthesizeConfig(config)): EnvironmentPolicies[] {
  const { stacks } = synthesized;
  const resolver = new ReferenceResolver(stacks);
  return synthesized.environments.map(({ env, app, admin }) => {
    const json = stacks[admin];
    const aliasOfKey = new Map(
      entries(json, 'aws_kms_alias').map(([name, a]) => [
        referencedName(a.target_key_id, 'aws_kms_key', 'key_id', `${admin} aws_kms_alias.${name}`),
        String(a.name),
      ]),
    );
    const keys = entries(json, 'aws_kms_key').map(([name, body]) => {
      const address = `aws_kms_key.${name}`;
      const alias = aliasOfKey.get(name);
      if (!alias) throw new Error(`${admin} ${address}: no aws_kms_alias targets this key`);
      return { stack: admin, address, alias, policy: parsePolicy(resolver, admin, address, body.policy) };
    });
    const secrets = entries(json, 'aws_secretsmanager_secret_policy').map(([name, body]) => {
      const address = `aws_secretsmanager_secret_policy.${name}`;
      const secretName = referencedName(body.secret_arn, 'aws_secretsmanager_secret', 'arn', `${admin} ${address}`);
      const secret = json.resource.aws_secretsmanager_secret[secretName] as TfJson;
      const keyName = referencedName(secret.kms_key_id, 'aws_kms_key', 'arn', `${admin} aws_secretsmanager_secret.${secretName}`);
      return {
        stack: admin,
        address,
        name: String(secret.name),
        kmsKeyAlias: aliasOfKey.get(keyName)!,
        policy: parsePolicy(resolver, admin, address, body.policy),
      };
    });
    return {
      env,
      label: env.name ?? 'default',
      partition: partitionOf(env.region).name,
      app: sideEndpoints(resolver, stacks, app),
      admin: sideEndpoints(resolver, stacks, admin),
      keys,
      secrets,
    };
  });
}

/** An access model with literal ids (us-west-2, account 111122223333, one break-glass role), for policy unit tests. */
export const SAMPLE_ACCESS_MODEL: AccessModel = {
  partition: 'aws',
  region: 'us-west-2',
  accountId: '111122223333',
  adminVpcId: 'vpc-0a1b2c3d4e5f60718',
  appSecretsManagerEndpointIds: ['vpce-0a1b2c3d4e5f60718'],
  appKmsEndpointIds: ['vpce-1a1b2c3d4e5f60718'],
  managementExemptPrincipalArns: ['arn:aws:iam::111122223333:role/break-glass'],
};
