/**
 * The client wiring proposed for src/client/client.ts, type-checked here until the client has it:
 * a client class with the watch methods of `WatchMethods`, implemented on its transport's registry.
 */
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { SecretReader } from "../src/read/secret.js";
import { memoryTransport } from "../src/transports/memory.js";
import type { WatchHandle, WatchParameterOptions, WatchSecretOptions } from "../src/watch/types.js";
import { type WatchMethods, watchRegistry } from "../src/watch/watch.js";

class WiredClient extends SecretReader implements WatchMethods {
  watch(id: string, options?: WatchSecretOptions): Promise<never> {
    return watchRegistry(this.transport).watchSecret(
      id,
      options as WatchSecretOptions & { schema?: undefined },
    ) as never;
  }

  watchParameter(name: string, options?: WatchParameterOptions): Promise<never> {
    return watchRegistry(this.transport).watchParameter(name, options) as never;
  }
}

describe("the client's watch methods", () => {
  it("type like watchSecret and watchParameter", async () => {
    const secrets: WatchMethods = new WiredClient(memoryTransport());
    const schema = z.object({ password: z.string() });

    expectTypeOf(await secrets.watch("prod/db", { schema })).toEqualTypeOf<WatchHandle<{ password: string }>>();
    expectTypeOf((await secrets.watch("prod/db")).current).toBeUnknown();
    expectTypeOf((await secrets.watchParameter("/a", { type: "StringList" })).current).toEqualTypeOf<
      readonly string[]
    >();
  });
});
