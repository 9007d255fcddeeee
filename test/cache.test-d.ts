import { describe, expectTypeOf, it } from "vitest";
import { type CoalescingOptions, coalescingTransport } from "../src/cache/coalescing-transport.js";
import { abortable } from "../src/core/abort.js";
import {
  type CacheErrorEvent,
  cachedTransport,
  createSecretsClient,
  memoryTransport,
  type SecretRecord,
  type Transport,
} from "../src/index.js";
import type { CachedTransport } from "../src/transports.js";

describe("cache option types", () => {
  it("takes cache options or false, nothing else", () => {
    createSecretsClient({ cache: false });
    createSecretsClient({ cache: { ttlMs: 60_000, maxEntries: 10, staleOnError: false, clock: () => 0 } });
    // @ts-expect-error the cache is on by default; `true` says nothing
    createSecretsClient({ cache: true });
    // @ts-expect-error ttl is in milliseconds, under a name that says so
    createSecretsClient({ cache: { ttl: 60 } });
  });

  it("gives onError a value-free event", () => {
    createSecretsClient({
      cache: {
        onError(event) {
          expectTypeOf(event).toEqualTypeOf<CacheErrorEvent>();
          expectTypeOf(event).not.toHaveProperty("value");
        },
      },
    });
  });

  it("takes maxAgeMs and forceRefresh per read", () => {
    const secrets = createSecretsClient({ transport: memoryTransport() });

    expectTypeOf(secrets.getSecret("id", { maxAgeMs: 1000, forceRefresh: true })).resolves.toBeString();
  });

  it("returns a transport that is still a transport, with a synchronous peek", () => {
    const transport = cachedTransport(memoryTransport());

    expectTypeOf(transport).toExtend<Transport>();
    expectTypeOf<CachedTransport["peekSecretValue"]>().returns.toEqualTypeOf<SecretRecord | undefined>();
  });

  it("takes a load deadline in milliseconds", () => {
    createSecretsClient({ cache: { loadTimeoutMs: 10_000 } });
    // @ts-expect-error milliseconds, a number
    createSecretsClient({ cache: { loadTimeoutMs: "10s" } });
  });

  it("coalesces any transport into a transport, and aborts a wait with the type of what it waits for", () => {
    const options: CoalescingOptions = { loadTimeoutMs: 1_000 };
    expectTypeOf(coalescingTransport(memoryTransport(), options)).toEqualTypeOf<Transport>();
    expectTypeOf(abortable(Promise.resolve(1), undefined, { operation: "x" })).toEqualTypeOf<Promise<number>>();
    expectTypeOf(abortable(async () => "a", undefined, { operation: "x" })).toEqualTypeOf<Promise<string>>();
  });
});
