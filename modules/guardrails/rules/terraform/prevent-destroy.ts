import { asBoolean, found, isUnknown, ResourceRule } from '../resource-rule';

/**
 * Keys and secrets keep `lifecycle { prevent_destroy = true }`: destroying one loses the data it protects.
 * Fix: `lifecycle: { preventDestroy: true }`.
 */
export const preventDestroy: ResourceRule = {
  code: 'PLS_PREVENT_DESTROY',
  description: 'KMS keys and secrets have lifecycle.prevent_destroy = true',
  resourceTypes: ['aws_kms_key', 'aws_secretsmanager_secret'],
  check: ({ type, config }) => {
    const lifecycle = (config.lifecycle ?? {}) as Record<string, unknown>;
    const value = asBoolean(lifecycle.prevent_destroy);
    if (value === true || isUnknown(value)) return [];
    return [
      `lifecycle.prevent_destroy: ${found(value)}; expected true: a destroyed ${type === 'aws_kms_key' ? 'key makes everything it encrypted unreadable' : 'secret loses its value'}; set lifecycle: { preventDestroy: true }`,
    ];
  },
};
