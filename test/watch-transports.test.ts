/**
 * Watch handles on the real transports: the SDK transport against the loopback fake Secrets
 * Manager (a value that changes, DescribeSecret through the proposed `describeSecret`, behind the
 * client's cache), and the file transport (an edited file). Timers are fake; the I/O is real, so
 * each step waits for the handle to catch up.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createSecretsClient, fileTransport, isSecretsError, sdkTransport } from "../src/index.js";
import type { WatchRefreshEvent } from "../src/watch/types.js";
import { watchParameter, watchSecret } from "../src/watch/watch.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { addDescribeSecret, type FakeDescription, FakeScheduler } from "./helpers/fake-describe.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import type { FixtureVersion } from "./helpers/fixtures.js";

const Db = z.object({ user: z.string(), password: z.string() });
const MINUTE = 60_000;

const open: { close(): void }[] = [];
afterEach(() => {
  for (const handle of open.splice(0)) handle.close();
});

describe("watchSecret on the SDK transport (loopback Secrets Manager)", () => {
  const fixtures: Record<string, FixtureVersion[]> = {};
  const descriptions: Record<string, FakeDescription> = {};
  let server: AwsJsonServer;

  beforeAll(async () => {
    server = await startFakeSecretsManager(fixtures);
    addDescribeSecret(server, descriptions);
  });
  afterAll(() => server.close());

  function rotate(name: string, versionId: string, value: unknown): void {
    const old = (fixtures[name] ?? []).map((version) => ({ ...version, stages: [] as string[] }));
    fixtures[name] = [...old, { versionId, stages: ["AWSCURRENT"], value: JSON.stringify(value) }];
  }

  /** As the client builds it: the SDK transport (with describeSecret) behind the client's cache, on the fake clock. */
  async function client(scheduler: FakeScheduler) {
    return createSecretsClient({
      transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1", maxAttempts: 1 }),
      cache: { clock: () => scheduler.now() },
    });
  }

  const callsFor = (operation: string, id: string) =>
    server.calls(operation).filter((request) => request.body.SecretId === id);

  it("follows a changing value on the interval, through the client's cache, one GetSecretValue per tick", async () => {
    rotate("app/db", "v1", { user: "app", password: CANARY });
    const scheduler = new FakeScheduler(Date.UTC(2030, 0, 1), () => 0);
    const secrets = await client(scheduler);
    const refreshes: WatchRefreshEvent[] = [];
    const before = callsFor("GetSecretValue", "app/db").length;
    const db = await watchSecret(secrets.transport, "app/db", {
      schema: Db,
      scheduler,
      onRefresh: (event) => refreshes.push(event),
    });
    open.push(db);
    expect(db.current).toEqual({ user: "app", password: CANARY });
    expect(db.versionId).toBe("v1");

    rotate("app/db", "v2", { user: "app", password: "rotated" });
    await scheduler.advance(MINUTE);
    await vi.waitFor(() => expect(db.versionId).toBe("v2"));

    expect(db.current.password).toBe("rotated");
    expect(callsFor("GetSecretValue", "app/db").length - before).toBe(2);
    expect(refreshes.map((event) => [event.reason, event.previousVersionId, event.versionId])).toEqual([
      ["initial", undefined, "v1"],
      ["interval", "v1", "v2"],
    ]);
    // Readers of the client meanwhile get the cached value: no call.
    expect(await secrets.getSecretJson("app/db", { schema: Db })).toEqual({ user: "app", password: "rotated" });
    expect(callsFor("GetSecretValue", "app/db").length - before).toBe(2);
    await secrets.close();
  });

  it("checks shortly after NextRotationDate with a forced read, past the cache, instead of waiting out the interval", async () => {
    rotate("app/rotating", "r1", { user: "app", password: "one" });
    const scheduler = new FakeScheduler(Date.UTC(2030, 0, 1), () => 0);
    descriptions["app/rotating"] = { nextRotationDate: scheduler.now() + 10 * MINUTE };
    const secrets = await client(scheduler);
    const reasons: string[] = [];
    const db = await watchSecret(secrets.transport, "app/rotating", {
      schema: Db,
      scheduler,
      intervalMs: 3_600_000,
      onRefresh: (event) => reasons.push(event.reason),
    });
    open.push(db);
    await vi.waitFor(() => expect(callsFor("DescribeSecret", "app/rotating")).toHaveLength(1));
    expect(callsFor("DescribeSecret", "app/rotating")[0]?.body).toEqual({ SecretId: "app/rotating" });
    // The interval, the next lookup and the rotation check.
    await vi.waitFor(() => expect(scheduler.pending).toBe(3));

    rotate("app/rotating", "r2", { user: "app", password: "two" });
    descriptions["app/rotating"] = { nextRotationDate: scheduler.now() + 30 * 24 * 3_600_000 };
    await scheduler.advance(10 * MINUTE + 5_000);
    await vi.waitFor(() => expect(db.versionId).toBe("r2"));

    expect(reasons).toEqual(["initial", "rotation-due"]);
    await vi.waitFor(() => expect(callsFor("DescribeSecret", "app/rotating")).toHaveLength(2));
    await secrets.close();
  });

  it("describeSecret on the SDK transport: the dates as Dates, and AWS errors as value-free SecretsErrors", async () => {
    descriptions["app/described"] = { nextRotationDate: Date.UTC(2030, 5, 1), lastRotatedDate: Date.UTC(2030, 0, 1) };
    const sdk = sdkTransport({ endpoint: server.endpoint, region: "us-east-1", maxAttempts: 1 });
    const describeSecret = (request: { id: string }) =>
      (sdk.describeSecret as NonNullable<typeof sdk.describeSecret>)(request);

    const description = await describeSecret({ id: "app/described" });
    const error = await rejectionOf(describeSecret({ id: "app/none" }));

    expect(description).toMatchObject({
      name: "app/described",
      rotationEnabled: true,
      nextRotationDate: new Date(Date.UTC(2030, 5, 1)),
      lastRotatedDate: new Date(Date.UTC(2030, 0, 1)),
    });
    expect(description.lastChangedDate).toBeInstanceOf(Date);
    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect((error as Error).message).toContain("describeSecret");
  });

  it("reports a refused version without its value and keeps serving the last good one", async () => {
    rotate("app/refused", "g1", { user: "app", password: "good" });
    const scheduler = new FakeScheduler(Date.UTC(2030, 0, 1), () => 0);
    const secrets = await client(scheduler);
    const codes: string[] = [];
    const db = await watchSecret(secrets.transport, "app/refused", {
      schema: Db,
      scheduler,
      rotation: false,
      onError: (event) => {
        expectNoLeak(event);
        codes.push(event.code);
      },
    });
    open.push(db);

    rotate("app/refused", "bad", { user: CANARY });
    await db.refresh();

    expect(codes).toEqual(["SCHEMA_MISMATCH"]);
    expect(db.current.password).toBe("good");
    await secrets.close();
  });

  it("rejects a parameter watch with the first read's error (this fake serves no Parameter Store)", async () => {
    const scheduler = new FakeScheduler();
    const secrets = await client(scheduler);
    const error = await rejectionOf(watchParameter(secrets.transport, "/app/x", { scheduler }));

    expect(isSecretsError(error)).toBe(true);
    await secrets.close();
  });
});

describe("watchSecret on the file transport", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "secretwrangler-watch-"));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("picks up an edit of the file on the next tick, and an unchanged file is no change", async () => {
    const path = join(directory, "secrets.json");
    writeFileSync(path, JSON.stringify({ secrets: { "prod/db": { user: "app", password: "one" } } }));
    const transport = fileTransport(path);
    const scheduler = new FakeScheduler(Date.UTC(2030, 0, 1), () => 0);
    const refreshes: WatchRefreshEvent[] = [];
    const db = await watchSecret(transport, "prod/db", {
      schema: Db,
      scheduler,
      onRefresh: (event) => refreshes.push(event),
    });
    open.push(db);
    const first = db.versionId;

    await scheduler.advance(MINUTE);
    await vi.waitFor(() => expect(refreshes).toHaveLength(2));
    expect(refreshes[1]?.changed).toBe(false);

    writeFileSync(path, JSON.stringify({ secrets: { "prod/db": { user: "app", password: "two" } } }));
    // The interval, and the hourly rotation lookup (the file transport has describeSecret).
    await vi.waitFor(() => expect(scheduler.pending).toBe(2));
    await scheduler.advance(MINUTE);
    await vi.waitFor(() => expect(db.current.password).toBe("two"));

    expect(db.versionId).not.toBe(first);
    expect(refreshes[2]).toMatchObject({ reason: "interval", changed: true, previousVersionId: first });
  });
});
