import { IConstruct } from 'constructs';

/** Metadata type under which {@link Guardrails.suppress} records a suppression on a construct. */
export const GUARDRAIL_SUPPRESSION_METADATA = 'cdktf-privatelink-secrets:guardrail-suppression';

/** A guardrail code switched off for a construct and everything below it, with the reason why. */
export interface GuardrailSuppression {
  /** The suppressed code, e.g. `PLS_KMS_DELETION_WINDOW`. */
  readonly code: string;
  /** Why the rule does not apply here (at least 10 characters). */
  readonly reason: string;
  /** Path of the construct the suppression was added to. */
  readonly path: string;
}

/** The suppressions in force for a construct: its own and those of every scope above it. */
export function suppressionsOf(construct: IConstruct): GuardrailSuppression[] {
  return construct.node.scopes.flatMap((scope) =>
    scope.node.metadata
      .filter((entry) => entry.type === GUARDRAIL_SUPPRESSION_METADATA)
      .map((entry) => ({ ...(entry.data as { code: string; reason: string }), path: scope.node.path })),
  );
}
