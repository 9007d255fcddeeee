/**
 * A cache hit's short path (`getSecret` / `getSecretJson` answer a hit whose result is at hand
 * without an async function, and share one resolved promise per record and schema): it gives what
 * the full path gives, whatever the schemas, transports and failures around it.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createSecretsClient, memoryTransport, type SecretRecord, type Transport } from "../src/index.js";
import type { Freshness, SecretVersionOptions } from "../src/transport/types.js";

const VALUE = JSON.stringify({ user: "app", port: 5432 });

describe("a cache hit's short path", () => {
  it("gives each schema its own output when schemas alternate on one cached record", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport({ db: VALUE }), cache: { ttlMs: 60_000 } });
    const User = z.object({ user: z.string() }).transform((value) => value.user.toUpperCase());
    const Port = z.object({ port: z.number() }).transform((value) => value.port + 1);
    for (let round = 0; round < 3; round++) {
      expect(await secrets.getSecretJson("db", { schema: User })).toBe("APP");
      expect(await secrets.getSecretJson("db", { schema: Port })).toBe(5433);
      expect(await secrets.getSecretJson("db")).toEqual({ user: "app", port: 5432 });
      expect(await secrets.getSecret("db")).toBe(VALUE);
    }
  });

  it("gives the new value once the cached record changes", async () => {
    const transport = memoryTransport({ db: VALUE });
    const secrets = createSecretsClient({ transport, cache: { ttlMs: 60_000 } });
    const Schema = z.object({ user: z.string() });
    expect(await secrets.getSecretJson("db", { schema: Schema })).toEqual({ user: "app" });
    await secrets.putSecretValue("db", JSON.stringify({ user: "next" }));
    expect(await secrets.getSecretJson("db", { schema: Schema })).toEqual({ user: "next" });
    expect(await secrets.getSecretJson("db")).toEqual({ user: "next" });
  });

  it("calls a custom transport's peekSecretValue on the transport (a class method may use `this`)", async () => {
    class ClassTransport implements Transport {
      readonly name = "class";
      readonly #records = new Map<string, SecretRecord>([["db", Object.freeze({ name: "db", secretString: VALUE })]]);
      peeks = 0;
      async getSecretValue({ id }: { id: string }): Promise<SecretRecord> {
        return { name: id, secretString: VALUE };
      }
      peekSecretValue(id: string, _options?: SecretVersionOptions & Freshness): SecretRecord | undefined {
        this.peeks++;
        return this.#records.get(id);
      }
    }
    const transport = new ClassTransport();
    const secrets = createSecretsClient({ transport });
    expect(await secrets.getSecretJson("db")).toEqual({ user: "app", port: 5432 });
    expect(await secrets.getSecretJson("db")).toEqual({ user: "app", port: 5432 });
    expect(await secrets.getSecret("db")).toBe(VALUE);
    expect(transport.peeks).toBe(3);
  });

  it("turns a throwing peekSecretValue into a rejection, never a synchronous throw", async () => {
    const failure = new Error("peek failed");
    const transport: Transport = {
      name: "throwing",
      getSecretValue: async ({ id }) => ({ name: id, secretString: VALUE }),
      peekSecretValue: () => {
        throw failure;
      },
    };
    const secrets = createSecretsClient({ transport });
    let json: Promise<unknown> | undefined;
    let text: Promise<unknown> | undefined;
    expect(() => {
      json = secrets.getSecretJson("db");
      text = secrets.getSecret("db");
    }).not.toThrow();
    await expect(json).rejects.toBe(failure);
    await expect(text).rejects.toBe(failure);
  });

  it("answers an aborted read with ABORTED, not the cached value", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport({ db: VALUE }), cache: { ttlMs: 60_000 } });
    expect(await secrets.getSecretJson("db")).toEqual({ user: "app", port: 5432 });
    await expect(secrets.getSecretJson("db", { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "ABORTED",
    });
    await expect(secrets.getSecret("db", { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "ABORTED" });
  });
});
