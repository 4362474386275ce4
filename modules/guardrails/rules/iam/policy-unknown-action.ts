import { expandActionPattern, isKnownServicePrefix, serviceActions, servicePrefixNames } from '../../../iam/iam-catalogue';
import { didYouMean, isUnresolved } from './condition-helpers';
import { asList, PolicyRule, statementLabel, statementsOf } from '../policy-rule';

/** Why one Action / NotAction value is not a known IAM action, or undefined when it is. */
function actionProblem(action: unknown): string | undefined {
  if (typeof action !== 'string') return `found ${JSON.stringify(action)}; expected a string "service:Action"`;
  if (action === '*' || isUnresolved(action)) return undefined;
  const colon = action.indexOf(':');
  if (colon <= 0 || colon === action.length - 1) {
    return `found ${JSON.stringify(action)}; expected "service:Action" such as "secretsmanager:GetSecretValue", or "*"`;
  }
  const prefix = action.slice(0, colon);
  const name = action.slice(colon + 1);
  if (/[*?]/.test(prefix)) {
    return `found ${JSON.stringify(action)} with a wildcard in the service prefix; name one service per action, e.g. "secretsmanager:${name}"`;
  }
  if (!isKnownServicePrefix(prefix)) {
    return `found ${JSON.stringify(action)}: "${prefix}" is not an IAM service prefix${didYouMean(prefix, servicePrefixNames())}`;
  }
  if (expandActionPattern(action).length > 0) return undefined;
  if (/[*?]/.test(name)) {
    return `found ${JSON.stringify(action)}, which matches no ${prefix.toLowerCase()} action; fix the pattern or use "${prefix.toLowerCase()}:*"`;
  }
  const known = [...serviceActions(prefix).values()];
  return `found ${JSON.stringify(action)}, which is not a ${prefix.toLowerCase()} action${didYouMean(action, known)}`;
}

/**
 * Action and NotAction name real IAM actions: a known service prefix, and a name (or wildcard
 * pattern) that matches at least one action of that service in the IAM catalogue. `*` alone is fine.
 * Fix: A real action (the message suggests one); `*` alone is fine.
 */
export const policyUnknownAction: PolicyRule = {
  code: 'PLS_POLICY_UNKNOWN_ACTION',
  description: 'Action / NotAction name known IAM actions (wildcards must match at least one action)',
  check: ({ policy }) =>
    statementsOf(policy).flatMap((s, i) =>
      (['Action', 'NotAction'] as const).flatMap((element) =>
        asList<unknown>(s[element]).flatMap((action) => {
          const problem = actionProblem(action);
          return problem ? [`${statementLabel(s, i)} ${element}: ${problem}`] : [];
        }),
      ),
    ),
};
