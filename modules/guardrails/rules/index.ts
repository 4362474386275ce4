import { endpointIpAddressType } from './ec2/endpoint-ip-address-type';
import { endpointPrivateDnsVpc } from './ec2/endpoint-private-dns-vpc';
import { ingressCidrForm } from './ec2/ingress-cidr-form';
import { ingressOpenCidr } from './ec2/ingress-open-cidr';
import { ingressPublicCidr } from './ec2/ingress-public-cidr';
import { ingressPort } from './ec2/ingress-port';
import { kmsKeyBypassLockout } from './kms/kms-key-bypass-lockout';
import { kmsKeyDeletionWindow } from './kms/kms-key-deletion-window';
import { kmsKeyRotation } from './kms/kms-key-rotation';
import { policyGrammar } from './iam/policy-grammar';
import { policyKmsDenyServiceExemption } from './iam/policy-kms-deny-service-exemption';
import { policyManagementDenyServiceExemption } from './iam/policy-management-deny-service-exemption';
import { policyNegatedAllow } from './iam/policy-negated-allow';
import { policyNotPrincipal } from './iam/policy-not-principal';
import { policyPrincipalRequired } from './iam/policy-principal-required';
import { policyPublicPrincipal } from './iam/policy-public-principal';
import { PolicyRule } from './policy-rule';
import { policySid } from './iam/policy-sid';
import { policySize } from './iam/policy-size';
import { policySourceIpWithEndpoint } from './iam/policy-source-ip-with-endpoint';
import { policySourceVpcId } from './iam/policy-source-vpc-id';
import { policySourceVpcOperator } from './iam/policy-source-vpc-operator';
import { policyUnknownAction } from './iam/policy-unknown-action';
import { policyUnknownConditionKey } from './iam/policy-unknown-condition-key';
import { policyTrustResource } from './iam/policy-trust-resource';
import { policyUnknownConditionOperator } from './iam/policy-unknown-condition-operator';
import { preventDestroy } from './terraform/prevent-destroy';
import { ResourceRule } from './resource-rule';
import { secretCustomerManagedKey } from './secretsmanager/secret-customer-managed-key';
import { secretPolicyBlockPublic } from './secretsmanager/secret-policy-block-public';
import { secretRecoveryWindow } from './secretsmanager/secret-recovery-window';
import { securityGroupDescription } from './ec2/security-group-description';
import { securityGroupInlineEgress } from './ec2/security-group-inline-egress';

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
