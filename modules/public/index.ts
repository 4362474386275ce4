/**
 * `cdktf-privatelink-secrets`: the constructs (VPCs, interface endpoints, the customer managed key,
 * the protected secret, the audit trail), the policy model (also `cdktf-privatelink-secrets/policy`)
 * and the guardrails (also `cdktf-privatelink-secrets/guardrails`). CloudTrail parsing is in
 * `cdktf-privatelink-secrets/audit`. The config-driven app (stacks/) and the tools are not part of
 * the package.
 */
export * from '../ec2/endpoint-service';
export * from '../ec2/interface-endpoint';
export * from '../ec2/endpoint-security-group';
export * from '../ec2/service-endpoints';
export * from '../ec2/endpoint-vpc';
export * from '../ec2/private-vpc';
export * from '../ec2/existing-vpc';
export * from '../kms/customer-managed-key';
export * from '../secretsmanager/protected-secret';
export * from '../cloudtrail/audit-trail';
export * from '../core/aws-identifiers';
export * from '../core/errors';
export { LOG_RETENTION_DAYS } from '../cloudtrail/log-retention';
export type { OutsideEndpointFilterProps, PlannedFilter, WatchedKey } from '../cloudtrail/outside-endpoint-filter';
export type { CidrRange } from '../ec2/cidr-ranges';
export * from './policy';
export * from './guardrails';
export type { IKmsKeyReference, ParsedKeyArn } from '../kms/kms-key-reference';
export { KEY_DECRYPT_ACTIONS, KEY_ENCRYPT_ACTIONS, KMS_KEY_ID_PATTERN, keyUsageStatements, parseKeyArn } from '../kms/kms-key-reference';
export * from '../kms/imported-kms-key';
