/**
 * All errors the modules raise, in one place. Each carries a stable `code` so tools and tests can
 * match on it, and a message that names the field, the value received and the fix.
 */
export class GuardrailError extends Error {
  /** Stable machine-readable code, e.g. `PLS_SUBNET_DUPLICATE_AZ`. */
  public readonly code: string;
  /** The prop or JSON path that holds the bad value. */
  public readonly field: string;

  constructor(code: string, field: string, message: string) {
    super(`[${code}] ${field}: ${message}`);
    this.name = 'GuardrailError';
    this.code = code;
    this.field = field;
  }
}

/** Renders a value for an error message: strings quoted, everything else as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** `found X; expected Y` error for a field. */
export function invalidValue(code: string, field: string, value: unknown, expected: string): GuardrailError {
  return new GuardrailError(code, field, `found ${describeValue(value)}; expected ${expected}`);
}
