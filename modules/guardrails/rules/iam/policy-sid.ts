import { PolicyRule, statementsOf } from '../policy-rule';

/**
 * Sids, when given, are non-blank and unique within the policy (AWS rejects duplicates in several policy types).
 * Fix: Give each statement its own `Sid` (or none).
 */
export const policySid: PolicyRule = {
  code: 'PLS_POLICY_SID',
  description: 'Statement ids are unique and not empty',
  check: ({ policy }) => {
    const seen = new Map<string, number>();
    return statementsOf(policy).flatMap((s, i) => {
      if (s.Sid === undefined) return [];
      if (typeof s.Sid !== 'string' || s.Sid.trim() === '') {
        return [`Statement[${i}] has an empty Sid (found ${JSON.stringify(s.Sid)}); give it a unique name such as "AllowAppRead", or remove the Sid`];
      }
      const first = seen.get(s.Sid);
      if (first !== undefined) {
        return [`Statement[${i}] repeats Sid ${JSON.stringify(s.Sid)} of Statement[${first}]; give each statement its own Sid`];
      }
      seen.set(s.Sid, i);
      return [];
    });
  },
};
