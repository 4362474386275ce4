import { assertRegion, assertResourceId, partitionOf, ResourceIdKind } from '../core/aws-identifiers';
import { Conditions } from './policy-statement';

/**
 * Condition helpers for the endpoint model. Network conditions use exact-match operators only
 * (`StringEquals` / `StringNotEquals`: no wildcards, which the guardrails reject) and check that
 * each id has the right prefix (`vpce-` for endpoints, `vpc-` for VPCs) unless it is a Terraform
 * reference, resolved at apply.
 */

function checkedIds(kind: ResourceIdKind, ids: readonly string[], field: string): string[] {
  ids.forEach((id, i) => {
    if (!id.includes('${')) assertResourceId(kind, id, `${field}[${i}]`);
  });
  return [...ids];
}

/** Request came through one of these interface endpoints (`aws:SourceVpce`). */
export function fromEndpoints(endpointIds: readonly string[]): Conditions {
  return { StringEquals: { 'aws:SourceVpce': checkedIds('vpce', endpointIds, 'endpointIds') } };
}

/** Request did not come through any of these interface endpoints: for a Deny. */
export function outsideEndpoints(endpointIds: readonly string[]): Conditions {
  return { StringNotEquals: { 'aws:SourceVpce': checkedIds('vpce', endpointIds, 'endpointIds') } };
}

/** Request came through an endpoint in one of these VPCs (`aws:SourceVpc`). */
export function fromVpcs(vpcIds: readonly string[]): Conditions {
  return { StringEquals: { 'aws:SourceVpc': checkedIds('vpc', vpcIds, 'vpcIds') } };
}

/** Request did not come from any of these VPCs: for a Deny. */
export function outsideVpcs(vpcIds: readonly string[]): Conditions {
  return { StringNotEquals: { 'aws:SourceVpc': checkedIds('vpc', vpcIds, 'vpcIds') } };
}

/**
 * The caller is one of these principals (sessions of a role match its ARN). `ArnEquals`: the ARNs
 * are exact role or user ARNs (see `assertExactPrincipalArns` in access-policies.ts), and the
 * operator says so to a reviewer.
 */
export function principalsIn(principalArns: readonly string[]): Conditions {
  return { ArnEquals: { 'aws:PrincipalArn': [...principalArns] } };
}

/** Exempts these exact principals from a Deny (break-glass, deploy role, rotation roles): `ArnNotEquals`. */
export function exceptPrincipals(principalArns: readonly string[]): Conditions {
  return { ArnNotEquals: { 'aws:PrincipalArn': [...principalArns] } };
}

/** `secretsmanager.<region>.<DNS suffix of the region's partition>`: the `kms:ViaService` value of Secrets Manager in `region`. */
export function secretsManagerViaService(region: string): string {
  assertRegion(region);
  return `secretsmanager.${region}.${partitionOf(region).dnsSuffix}`;
}

/**
 * Exempts from a KMS Deny exactly one service acting for the caller: Secrets Manager of `region`
 * (`StringNotEquals kms:ViaService`). No other service (S3, EBS, …) and no direct call is exempt.
 */
export function exceptSecretsManagerFor(region: string): Conditions {
  return { StringNotEquals: { 'kms:ViaService': [secretsManagerViaService(region)] } };
}

/** All of these conditions at once (IAM ANDs operators and keys; values of one key are ORed). */
export function allOf(...parts: Conditions[]): Conditions {
  const out: Record<string, Record<string, string[]>> = {};
  for (const part of parts) {
    for (const [operator, keys] of Object.entries(part)) {
      for (const [key, value] of Object.entries(keys)) {
        const values = typeof value === 'string' ? [value] : [...value];
        (out[operator] ??= {})[key] = [...(out[operator][key] ?? []), ...values];
      }
    }
  }
  return out;
}
