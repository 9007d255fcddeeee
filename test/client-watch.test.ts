/** `secrets.watch()` and `secrets.watchParameter()` on the client: one schedule per id, closed with the client. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createSecretsClient } from "../src/index.js";
import { memoryTransport } from "../src/transports.js";
import { FakeScheduler } from "./helpers/fake-describe.js";

const MINUTE = 60_000;

describe("watching through the client", () => {
  it("follows a rotation, shares one schedule per id, and stops when the client closes", async () => {
    const memory = memoryTransport({ "prod/db": { user: "app", password: "one" } });
    const secrets = createSecretsClient({ transport: memory });
    const scheduler = new FakeScheduler(0, () => 0);
    const schema = z.object({ user: z.string(), password: z.string() });

    const first = await secrets.watch("prod/db", { schema, scheduler });
    const second = await secrets.watch("prod/db", { scheduler });
    const changes: string[] = [];
    first.onChange((change) => changes.push(change.value.password));
    // The interval, and the hourly rotation lookup (the memory transport has describeSecret).
    expect(scheduler.pending).toBe(2);

    memory.set("prod/db", { user: "app", password: "two" });
    await scheduler.advance(MINUTE);
    await expect.poll(() => first.current.password).toBe("two");

    expect(changes).toEqual(["two"]);
    expect((second.current as { password: string }).password).toBe("two");
    await secrets.close();
    expect(first.closed && second.closed).toBe(true);
    expect(scheduler.pending).toBe(0);
  });

  it("watches a parameter, typed by its type", async () => {
    const memory = memoryTransport({}, { parameters: { "/app/hosts": ["a", "b"] } });
    const secrets = createSecretsClient({ transport: memory });
    const scheduler = new FakeScheduler(0, () => 0);

    const hosts = await secrets.watchParameter("/app/hosts", { type: "StringList", scheduler });
    memory.setParameter("/app/hosts", ["a", "b", "c"]);
    await scheduler.advance(MINUTE);

    await expect.poll(() => hosts.current.length).toBe(3);
    await secrets.close();
  });
});
