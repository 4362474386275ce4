import { endpointIpAddressType } from './endpoint-ip-address-type';
import { endpointPrivateDnsVpc } from './endpoint-private-dns-vpc';
import { ingressCidrForm } from './ingress-cidr-form';
import { ingressOpenCidr } from './ingress-open-cidr';
import { ingressPublicCidr } from './ingress-public-cidr';
import { ingressPort } from './ingress-port';
import { kmsKeyBypassLockout } from './kms-key-bypass-lockout';
import { kmsKeyDeletionWindow } from './kms-key-deletion-window';
import { kmsKeyRotation } from './kms-key-rotation';
import { policyGrammar } from './policy-grammar';
import { policyKmsDenyServiceExemption } from './policy-kms-deny-service-exemption';
import { policyManagementDenyServiceExemption } from './policy-management-deny-service-exemption';
import { policyNegatedAllow } from './policy-negated-allow';
import { policyNotPrincipal } from './policy-not-principal';
import { policyPrincipalRequired } from './policy-principal-required';
import { policyPublicPrincipal } from './policy-public-principal';
import { PolicyRule } from './policy-rule';
import { policySid } from './policy-sid';
import { policySize } from './policy-size';
import { policySourceIpWithEndpoint } from './policy-source-ip-with-endpoint';
import { policySourceVpcId } from './policy-source-vpc-id';
import { policySourceVpcOperator } from './policy-source-vpc-operator';
import { policyUnknownAction } from './policy-unknown-action';
import { policyUnknownConditionKey } from './policy-unknown-condition-key';
import { policyTrustResource } from './policy-trust-resource';
import { policyUnknownConditionOperator } from './policy-unknown-condition-operator';
import { preventDestroy } from './prevent-destroy';
import { ResourceRule } from './resource-rule';
import { secretCustomerManagedKey } from './secret-customer-managed-key';
import { secretPolicyBlockPublic } from './secret-policy-block-public';
import { secretRecoveryWindow } from './secret-recovery-window';
import { securityGroupDescription } from './security-group-description';
import { securityGroupInlineEgress } from './security-group-inline-egress';

export * from './policy-rule';
export type { ResourceRule, ResourceRuleInput, ResourceRuleScope, TfConfig } from './resource-rule';
export { policyPrincipalRequired, policySize };
export {
  policyGrammar,
  policyKmsDenyServiceExemption,
  policyManagementDenyServiceExemption,
  policyNegatedAllow,
  policyNotPrincipal,
  policyPublicPrincipal,
  policySid,
  policySourceIpWithEndpoint,
  policySourceVpcId,
  policySourceVpcOperator,
  policyTrustResource,
  policyUnknownAction,
  policyUnknownConditionKey,
  policyUnknownConditionOperator,
};
export {
  endpointIpAddressType,
  endpointPrivateDnsVpc,
  ingressCidrForm,
  ingressOpenCidr,
  ingressPort,
  ingressPublicCidr,
  kmsKeyBypassLockout,
  kmsKeyDeletionWindow,
  kmsKeyRotation,
  preventDestroy,
  secretCustomerManagedKey,
  secretPolicyBlockPublic,
  secretRecoveryWindow,
  securityGroupDescription,
  securityGroupInlineEgress,
};

/** Every policy rule, run on every policy the modules render and by the guardrails Aspect. */
export const POLICY_RULES: readonly PolicyRule[] = [
  policyGrammar,
  policyPrincipalRequired,
  policyTrustResource,
  policySize,
  policySid,
  policyNotPrincipal,
  policyUnknownAction,
  policyUnknownConditionOperator,
  policyUnknownConditionKey,
  policyPublicPrincipal,
  policyNegatedAllow,
  policySourceVpcOperator,
  policySourceVpcId,
  policySourceIpWithEndpoint,
  policyKmsDenyServiceExemption,
  policyManagementDenyServiceExemption,
];

/** Every resource rule, run by the guardrails Aspect on the resources of the types each names. */
export const RESOURCE_RULES: readonly ResourceRule[] = [
  kmsKeyDeletionWindow,
  kmsKeyRotation,
  kmsKeyBypassLockout,
  preventDestroy,
  secretCustomerManagedKey,
  secretRecoveryWindow,
  secretPolicyBlockPublic,
  securityGroupDescription,
  securityGroupInlineEgress,
  ingressPort,
  ingressCidrForm,
  ingressOpenCidr,
  ingressPublicCidr,
  endpointPrivateDnsVpc,
  endpointIpAddressType,
];
