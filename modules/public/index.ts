/**
 * `cdktf-privatelink-secrets`: the constructs (VPCs, interface endpoints, the customer managed key,
 * the protected secret, the audit trail), the policy model (also `cdktf-privatelink-secrets/policy`)
 * and the guardrails (also `cdktf-privatelink-secrets/guardrails`). CloudTrail parsing is in
 * `cdktf-privatelink-secrets/audit`. The config-driven app (stacks/) and the tools are not part of
 * the package.
 */
export * from '../endpoint-service';
export * from '../interface-endpoint';
export * from '../endpoint-security-group';
export * from '../service-endpoints';
export * from '../endpoint-vpc';
export * from '../private-vpc';
export * from '../existing-vpc';
export * from '../customer-managed-key';
export * from '../protected-secret';
export * from '../audit-trail';
export * from '../aws-identifiers';
export * from '../errors';
export { LOG_RETENTION_DAYS } from '../log-retention';
export type { OutsideEndpointFilterProps, PlannedFilter, WatchedKey } from '../outside-endpoint-filter';
export type { CidrRange } from '../cidr-ranges';
export * from './policy';
export * from './guardrails';
export type { IKmsKeyReference, ParsedKeyArn } from '../kms-key-reference';
export { KEY_DECRYPT_ACTIONS, KEY_ENCRYPT_ACTIONS, KMS_KEY_ID_PATTERN, keyUsageStatements, parseKeyArn } from '../kms-key-reference';
export * from '../imported-kms-key';
