import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import {
  type BatchResult,
  createSecretsClient,
  getSecretJson,
  memoryTransport,
  type SecretRecord,
  type StandardSchemaV1,
} from "../src/index.js";

const secrets = createSecretsClient({ transport: memoryTransport() });

describe("getSecretJson types", () => {
  it("infers the result from a zod schema", () => {
    const schema = z.object({ username: z.string(), port: z.coerce.number() });

    expectTypeOf(secrets.getSecretJson("db", { schema })).resolves.toEqualTypeOf<{
      readonly username: string;
      readonly port: number;
    }>();
    expectTypeOf(getSecretJson("db", { schema })).resolves.toEqualTypeOf<{
      readonly username: string;
      readonly port: number;
    }>();
  });

  it("infers the result from any Standard Schema", () => {
    const schema = {} as StandardSchemaV1<unknown, { token: string }>;

    expectTypeOf(secrets.getSecretJson("api", { schema })).resolves.toEqualTypeOf<{ readonly token: string }>();
  });

  it("returns unknown without a schema, or the caller's T", () => {
    expectTypeOf(secrets.getSecretJson("x")).resolves.toBeUnknown();
    expectTypeOf(secrets.getSecretJson<{ a: 1 }>("x")).resolves.toEqualTypeOf<{ readonly a: 1 }>();
  });

  it("types batch results per id", () => {
    const schema = z.object({ a: z.string() });

    expectTypeOf(secrets.getSecretsJson(["x"], { schema })).resolves.toEqualTypeOf<
      BatchResult<{ readonly a: string }>[]
    >();
  });

  it("returns text, bytes and metadata from the other reads", () => {
    expectTypeOf(secrets.getSecret("x")).resolves.toBeString();
    expectTypeOf(secrets.getSecretBinary("x")).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(secrets.getSecretValue("x")).resolves.toEqualTypeOf<SecretRecord>();
  });

  it("types parsed JSON deeply read-only, as it is frozen at run time", async () => {
    const schema = z.object({ db: z.object({ port: z.number(), hosts: z.array(z.string()) }), at: z.date() });
    const value = await secrets.getSecretJson("cfg", { schema });

    // @ts-expect-error: frozen at run time, so read-only in its type
    value.db.port = 1;
    // @ts-expect-error: arrays too
    value.db.hosts.push("x");
    expectTypeOf(value.at).toEqualTypeOf<Date>();
  });

  it("rejects a schema that is not a Standard Schema", () => {
    // @ts-expect-error: a plain object is not a schema
    secrets.getSecretJson("x", { schema: { parse: () => 1 } });
  });
});
