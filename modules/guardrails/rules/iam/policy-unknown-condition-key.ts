import { conditionKeyNames, isKnownConditionKey } from '../../../iam/iam-catalogue';
import { conditionEntries, didYouMean } from './condition-helpers';
import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';

/**
 * Condition keys are global `aws:` keys or keys of an IAM service (a misspelt key is simply absent
 * from the request, so the condition silently never or always matches).
 * Fix: The documented key, e.g. `kms:ViaService`.
 */
export const policyUnknownConditionKey: PolicyRule = {
  code: 'PLS_POLICY_UNKNOWN_CONDITION_KEY',
  description: 'Condition keys are known global (aws:) or service condition keys',
  check: ({ policy }) =>
    statementsOf(policy).flatMap((s, i) =>
      conditionEntries(s)
        .filter((c) => !c.key.startsWith('${') && !isKnownConditionKey(c.key))
        .map((c) => {
          const colon = c.key.indexOf(':');
          const hint = colon > 0 ? didYouMean(c.key, conditionKeyNames(c.key.slice(0, colon))) : '';
          return `${statementLabel(s, i)} Condition ${c.operator}: found unknown condition key ${JSON.stringify(c.key)}${hint || '; expected a global key such as "aws:SourceVpce" or a service key such as "kms:ViaService"'}`;
        }),
    ),
};
