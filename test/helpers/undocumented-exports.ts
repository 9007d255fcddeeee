// Exports with and without TSDoc, for test/api-docs.test.ts. Not imported by any code.

export const UNDOCUMENTED = 1;

/** A summary, but no example. */
export function withoutExample(): void {}

/**
 * Complete.
 * @example
 * ```ts
 * complete();
 * ```
 */
export function complete(): void {}

export interface UndocumentedOptions {
  readonly flag?: boolean;
}

/** Types need a summary only. */
export type Documented = string;
