import { ingressEntries, INGRESS_RESOURCE_TYPES, IngressEntry } from './ingress-helpers';
import { asNumber, isUnknown, ResourceRule } from '../resource-rule';

function portProblem(entry: IngressEntry): string | undefined {
  const { protocol, fromPort, toPort } = entry;
  if ([protocol, fromPort, toPort].some(isUnknown)) return undefined;
  const p = String(protocol ?? '').toLowerCase();
  if (p === '-1' || p === 'all') return `${entry.where}protocol: found ${JSON.stringify(protocol)} (every protocol and port)`;
  if (p !== 'tcp' && p !== '6') return `${entry.where}protocol: found ${JSON.stringify(protocol)}`;
  if (asNumber(fromPort) !== 443 || asNumber(toPort) !== 443) {
    return `${entry.where}from_port/to_port: found ${JSON.stringify(fromPort)}–${JSON.stringify(toPort)}`;
  }
  return undefined;
}

/**
 * Ingress to an endpoint security group is tcp/443 only: Secrets Manager and KMS endpoints listen on
 * HTTPS and nothing else. Runs on endpoint security groups only (a group an `aws_vpc_endpoint` of the
 * stack names, one an `EndpointSecurityGroup` made, one marked with
 * `Guardrails.markEndpointSecurityGroup`) and on the ingress rule resources of those groups: a
 * database group of the same stack may admit its own port.
 * Fix: Tcp, from and to port 443.
 */
export const ingressPort: ResourceRule = {
  code: 'PLS_INGRESS_PORT',
  description: 'Ingress to endpoint security groups only on tcp/443',
  resourceTypes: INGRESS_RESOURCE_TYPES,
  appliesTo: 'endpoint-security-groups',
  check: ({ type, config }) =>
    ingressEntries(type, config).flatMap((entry) => {
      const problem = portProblem(entry);
      return problem ? [`${problem}; expected protocol "tcp" with from_port 443 and to_port 443: interface endpoints only listen on HTTPS`] : [];
    }),
};
