/**
 * Writes through decorators: {@link forwardWrites} is the one way a transport that wraps another
 * (the cache, the coalescer, auto) passes on the write methods the inner one has, telling the
 * wrapper what each successful write changed ({@link writtenSubjects}) so it can forget it.
 */
import { SECRET_REFERENCE_PREFIX } from "./parameter-name.js";
import type { Transport } from "./types.js";
import { WRITE_METHODS, type WriteMethod } from "./writes.js";

/**
 * What a successful write changed: secrets (by the id written, the name and the ARN the backend
 * returned, and the `/aws/reference/secretsmanager/` parameter that reads it) or a parameter.
 */
export interface WrittenSubjects {
  readonly kind: "secret" | "parameter";
  readonly ids: readonly string[];
}

/** The writes of parameters; the other methods of {@link WRITE_METHODS} but the two reads are of secrets. */
const PARAMETER_WRITES: ReadonlySet<WriteMethod> = new Set([
  "putParameter",
  "labelParameterVersion",
  "deleteParameter",
]);
/** Management reads: passed on, changing nothing. */
const READS: ReadonlySet<WriteMethod> = new Set(["listSecrets", "getRandomPassword"]);

/** The request's `id` or `name`, and a result's `name` and `arn`, when they are strings. */
function stringsOf(value: unknown, keys: readonly string[]): string[] {
  if (typeof value !== "object" || value === null) return [];
  return keys.map((key) => (value as Record<string, unknown>)[key]).filter((item) => typeof item === "string");
}

/**
 * What a call of `method` with `request` that returned `result` changed, or `undefined` for the
 * management reads.
 */
export function writtenSubjects(method: WriteMethod, request: unknown, result: unknown): WrittenSubjects | undefined {
  if (READS.has(method)) return undefined;
  if (PARAMETER_WRITES.has(method)) return { kind: "parameter", ids: stringsOf(request, ["name"]) };
  const ids = new Set([...stringsOf(request, ["id"]), ...stringsOf(result, ["name", "arn"])]);
  for (const id of [...ids]) if (!id.startsWith("arn:")) ids.add(`${SECRET_REFERENCE_PREFIX}${id}`);
  return { kind: "secret", ids: [...ids] };
}

/**
 * Gives `outer` each write method `inner` has: a call goes to `inner`, and once it has succeeded
 * `written` is told what changed (before the caller sees the result). Every decorator uses this one
 * helper, so a write method added to the contract reaches every transport through them.
 */
export function forwardWrites(inner: Transport, outer: Transport, written?: (subjects: WrittenSubjects) => void): void {
  const methods = outer as unknown as Record<WriteMethod, (request: unknown) => Promise<unknown>>;
  for (const method of WRITE_METHODS) {
    const call = (inner as unknown as Partial<Record<WriteMethod, (request: unknown) => Promise<unknown>>>)[method];
    if (typeof call !== "function") continue;
    methods[method] = async (request: unknown) => {
      const result = await call.call(inner, request);
      const subjects = written && writtenSubjects(method, request, result);
      if (subjects) written?.(subjects);
      return result;
    };
  }
}
