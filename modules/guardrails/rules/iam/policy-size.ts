import { POLICY_SIZE_LIMITS } from '../../../iam/policy-document';
import { PolicyRule } from '../policy-rule';

/** Stand-in length of an unresolved Terraform reference: the longest id it can become (`vpce-` + 17 hex). */
const TOKEN_PATTERN = /\$\{[^}]*\}/g;
const WORST_CASE_ID = 'x'.repeat(64);

/**
 * Endpoint and secret policies ≤ 20,480 characters; key policies ≤ 32,768 bytes.
 * Fix: Split statements, wildcards in `Resource`.
 */
export const policySize: PolicyRule = {
  code: 'PLS_POLICY_SIZE',
  description: 'Policy size within the AWS limit (20,480 characters for endpoint and secret policies, 32,768 bytes for key policies)',
  check: ({ text, kind }) => {
    const worstCase = text.replace(TOKEN_PATTERN, WORST_CASE_ID);
    const limit = POLICY_SIZE_LIMITS[kind];
    const size = kind === 'key' ? Buffer.byteLength(worstCase, 'utf8') : worstCase.length;
    const unit = kind === 'key' ? 'bytes' : 'characters';
    return size > limit
      ? [
          `policy is ${size} ${unit} (references counted at 64), over the ${kind} policy limit of ${limit} ${unit}; split statements or use wildcards in Resource`,
        ]
      : [];
  },
};
