/**
 * The retry delay shared by the agent transport and the refreshing cache: exponential, capped,
 * with "equal jitter".
 */

/**
 * The delay before retry number `attempt` (0 for the first retry): the step `baseMs * 2^attempt`,
 * capped at `maxMs`, of which half is fixed and half random ("equal jitter"). Retries of many
 * callers spread out, yet never bunch at 0 ms.
 *
 * @param attempt - 0 for the first retry, 1 for the second, ...
 * @param baseMs - the step of the first retry
 * @param maxMs - no step is larger than this
 * @param random - a number in [0, 1); replace it to make the delay predictable
 * @returns a delay in milliseconds, between half the step and the step
 *
 * @example
 * ```ts
 * jitteredBackoff(0, 100, 2_000); // 50 to 100
 * jitteredBackoff(3, 100, 2_000); // 400 to 800
 * jitteredBackoff(9, 100, 2_000); // 1000 to 2000 (capped)
 * ```
 */
export function jitteredBackoff(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** attempt);
  return step / 2 + random() * (step / 2);
}
