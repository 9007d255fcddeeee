import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { memoryTransport, type StandardSchemaV1 } from "../src/index.js";
import type { WatchChange, WatchHandle } from "../src/watch/types.js";
import { watchParameter, watchRegistry, watchSecret } from "../src/watch/watch.js";

const transport = memoryTransport();

describe("watch types", () => {
  it("types current from the schema, deeply read-only", async () => {
    const schema = z.object({ user: z.string(), hosts: z.array(z.string()) });
    const db = await watchSecret(transport, "prod/db", { schema });

    expectTypeOf(db.current).toEqualTypeOf<{ readonly user: string; readonly hosts: readonly string[] }>();
    expectTypeOf(db.versionId).toEqualTypeOf<string | undefined>();
    expectTypeOf(db).toEqualTypeOf<WatchHandle<{ user: string; hosts: string[] }>>();
    // @ts-expect-error: current is read-only
    db.current.user = "x";
  });

  it("types current from any Standard Schema, or the caller's T, or unknown", async () => {
    const schema = {} as StandardSchemaV1<unknown, { token: string }>;

    expectTypeOf((await watchSecret(transport, "a", { schema })).current).toEqualTypeOf<{ readonly token: string }>();
    expectTypeOf((await watchSecret<{ n: number }>(transport, "a")).current).toEqualTypeOf<{ readonly n: number }>();
    expectTypeOf((await watchSecret(transport, "a")).current).toBeUnknown();
    expectTypeOf((await watchRegistry(transport).watchSecret("a", { schema })).current).toEqualTypeOf<{
      readonly token: string;
    }>();
  });

  it("types changes and the async iteration", async () => {
    const handle = await watchSecret<{ n: number }>(transport, "a");

    handle.onChange((change) => {
      expectTypeOf(change).toEqualTypeOf<WatchChange<{ n: number }>>();
      expectTypeOf(change.value).toEqualTypeOf<{ readonly n: number }>();
      expectTypeOf(change.reason).toEqualTypeOf<
        "initial" | "interval" | "rotation-due" | "transport-notified" | "forced" | "written"
      >();
    });
    for await (const change of handle) expectTypeOf(change.value.n).toEqualTypeOf<number>();
    expectTypeOf(handle.onChange(() => {})).toEqualTypeOf<() => void>();
    expectTypeOf(handle[Symbol.dispose]).toEqualTypeOf<() => void>();
  });

  it("narrows a parameter by its type", async () => {
    expectTypeOf((await watchParameter(transport, "/a", { type: "StringList" })).current).toEqualTypeOf<
      readonly string[]
    >();
    expectTypeOf((await watchParameter(transport, "/a", { type: "String" })).current).toEqualTypeOf<string>();
    expectTypeOf((await watchParameter(transport, "/a")).current).toEqualTypeOf<string | readonly string[]>();
  });

  it("refuses a pinned version at compile time", () => {
    // @ts-expect-error: a version id never changes
    void watchSecret(transport, "a", { versionId: "v1" });
    // @ts-expect-error: a parameter version never changes
    void watchParameter(transport, "/a", { version: 3 });
  });
});
