/**
 * Canary values: secrets whose text is searched for in everything an error exposes. If a canary (or
 * a fragment of one) shows up, a secret would have leaked.
 */
import { inspect } from "node:util";
import { expect } from "vitest";

/** A recognizable secret value. Fragments of it are searched for too. */
export const CANARY = "CANARY-7f3a9c-do-not-leak";

/** Everything a caller, a logger or a crash report can see of an error. */
export function exposedText(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: 20, showHidden: true, getters: true })];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current; depth++) {
    if (current instanceof Error) parts.push(current.message, current.stack ?? "", String(current));
    try {
      parts.push(JSON.stringify(current) ?? "");
    } catch {
      // circular structures: inspect above already covered them
    }
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join("\n");
}

/** Fails if any canary, or any 8-character piece of one, appears in what the error exposes. */
export function expectNoLeak(error: unknown, canaries: readonly string[] = [CANARY]): void {
  const text = exposedText(error);
  for (const canary of canaries) {
    for (let start = 0; start + 8 <= canary.length; start += 4) {
      const fragment = canary.slice(start, start + 8);
      expect(text, `fragment "${fragment}" of a secret leaked`).not.toContain(fragment);
    }
  }
}

/** Awaits a promise that must reject, and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/** The text a secret shows as inside JSON (and in validators that print with `JSON.stringify`). */
export function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
