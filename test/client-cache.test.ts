/**
 * A client reaches the cache it reads through: one it built itself, or a `cachedTransport` the user
 * built and passed in (the documented "your own transport" setup). It adds no second cache on top of
 * a transport that is a cache already.
 */
import { describe, expect, it } from "vitest";
import { cachedTransport, createSecretsClient, type SecretRecord, type Transport } from "../src/index.js";

/** A backend that counts its reads and answers the current value. */
function countingBackend(): { transport: Transport; calls: () => number; set: (value: string) => void } {
  let calls = 0;
  let value = "one";
  return {
    transport: {
      name: "counting",
      async getSecretValue({ id }): Promise<SecretRecord> {
        calls++;
        return { name: id, secretString: value, versionId: `v-${value}` };
      },
    },
    calls: () => calls,
    set: (next) => {
      value = next;
    },
  };
}

describe("the client and a cache it was given", () => {
  it("invalidate() reaches a cachedTransport passed as the transport", async () => {
    const backend = countingBackend();
    const secrets = createSecretsClient({ transport: cachedTransport(backend.transport) });
    expect(await secrets.getSecret("key")).toBe("one");
    backend.set("two");
    expect(await secrets.getSecret("key")).toBe("one");

    secrets.invalidate("key");

    expect(await secrets.getSecret("key")).toBe("two");
    expect(backend.calls()).toBe(2);
  });

  it("clearCache() reaches it too", async () => {
    const backend = countingBackend();
    const secrets = createSecretsClient({ transport: cachedTransport(backend.transport) });
    await secrets.getSecret("a");
    await secrets.getSecret("b");
    backend.set("two");

    secrets.clearCache();

    expect([await secrets.getSecret("a"), await secrets.getSecret("b")]).toEqual(["two", "two"]);
    expect(backend.calls()).toBe(4);
  });

  it("adds no second cache in front of a cachedTransport", async () => {
    const backend = countingBackend();
    const cached = cachedTransport(backend.transport);
    const secrets = createSecretsClient({ transport: cached });

    expect(secrets.transport).toBe(cached);
  });

  it("reaches both caches when asked for one of its own in front of the user's", async () => {
    const backend = countingBackend();
    const secrets = createSecretsClient({ transport: cachedTransport(backend.transport), cache: { ttlMs: 60_000 } });
    await secrets.getSecret("key");
    backend.set("two");

    secrets.invalidate("key");

    expect(await secrets.getSecret("key")).toBe("two");
  });
});
