import { Construct } from 'constructs';
import { App, Aspects, TerraformStack } from 'cdktf';
import { resolve } from 'cdktf/lib/_tokens';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { partitionOf } from '../../modules/core/aws-identifiers';
import { invalidValue } from '../../modules/core/errors';
import { Guardrails, stackGuardrailViolations } from '../../modules/guardrails/guardrails';
import { EnvironmentConfig } from '../config';
import { guardForeignReferences } from './foreign-reference-guard';
import { stackJson, terraformElementsOf } from './stack-json';
import { terraformLiteralMap } from '../../modules/core/terraform-literal';
import { LiteralLocalBackend, LiteralS3Backend } from '../state-backends';

/** Terraform CLI versions the output is written for (S3 native locking needs 1.10). */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10.0';
/** The AWS provider the bindings were generated from; pipelines get exactly this major. */
export const AWS_PROVIDER_CONSTRAINT = '~> 5.100';

/** What cdktn's stacks record while resolving, for the validations of Terraform-function versions. */
interface DiscoveredUsage {
  readonly _usedFunctions: Set<string>;
  readonly _usedProviderFunctions: Set<string>;
}

/** A cdktn element: its provider-feature usage (write-only attributes) is found again in each resolve. */
interface ResolveDiscoveredElement {
  _resetResolveDiscoveredProviderFeatureUsage(): void;
  toTerraform(): unknown;
}

/**
 * Whether the runtime finds the Terraform functions and provider features a stack uses while
 * resolving it, for validations that run before its JSON is written (cdktn: `_runPreparingResolve`
 * on TerraformStack). Fails when it has that entry point but not the state it resets, rather than
 * skipping those validations silently.
 */
function discoversUsageByResolving(stack: TerraformStack): boolean {
  const base = TerraformStack.prototype as unknown as Partial<Record<'_runPreparingResolve', unknown>>;
  if (typeof base._runPreparingResolve !== 'function') return false;
  const usage = stack as unknown as Partial<DiscoveredUsage>;
  if (!(usage._usedFunctions instanceof Set) || !(usage._usedProviderFunctions instanceof Set)) {
    throw new Error(
      `stack ${stack.node.id}: found a cdktf runtime with TerraformStack._runPreparingResolve but without the usage sets it resets (_usedFunctions, _usedProviderFunctions); expected cdktn 0.24's, so its function-version validations would not be skipped`,
    );
  }
  return true;
}

/** The stack name for a side of an environment: `admin-vpc`, or `<env>-admin-vpc` with a name. */
export function stackName(env: Pick<EnvironmentConfig, 'name'>, side: 'admin' | 'app'): string {
  return env.name ? `${env.name}-${side}-vpc` : `${side}-vpc`;
}

/**
 * App context key: `true` builds the stacks for plain cdktf (`App.synth()`), with none of the synth
 * engine's overrides or process-wide patches: the `Guardrails` Aspect instead of the check on the
 * stack's JSON, cdktf's own `prepareStack` (which finds the cross-stack references) and
 * `toTerraform`, no foreign-reference guard. Only the oracle test (test/stacks/engine/cdktf-oracle.slow.test.ts)
 * sets it, to compare the engine's output with cdktf's.
 */
export const PLAIN_CDKTF_CONTEXT = 'cdktf-privatelink-secrets:plainCdktf';

/** Props of an {@link EnvironmentStack}. */
export interface EnvironmentStackProps {
  /** The validated environment. */
  readonly env: EnvironmentConfig;
  /** Which side of the environment the stack is. */
  readonly side: 'admin' | 'app';
}

/**
 * A stack of one environment: it owns its `AwsProvider` (region, allowed account, optional
 * assume-role, default tags) and its backend (local with a relative path, or S3); the modules it
 * holds stay provider-free. Every resource in it, ours or added by a user, is checked against the
 * guardrails on the stack's synthesized JSON. It reads values of other stacks only through
 * {@link valueFrom}: an attribute of another stack's resource used directly fails synth
 * (`PLS_FOREIGN_REFERENCE`).
 */
export class EnvironmentStack extends TerraformStack {
  public readonly env: EnvironmentConfig;
  public readonly partition: string;
  public readonly provider: AwsProvider;
  /** False when the App has {@link PLAIN_CDKTF_CONTEXT}: then the stack synthesizes as any cdktf stack. */
  public readonly engine: boolean;

  constructor(scope: Construct, props: EnvironmentStackProps) {
    const name = stackName(props.env, props.side);
    super(scope, name);
    this.engine = this.node.tryGetContext(PLAIN_CDKTF_CONTEXT) !== true;
    if (this.engine) guardForeignReferences((stack) => stack instanceof EnvironmentStack);
    else Aspects.of(this).add(new Guardrails());
    const env = props.env;
    this.env = env;
    this.partition = partitionOf(env.region).name;
    this.provider = new AwsProvider(this, 'aws', {
      region: env.region,
      allowedAccountIds: [env.accountId],
      assumeRole: env.deployRoleArn ? [{ roleArn: env.deployRoleArn, sessionName: `cdktf-${name}` }] : undefined,
      defaultTags: [
        {
          tags: terraformLiteralMap({
            ...env.tags,
            ManagedBy: 'cdktf-privatelink-secrets',
            Stack: name,
            ...(env.name ? { Environment: env.name } : {}),
          }),
        },
      ],
    });
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
    this.addOverride('terraform.required_providers.aws.source', 'hashicorp/aws');
    this.addOverride('terraform.required_providers.aws.version', AWS_PROVIDER_CONSTRAINT);
    const s3 = env.backend && 's3' in env.backend ? env.backend.s3 : undefined;
    if (s3) {
      const backend = new LiteralS3Backend(this, {
        bucket: s3.bucket,
        key: `${s3.keyPrefix ?? 'cdktf-privatelink-secrets'}/${name}.tfstate`,
        region: s3.region ?? env.region,
        encrypt: s3.encrypt ?? true,
        assumeRole: s3.roleArn ? { roleArn: s3.roleArn } : undefined,
      });
      if (s3.useLockfile ?? true) backend.addOverride('use_lockfile', true);
    } else {
      const local = env.backend && 'local' in env.backend ? env.backend.local : undefined;
      // Terraform runs in cdktf.out/stacks/<stack>: this relative path puts state next to package.json.
      new LiteralLocalBackend(this, (local?.path ?? '../../../terraform.{stack}.tfstate').replace(/\{stack\}/g, name));
    }
  }

  /**
   * `value` (an attribute of a resource in `producer`, e.g. `endpoint.endpointId`) as this stack
   * reads it: an output in `producer`, a `terraform_remote_state` of `producer`'s backend here, and
   * a dependency, so `cdktf deploy` applies `producer` first. The same wiring cdktf creates for an
   * implicit cross-stack reference, made when the stacks are built instead of by a second resolve
   * of every stack at synth.
   */
  public valueFrom(producer: TerraformStack, value: string): string {
    const expression: unknown = resolve(producer, value);
    const reference = typeof expression === 'string' ? /^\$\{([A-Za-z0-9_.\-[\]]+)\}$/.exec(expression)?.[1] : undefined;
    if (producer === this || !reference) {
      throw invalidValue(
        'PLS_CROSS_STACK_VALUE',
        `${this.node.id}.valueFrom(${producer.node.id})`,
        expression,
        "one attribute of a resource of another stack, such as an endpoint's endpointId",
      );
    }
    // Plain cdktf finds the reference itself when it prepares the stack, and wires the same output and remote state.
    return this.engine ? App.of(this).crossStackReference(producer, this, reference) : value;
  }

  /**
   * Ensures the backend, and on a runtime that discovers usage by resolving (cdktn) runs that
   * discovery ({@link _runPreparingResolve}). cdktf also resolves every element here to discover
   * implicit cross-stack references; these stacks wire them in {@link valueFrom} instead, which
   * halves the resolve work of a synth on cdktf 0.21. A reference that bypasses valueFrom fails
   * synth (`guardForeignReferences`).
   */
  public prepareStack(): void {
    if (!this.engine) return super.prepareStack();
    this.ensureBackendExists();
    if (discoversUsageByResolving(this)) this._runPreparingResolve();
  }

  /**
   * cdktn's discovery half of `prepareStack` (which its `Testing.synth(stack, true)` calls directly):
   * what cdktn does (clear this pass's Terraform-function usage, deactivate the resolve-discovered
   * provider-feature registrations, resolve every element so that both are found again for the
   * validations that follow) with a plain resolve instead of a preparing one, which would turn a
   * reference to another stack into remote state: here it fails with `PLS_FOREIGN_REFERENCE`.
   * Not called by cdktf 0.21, which has no such discovery. With {@link PLAIN_CDKTF_CONTEXT}, the
   * runtime's own.
   */
  public _runPreparingResolve(): void {
    if (!this.engine) {
      // Plain cdktf (the oracle): the runtime's own preparing resolve, which wires cross-stack references.
      (TerraformStack.prototype as unknown as Partial<Record<'_runPreparingResolve', () => void>>)._runPreparingResolve?.call(this);
      return;
    }
    if (!discoversUsageByResolving(this)) return;
    const usage = this as unknown as DiscoveredUsage;
    usage._usedFunctions.clear();
    usage._usedProviderFunctions.clear();
    const elements = terraformElementsOf(this) as unknown as ResolveDiscoveredElement[];
    for (const element of elements) element._resetResolveDiscoveredProviderFeatureUsage();
    for (const element of elements) resolve(this, element.toTerraform());
  }

  /**
   * The stack's Terraform JSON (as cdktf builds it, with one resolve less: see `stackJson`), after
   * checking that every resource passes the guardrails (what the `Guardrails` Aspect checks, on
   * this one resolve instead of one more per resource).
   */
  public toTerraform(): ReturnType<TerraformStack['toTerraform']> {
    if (!this.engine) return super.toTerraform();
    const tf = stackJson(this);
    const violations = stackGuardrailViolations(this, tf);
    if (violations.length > 0) throw new Error(`Validation failed with the following errors:\n  ${violations.join('\n  ')}`);
    return tf;
  }
}
