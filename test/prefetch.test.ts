import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cachedTransport } from "../src/cache/cached-transport.js";
import { type PrefetchRequest, prefetch } from "../src/cache/prefetch.js";
import { ArgumentError } from "../src/core/errors.js";
import {
  type BatchResult,
  createSecretsClient,
  type SecretRecord,
  SecretsError,
  sdkTransport,
  type Transport,
} from "../src/index.js";
import type { SecretFilter } from "../src/transports.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { FakeClock, flush, scriptedBackend } from "./helpers/cache-backend.js";
import { type FakeSecretMetadata, startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import type { Fixtures } from "./helpers/fixtures.js";

const TTL = 10_000;
const AHEAD = 1_000;
const cache = (clock: FakeClock) => ({
  ttlMs: TTL,
  refreshAheadMs: AHEAD,
  refreshJitterMs: 0,
  firstRefreshSpreadMs: 0,
  clock: clock.read,
});

/** A scripted backend plus a filter read over its secrets: `name` and `tag-key` filters (tags: `team` on `prod/` secrets). */
function filterBackend(values: Record<string, string>) {
  const backend = scriptedBackend(values);
  const filterCalls: SecretFilter[][] = [];
  let failure: SecretsError | undefined;
  const matches = (id: string, { key, values: wanted }: SecretFilter) =>
    key === "name" ? wanted.some((prefix) => id.startsWith(prefix)) : key === "tag-key" && id.startsWith("prod/");
  const transport: Transport = {
    ...backend.transport,
    async batchGetSecretValueByFilter(filters) {
      filterCalls.push([...filters]);
      if (failure) throw failure;
      return [...backend.values.keys()]
        .filter((id) => filters.every((filter) => matches(id, filter)))
        .map(
          (id): BatchResult<SecretRecord> =>
            id.endsWith("/locked")
              ? {
                  id,
                  ok: false,
                  error: new SecretsError({ code: "ACCESS_DENIED", operation: "batchGetSecretValue", secretId: id }),
                }
              : { id, ok: true, value: { name: id, versionId: "f1", secretString: backend.values.get(id) } },
        );
    },
  };
  return {
    backend,
    transport,
    filterCalls,
    fail(error: SecretsError | undefined) {
      failure = error;
    },
  };
}

describe("prefetch by id", () => {
  it("reads the ids in one batch call and caches them as reads would: later reads make no call", async () => {
    const backend = scriptedBackend({ "prod/db": "db", "prod/api": "api" });
    const clock = new FakeClock();
    const transport = cachedTransport(backend.transport, cache(clock));

    const results = await prefetch(transport, { ids: ["prod/db", "prod/api", "prod/gone"] });

    expect(results).toEqual([
      { source: "id", id: "prod/db", ok: true },
      { source: "id", id: "prod/api", ok: true },
      { source: "id", id: "prod/gone", ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) },
    ]);
    expect(backend.batchCalls).toEqual([["prod/db", "prod/api", "prod/gone"]]);
    expect(transport.peekSecretValue("prod/db")?.secretString).toBe("db");
    expect((await transport.getSecretValue({ id: "prod/api" })).secretString).toBe("api");
    expect(backend.calls).toHaveLength(0);
  });

  it("keeps the TTL of a read: no refresh before ttlMs - refreshAheadMs, one batched refresh at it", async () => {
    const backend = scriptedBackend({ a: "1", b: "2" });
    const clock = new FakeClock();
    const transport = cachedTransport(backend.transport, cache(clock));
    await prefetch(transport, { ids: ["a", "b"] });

    clock.advance(TTL - AHEAD - 1);
    transport.peekSecretValue("a");
    await flush();
    expect(backend.batchCalls).toHaveLength(1);

    clock.advance(1);
    transport.peekSecretValue("a");
    await flush();
    expect(backend.batchCalls).toEqual([
      ["a", "b"],
      ["a", "b"],
    ]);
    expect(backend.calls).toHaveLength(0);
  });

  it("gives every id a result when the transport has no batch call (one read each)", async () => {
    const backend = scriptedBackend({ a: "1" });
    const { batchGetSecretValue: _, ...single } = backend.transport;
    const results = await prefetch(cachedTransport(single as Transport), { ids: ["a", "b"] });
    expect(results.map(({ id, ok }) => [id, ok])).toEqual([
      ["a", true],
      ["b", false],
    ]);
    expect(backend.calls.map(({ id }) => id)).toEqual(["a", "b"]);
  });

  it("turns a throttled batch into failed results, not a thrown batch", async () => {
    const backend = scriptedBackend({ a: "1", b: "2" });
    backend.fail("THROTTLED");
    const results = await prefetch(cachedTransport(backend.transport), { ids: ["a", "b"] });
    expect(results).toEqual([
      { source: "id", id: "a", ok: false, error: expect.objectContaining({ code: "THROTTLED" }) },
      { source: "id", id: "b", ok: false, error: expect.objectContaining({ code: "THROTTLED" }) },
    ]);
  });

  it("ends with ABORTED results when its signal is aborted", async () => {
    const backend = scriptedBackend({ a: "1" });
    const controller = new AbortController();
    controller.abort(new Error("shutting down"));
    const results = await prefetch(cachedTransport(backend.transport), { ids: ["a"], signal: controller.signal });
    expect(results).toEqual([
      { source: "id", id: "a", ok: false, error: expect.objectContaining({ code: "ABORTED" }) },
    ]);
  });
});

describe("prefetch by filter", () => {
  const values = { "prod/db": "db", "prod/api": "api", "prod/locked": "x", "dev/db": "dev" };

  it("reads every secret a name prefix finds and caches each under its name", async () => {
    const { backend, transport, filterCalls } = filterBackend(values);
    const cached = cachedTransport(transport, cache(new FakeClock()));

    const results = await prefetch(cached, { namePrefix: "prod/" });

    expect(filterCalls).toEqual([[{ key: "name", values: ["prod/"] }]]);
    expect(results).toEqual([
      { source: "filter", id: "prod/db", ok: true },
      { source: "filter", id: "prod/api", ok: true },
      { source: "filter", id: "prod/locked", ok: false, error: expect.objectContaining({ code: "ACCESS_DENIED" }) },
    ]);
    expect((await cached.getSecretValue({ id: "prod/db" })).versionId).toBe("f1");
    expect(cached.peekSecretValue("dev/db")).toBeUndefined();
    expect(backend.calls).toHaveLength(0);
    expect(backend.batchCalls).toHaveLength(0);
  });

  it("stores what a filter found with the age of the call: it refreshes at ttlMs - refreshAheadMs", async () => {
    const { backend, transport } = filterBackend(values);
    const clock = new FakeClock();
    const cached = cachedTransport(transport, cache(clock));
    await prefetch(cached, { filters: [{ key: "tag-key", values: ["team"] }] });

    clock.advance(TTL - AHEAD - 1);
    cached.peekSecretValue("prod/db");
    await flush();
    expect(backend.batchCalls).toHaveLength(0);
    clock.advance(1);
    cached.peekSecretValue("prod/db");
    await flush();
    expect(backend.batchCalls).toEqual([["prod/db", "prod/api"]]);
  });

  it("passes namePrefix and filters together, every one to match", async () => {
    const { transport, filterCalls } = filterBackend(values);
    await prefetch(cachedTransport(transport), {
      namePrefix: "prod/",
      filters: [{ key: "tag-key", values: ["team"] }],
    });
    expect(filterCalls).toEqual([
      [
        { key: "name", values: ["prod/"] },
        { key: "tag-key", values: ["team"] },
      ],
    ]);
  });

  it("gives a filter call that fails as a whole one failed result naming the filters", async () => {
    const { transport, fail } = filterBackend(values);
    fail(new SecretsError({ code: "THROTTLED", operation: "batchGetSecretValue" }));
    const results = await prefetch(cachedTransport(transport), { namePrefix: "prod/", ids: ["dev/db"] });
    expect(results).toEqual([
      { source: "id", id: "dev/db", ok: true },
      { source: "filter", id: "name=prod/", ok: false, error: expect.objectContaining({ code: "THROTTLED" }) },
    ]);
  });

  it("gives a CONFIG result for filters on a transport that cannot read by filter", async () => {
    const backend = scriptedBackend(values);
    const results = await prefetch(cachedTransport(backend.transport), { namePrefix: "prod/" });
    expect(results).toEqual([
      { source: "filter", id: "name=prod/", ok: false, error: expect.objectContaining({ code: "CONFIG" }) },
    ]);
  });

  it("reads by filter through a client without a cache too (the coalescer passes it on)", async () => {
    const { transport, filterCalls } = filterBackend(values);
    const client = createSecretsClient({ transport, cache: false });
    const results = await client.prefetch({ namePrefix: "dev/" });
    expect(results).toEqual([{ source: "filter", id: "dev/db", ok: true }]);
    expect(filterCalls).toHaveLength(1);
  });
});

describe("prefetch of parameter paths", () => {
  it("reads each path as getParametersByPath would, so that read is a hit afterwards", async () => {
    const backend = scriptedBackend({ "/app/prod/url": "https://x", "/app/prod/db/host": "db" });
    const client = createSecretsClient({ transport: backend.transport, cache: { clock: new FakeClock().read } });

    const results = await client.prefetch({ paths: ["/app/prod"], recursive: true });

    expect(results).toEqual([{ source: "path", id: "/app/prod", ok: true }]);
    expect(await client.getParametersByPath("/app/prod", { recursive: true, shape: "flat" })).toEqual({
      url: "https://x",
      "db/host": "db",
    });
    expect(backend.pathCalls).toHaveLength(1);
  });

  it("gives a CONFIG result for a transport without parameter paths", async () => {
    const results = await prefetch(
      cachedTransport({ name: "bare", getSecretValue: async ({ id }) => ({ name: id, secretString: "x" }) }),
      { paths: ["/app"] },
    );
    expect(results).toEqual([
      { source: "path", id: "/app", ok: false, error: expect.objectContaining({ code: "CONFIG" }) },
    ]);
  });
});

describe("client.prefetch", () => {
  it("warms the client's cache: a read after it makes no call", async () => {
    const backend = scriptedBackend({ "prod/db": JSON.stringify({ user: "app" }) });
    const client = createSecretsClient({ transport: backend.transport });
    expect(await client.prefetch({ ids: ["prod/db"] })).toEqual([{ source: "id", id: "prod/db", ok: true }]);
    expect(await client.getSecretJson("prod/db")).toEqual({ user: "app" });
    expect(backend.calls).toHaveLength(0);
    expect(backend.batchCalls).toHaveLength(1);
  });
});

describe("prefetch: refused requests", () => {
  const transport = cachedTransport(scriptedBackend({}).transport);
  const tooMany = Array.from({ length: 11 }, () => "x");
  it.each([
    ["no request", undefined, /needs a request object/],
    ["a string", "prod/db", /needs a request object/],
    ["nothing to read", {}, /at least one of ids, namePrefix, filters and paths/],
    ["ids not an array", { ids: "prod/db" }, /prefetch.ids must be an array of non-empty strings/],
    ["an empty id", { ids: [""] }, /prefetch.ids must be an array of non-empty strings/],
    ["a non-string path", { paths: [3] }, /prefetch.paths must be an array of non-empty strings/],
    ["an empty namePrefix", { namePrefix: "" }, /prefetch.namePrefix must be a non-empty string/],
    ["a namePrefix with a bad character", { namePrefix: "prod/*" }, /prefetch.namePrefix\[0\].values must be strings/],
    ["an empty filter list", { filters: [] }, /prefetch.filters must be a non-empty array/],
    ["an unknown filter key", { filters: [{ key: "tag", values: ["a"] }] }, /prefetch.filters\[0\].key must be one of/],
    ["a filter without values", { filters: [{ key: "name", values: [] }] }, /values must be an array of 1 to 10/],
    ["11 filter values", { filters: [{ key: "name", values: tooMany }] }, /values must be an array of 1 to 10/],
    ["a filter value too long", { filters: [{ key: "name", values: ["a".repeat(513)] }] }, /at most 512 characters/],
    [
      "11 filters",
      { filters: Array.from({ length: 11 }, () => ({ key: "name", values: ["a"] })) },
      /an array of 1 to 10 filters/,
    ],
    ["recursive not a boolean", { paths: ["/a"], recursive: "yes" }, /prefetch.recursive must be a boolean/],
    ["decrypt not a boolean", { paths: ["/a"], decrypt: 1 }, /prefetch.decrypt must be a boolean/],
    ["signal not an AbortSignal", { ids: ["a"], signal: {} }, /prefetch.signal must be an AbortSignal/],
  ])("throws an ArgumentError for %s, before any call", (_, request, message) => {
    const run = () => prefetch(transport, request as unknown as PrefetchRequest);
    expect(run).toThrow(ArgumentError);
    expect(run).toThrow(message);
  });

  it("accepts every filter key AWS documents", async () => {
    const keys = ["description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"] as const;
    for (const key of keys) {
      const results = await prefetch(transport, { filters: [{ key, values: ["!a b:c_d@e/f+g=h.i-j"] }] });
      expect(results[0]?.ok).toBe(false); // CONFIG: this transport cannot read by filter
    }
  });
});

describe("prefetch by filter through the sdk transport (the AWS SDK against a loopback Secrets Manager)", () => {
  const version = (value: string) => [
    { versionId: "11111111-1111-4111-8111-111111111111", stages: ["AWSCURRENT"], value },
  ];
  const bulk = Array.from({ length: 25 }, (_, index) => `bulk/${String(index).padStart(2, "0")}`);
  const fixtures: Fixtures = {
    "prod/payments/db": version("pay-db"),
    "prod/payments/api": version("pay-api"),
    "prod/payments/locked": version("locked"),
    "prod/search/key": version("search"),
    "dev/payments/db": version("dev-db"),
    "Prod/upper": version("upper"),
    ...Object.fromEntries(bulk.map((name) => [name, version(name)])),
  };
  const payments = { team: "payments", env: "prod" };
  const metadata: Record<string, FakeSecretMetadata> = {
    "prod/payments/db": { tags: payments, description: "Payments database login" },
    "prod/payments/api": { tags: payments, description: "payments API key" },
    "prod/payments/locked": { tags: payments, denied: true },
    "prod/search/key": { tags: { team: "search" }, owningService: "rds" },
    "dev/payments/db": { tags: { team: "payments", env: "dev" }, primaryRegion: "eu-west-1" },
  };
  let server: AwsJsonServer;
  beforeAll(async () => {
    server = await startFakeSecretsManager(fixtures, 10, metadata);
  });
  afterAll(() => server.close());

  const client = () =>
    createSecretsClient({ transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }) });
  const filterCalls = () => server.calls("BatchGetSecretValue").filter(({ body }) => body.Filters !== undefined);
  const found = async (filters: SecretFilter[]) =>
    (await client().prefetch({ filters })).map(({ id, ok }) => (ok ? id : `${id} (failed)`)).sort();

  it("warms the cache by name prefix in one BatchGetSecretValue call with Filters: later reads make no call", async () => {
    const secrets = client();
    const before = filterCalls().length;
    const reads = server.calls("GetSecretValue").length;

    const results = await secrets.prefetch({ namePrefix: "prod/payments/" });

    expect(results).toEqual([
      { source: "filter", id: "prod/payments/db", ok: true },
      { source: "filter", id: "prod/payments/api", ok: true },
      {
        source: "filter",
        id: "prod/payments/locked",
        ok: false,
        error: expect.objectContaining({ code: "ACCESS_DENIED", secretId: "prod/payments/locked" }),
      },
    ]);
    expect(
      filterCalls()
        .slice(before)
        .map(({ body }) => body),
    ).toEqual([{ Filters: [{ Key: "name", Values: ["prod/payments/"] }], MaxResults: 20 }]);
    expect(await secrets.getSecret("prod/payments/api")).toBe("pay-api");
    expect(server.calls("GetSecretValue")).toHaveLength(reads);
    await secrets.close();
  });

  it("finds secrets by tag key and tag value, every filter to match", async () => {
    expect(
      await found([
        { key: "tag-key", values: ["team"] },
        { key: "tag-value", values: ["payments"] },
      ]),
    ).toEqual(["dev/payments/db", "prod/payments/api", "prod/payments/db", "prod/payments/locked (failed)"]);
    expect(await found([{ key: "tag-value", values: ["search", "dev"] }])).toEqual([
      "dev/payments/db",
      "prod/search/key",
    ]);
  });

  it("negates a value with '!': no attribute may start with it", async () => {
    expect(
      await found([
        { key: "tag-value", values: ["payments"] },
        { key: "name", values: ["!dev/"] },
      ]),
    ).toEqual(["prod/payments/api", "prod/payments/db", "prod/payments/locked (failed)"]);
  });

  it("matches name, tags, region and service case-sensitively, description and all in any case", async () => {
    expect(await found([{ key: "name", values: ["Prod/"] }])).toEqual(["Prod/upper"]);
    expect(await found([{ key: "tag-value", values: ["Payments"] }])).toEqual([]);
    expect(await found([{ key: "description", values: ["PAYMENTS"] }])).toEqual([
      "prod/payments/api",
      "prod/payments/db",
    ]);
    expect(await found([{ key: "primary-region", values: ["eu-"] }])).toEqual(["dev/payments/db"]);
    expect(await found([{ key: "owning-service", values: ["rds"] }])).toEqual(["prod/search/key"]);
    // `all` splits the value into words and matches the words of name, description, tag keys and values.
    expect(await found([{ key: "all", values: ["DatabaseLogin"] }])).toEqual(["prod/payments/db"]);
  });

  it("reads every page: 25 secrets in two calls of at most 20", async () => {
    const before = filterCalls().length;

    expect(await found([{ key: "name", values: ["bulk/"] }])).toEqual(bulk);

    const calls = filterCalls().slice(before);
    expect(calls.map(({ body }) => body.NextToken)).toEqual([undefined, "20"]);
  });

  it("refuses bad filters with an ArgumentError before any call", async () => {
    const transport = sdkTransport({ endpoint: server.endpoint, region: "us-east-1" });
    const before = server.calls("BatchGetSecretValue").length;

    expect(() => transport.batchGetSecretValueByFilter?.([{ key: "tag" as "name", values: ["a"] }])).toThrow(
      ArgumentError,
    );
    expect(() => transport.batchGetSecretValueByFilter?.([])).toThrow(/1 to 10 filters/);
    expect(server.calls("BatchGetSecretValue")).toHaveLength(before);
    transport.close?.();
  });
});
