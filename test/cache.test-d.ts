import { describe, expectTypeOf, it } from "vitest";
import {
  type CachedTransport,
  type CacheErrorEvent,
  cachedTransport,
  createSecretsClient,
  memoryTransport,
  type SecretRecord,
  type Transport,
} from "../src/index.js";

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
});
