/**
 * The one choke point for backend calls: {@link tracedTransport} wraps any transport, built-in or
 * custom, so that each call of a backend method (the reads and, where present, the writes) is
 * published on `secretwrangler:backend`. The cache and the coalescer wrap what they read through
 * with it, so a cache hit is no backend call. Internal; the payload is {@link BackendEvent}.
 */
import { type BackendEvent, backendChannel, noteRecord, traced } from "../core/diagnostics.js";
import type { Transport } from "./types.js";

/**
 * The transport methods that call the backend, by name: the AWS service, the action and whether it
 * writes. Methods of this table that a transport has are traced; the rest are passed on untouched.
 */
const BACKEND_METHODS: Readonly<Record<string, readonly [BackendEvent["service"], string, BackendEvent["kind"]]>> = {
  getSecretValue: ["SecretsManager", "GetSecretValue", "read"],
  batchGetSecretValue: ["SecretsManager", "BatchGetSecretValue", "read"],
  batchGetSecretValueByFilter: ["SecretsManager", "BatchGetSecretValue", "read"],
  describeSecret: ["SecretsManager", "DescribeSecret", "read"],
  listSecrets: ["SecretsManager", "ListSecrets", "read"],
  getRandomPassword: ["SecretsManager", "GetRandomPassword", "read"],
  createSecret: ["SecretsManager", "CreateSecret", "write"],
  putSecretValue: ["SecretsManager", "PutSecretValue", "write"],
  updateSecret: ["SecretsManager", "UpdateSecret", "write"],
  tagSecret: ["SecretsManager", "TagResource", "write"],
  untagSecret: ["SecretsManager", "UntagResource", "write"],
  deleteSecret: ["SecretsManager", "DeleteSecret", "write"],
  restoreSecret: ["SecretsManager", "RestoreSecret", "write"],
  rotateSecret: ["SecretsManager", "RotateSecret", "write"],
  updateSecretVersionStage: ["SecretsManager", "UpdateSecretVersionStage", "write"],
  getParameter: ["SSM", "GetParameter", "read"],
  getParameters: ["SSM", "GetParameters", "read"],
  getParametersByPath: ["SSM", "GetParametersByPath", "read"],
  putParameter: ["SSM", "PutParameter", "write"],
  labelParameterVersion: ["SSM", "LabelParameterVersion", "write"],
  deleteParameter: ["SSM", "DeleteParameter", "write"],
};

/** The wrappers made so far, so that a transport wrapped twice (a cache and a coalescer) is traced once. */
const wrappers = new WeakMap<Transport, Transport>();
const wrapped = new WeakSet<Transport>();

/**
 * What a call is about, from its first argument alone: a name or path string, an array of them, or
 * the `id` / `name` of a request object. Nothing else of the arguments is looked at (a write's
 * value never is).
 */
function subjectOf(event: { id?: string | undefined; ids?: readonly string[] | undefined }, first: unknown): void {
  if (typeof first === "string") event.id = first;
  else if (Array.isArray(first)) event.ids = first.filter((id): id is string => typeof id === "string");
  else if (typeof first === "object" && first !== null) {
    const { id, name } = first as { id?: unknown; name?: unknown };
    if (typeof id === "string") event.id = id;
    else if (typeof name === "string") event.id = name;
  }
}

function traceMethod(
  inner: Transport,
  method: string,
  call: (...args: unknown[]) => Promise<unknown>,
  [service, operation, kind]: readonly [BackendEvent["service"], string, BackendEvent["kind"]],
): (...args: unknown[]) => Promise<unknown> {
  return (...args) => {
    if (!backendChannel.hasSubscribers) return call.apply(inner, args);
    const event: { -readonly [K in keyof BackendEvent]: BackendEvent[K] } = {
      method,
      operation,
      service,
      kind,
      transport: inner.name,
    };
    subjectOf(event, args[0]);
    return traced(backendChannel, event as BackendEvent, () => call.apply(inner, args), {
      settled: (settled, value) => noteRecord(settled, value, true),
    });
  };
}

/**
 * `inner` with its backend methods traced on `secretwrangler:backend` (checking `hasSubscribers`
 * first, so a call costs one check when no one listens). Every other property is `inner`'s: data
 * copied, accessors and other methods forwarded to `inner`. The same wrapper for the same
 * transport; a wrapper is returned as it is.
 */
export function tracedTransport(inner: Transport): Transport {
  if (wrapped.has(inner)) return inner;
  const known = wrappers.get(inner);
  if (known !== undefined) return known;
  const outer: Record<PropertyKey, unknown> = {};
  const seen = new Set<PropertyKey>();
  for (let source: object | null = inner; source !== null && source !== Object.prototype; ) {
    for (const key of Reflect.ownKeys(source)) {
      if (key === "constructor" || seen.has(key)) continue;
      seen.add(key);
      const descriptor = Object.getOwnPropertyDescriptor(source, key) as PropertyDescriptor;
      if (descriptor.get !== undefined || descriptor.set !== undefined) {
        Object.defineProperty(outer, key, { get: () => Reflect.get(inner, key), enumerable: descriptor.enumerable });
        continue;
      }
      const value: unknown = descriptor.value;
      const row = typeof key === "string" && Object.hasOwn(BACKEND_METHODS, key) ? BACKEND_METHODS[key] : undefined;
      if (typeof value !== "function") outer[key] = value;
      else if (row !== undefined) outer[key] = traceMethod(inner, key as string, value as never, row);
      else outer[key] = value.bind(inner);
    }
    source = Object.getPrototypeOf(source) as object | null;
  }
  const transport = outer as unknown as Transport;
  wrappers.set(inner, transport);
  wrapped.add(transport);
  return transport;
}
