/** The SSM parameter types, apart so that the write requests (writes.ts) can use them too. */

/** The SSM parameter types. */
export type ParameterType = "String" | "StringList" | "SecureString";

/**
 * Every {@link ParameterType}, for checks at run time.
 *
 * @example
 * ```ts
 * PARAMETER_TYPES.includes('SecureString'); // true
 * ```
 */
export const PARAMETER_TYPES: readonly ParameterType[] = ["String", "StringList", "SecureString"];

/**
 * Whether a value is one of the {@link PARAMETER_TYPES}.
 *
 * @example
 * ```ts
 * if (!isParameterType(body.Type)) throw malformed('unknown parameter Type');
 * ```
 */
export function isParameterType(value: unknown): value is ParameterType {
  return (PARAMETER_TYPES as readonly unknown[]).includes(value);
}
