/**
 * Replica regions (`failoverRegions`): the sdk transport reads the replica in the next region when
 * the primary fails retryably after the SDK's retries, through the real SDK clients against one
 * loopback server per "region". Counts calls per region and times each fault mode.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { AwsSession } from "../src/aws/session/session.js";
import { SecretsError } from "../src/core/errors.js";
import type { Transport } from "../src/transport/types.js";
import { sdkTransport } from "../src/transports/sdk/transport.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { type RegionFault, type RegionServer, regionArn, startRegion } from "./helpers/region-server.js";

/** Deadline of one attempt; a timed-out region costs MAX_ATTEMPTS of it. */
const DEADLINE_MS = 400;
const MAX_ATTEMPTS = 2;
const PRIMARY = "us-east-1";
const SECRETS = { "prod/db": `{"password":"${CANARY}"}`, "prod/api": "api-key" };

const servers: RegionServer[] = [];
const transports: Transport[] = [];
/** Elapsed milliseconds and calls per region of each fault mode, printed with FAILOVER_TIMINGS=1. */
const timings: Record<string, string> = {};

afterEach(async () => {
  for (const transport of transports.splice(0)) await transport.close?.();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => {
  if (process.env.FAILOVER_TIMINGS) console.table(timings);
});

async function regions(...names: string[]): Promise<RegionServer[]> {
  const started = await Promise.all(names.map((name) => startRegion(name, SECRETS)));
  servers.push(...started);
  return started;
}

/** A transport whose primary is the first server, failing over to the others in order. */
function failoverTransport(
  [primary, ...replicas]: RegionServer[],
  options: { failoverCooldownMs?: number; maxAttempts?: number } = {},
): Transport {
  const transport = sdkTransport({
    region: PRIMARY,
    endpoint: primary?.endpoint,
    maxAttempts: MAX_ATTEMPTS,
    requestTimeoutMs: DEADLINE_MS,
    failoverRegions: replicas.map((replica) => ({ region: replica.region, endpoint: replica.endpoint })),
    failoverCooldownMs: 0,
    ...options,
  });
  transports.push(transport);
  return transport;
}

async function timed<T>(promise: Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const value = await promise;
  return { value, elapsedMs: performance.now() - started };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sdk transport failover: the replica serves when the primary fails retryably", () => {
  const modes: [RegionFault, string, number][] = [
    ["5xx", "TRANSPORT", 3_000],
    ["throttle", "THROTTLED", 5_000],
    ["reset", "TRANSPORT", 3_000],
    ["noResponse", "TIMEOUT", DEADLINE_MS * MAX_ATTEMPTS * 3],
    ["stalledBody", "TIMEOUT", DEADLINE_MS * MAX_ATTEMPTS * 3],
  ];
  for (const [fault, code, bound] of modes) {
    it(`reads eu-west-1 after ${fault} (${code}) in ${PRIMARY}, with the region in the record`, async () => {
      const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
      primary.fault = fault;

      const { value: record, elapsedMs } = await timed(
        failoverTransport([primary, replica]).getSecretValue({ id: "prod/db" }),
      );

      expect(record).toMatchObject({ name: "prod/db", region: "eu-west-1", arn: regionArn("eu-west-1", "prod/db") });
      expect(record.secretString).toBe(SECRETS["prod/db"]);
      // The SDK's own retries in the primary first, then one call in the replica.
      expect(primary.count("GetSecretValue")).toBe(MAX_ATTEMPTS);
      expect(replica.count("GetSecretValue")).toBe(1);
      expect(replica.requests[0]?.signedRegion).toBe("eu-west-1");
      expect(replica.requests[0]?.body.SecretId).toBe("prod/db");
      if (code === "TIMEOUT") expect(elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS * MAX_ATTEMPTS * 0.9);
      expect(elapsedMs).toBeLessThan(bound);
      timings[fault] = `${Math.round(elapsedMs)} ms; ${PRIMARY} ${primary.count()} calls, eu-west-1 ${replica.count()}`;
    });
  }

  it("goes on through three regions: a second that times out, a third that serves", async () => {
    const [primary, second, third] = (await regions(PRIMARY, "eu-west-1", "ap-southeast-2")) as RegionServer[] as [
      RegionServer,
      RegionServer,
      RegionServer,
    ];
    primary.fault = "5xx";
    second.fault = "stalledBody";

    const record = await failoverTransport([primary, second, third]).getSecretValue({ id: "prod/api" });

    expect(record).toMatchObject({ secretString: "api-key", region: "ap-southeast-2" });
    expect([primary.count(), second.count(), third.count()]).toEqual([MAX_ATTEMPTS, MAX_ATTEMPTS, 1]);
    expect(third.requests[0]?.signedRegion).toBe("ap-southeast-2");
  });

  it("reads the primary when it answers, with its region in the record, and never calls a replica", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];

    const record = await failoverTransport([primary, replica]).getSecretValue({ id: "prod/api" });

    expect(record).toMatchObject({ region: PRIMARY, arn: regionArn(PRIMARY, "prod/api") });
    expect([primary.count(), replica.count()]).toEqual([1, 0]);
  });

  it("sets the region of the primary resolved from AWS_REGION when no region option is given", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    const transport = sdkTransport({
      endpoint: primary.endpoint,
      failoverRegions: [{ region: "eu-west-1", endpoint: replica.endpoint }],
    });
    transports.push(transport);

    expect((await transport.getSecretValue({ id: "prod/api" })).region).toBe(process.env.AWS_REGION);
  });

  it("builds the replica's client from the session too, in the replica's region", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    primary.fault = "5xx";
    const session = new AwsSession({
      region: PRIMARY,
      credentials: { accessKeyId: "AKIDFAILOVERSESSION1", secretAccessKey: "failover-session-secret" },
    });
    const transport = sdkTransport({
      session,
      endpoint: primary.endpoint,
      maxAttempts: 1,
      failoverRegions: [{ region: "eu-west-1", endpoint: replica.endpoint }],
    });
    transports.push(transport);

    const record = await transport.getSecretValue({ id: "prod/api" });

    expect(record.region).toBe("eu-west-1");
    expect(primary.requests[0]?.signedRegion).toBe(PRIMARY);
    expect(replica.requests[0]?.signedRegion).toBe("eu-west-1");
  });

  it("reads a replica by the ARN in its own region, the partition and the suffix kept; a name as it is", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    primary.fault = "5xx";
    const transport = failoverTransport([primary, replica]);

    const full = await transport.getSecretValue({ id: regionArn(PRIMARY, "prod/db") });
    const partial = await transport.getSecretValue({ id: regionArn(PRIMARY, "prod/api").slice(0, -"-AbCdEf".length) });

    expect(primary.requests[0]?.body.SecretId).toBe(regionArn(PRIMARY, "prod/db"));
    expect(replica.requests.map((request) => request.body.SecretId)).toEqual([
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api",
    ]);
    expect(full).toMatchObject({ name: "prod/db", region: "eu-west-1", arn: regionArn("eu-west-1", "prod/db") });
    expect(partial).toMatchObject({ name: "prod/api", region: "eu-west-1" });
  });
});

describe("sdk transport failover: what does not fail over", () => {
  const refusals: [RegionFault, string][] = [
    ["notFound", "NOT_FOUND"],
    ["accessDenied", "ACCESS_DENIED"],
  ];
  for (const [fault, code] of refusals) {
    it(`answers ${code} from the primary without calling the replica`, async () => {
      const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
      primary.fault = fault;

      const error = await rejectionOf(failoverTransport([primary, replica]).getSecretValue({ id: "prod/db" }));

      expect(error).toMatchObject({ code, operation: "getSecretValue", secretId: "prod/db" });
      expect((error as Error).message).not.toContain("every region");
      expect([primary.count(), replica.count()]).toEqual([1, 0]);
    });
  }

  it("answers a secret missing in the primary as NOT_FOUND even though a replica has it", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];

    const error = await rejectionOf(failoverTransport([primary, replica]).getSecretValue({ id: "prod/missing" }));

    expect(error).toMatchObject({ code: "NOT_FOUND" });
    expect(replica.count()).toBe(0);
  });

  it("stops at the caller's abort: ABORTED, no replica called", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    primary.fault = "stalledBody";
    const controller = new AbortController();
    setTimeout(() => controller.abort(), DEADLINE_MS / 4);

    const error = await rejectionOf(
      failoverTransport([primary, replica]).getSecretValue({ id: "prod/db", signal: controller.signal }),
    );

    expect(error).toMatchObject({ code: "ABORTED" });
    expect([primary.count(), replica.count()]).toEqual([1, 0]);
  });

  it("keeps Parameter Store and DescribeSecret in the primary region (SSM has no replicas)", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    primary.fault = "5xx";
    const transport = failoverTransport([primary, replica]);

    const parameter = await rejectionOf(transport.getParameter?.({ name: "/app/url" }) as Promise<unknown>);
    const description = await rejectionOf(transport.describeSecret?.({ id: "prod/db" }) as Promise<unknown>);

    expect(parameter).toMatchObject({ code: "TRANSPORT", operation: "getParameter" });
    expect(description).toMatchObject({ code: "TRANSPORT", operation: "describeSecret" });
    expect(primary.count("GetParameter")).toBe(MAX_ATTEMPTS);
    expect(primary.count("DescribeSecret")).toBe(MAX_ATTEMPTS);
    expect(replica.count()).toBe(0);
  });
});

describe("sdk transport failover: every region down", () => {
  it("throws one error with the primary's code naming each region tried and its code, no value in it", async () => {
    const [primary, second, third] = (await regions(PRIMARY, "eu-west-1", "eu-central-1")) as [
      RegionServer,
      RegionServer,
      RegionServer,
    ];
    primary.fault = "stalledBody";
    second.fault = "throttle";
    third.fault = "5xx";

    const started = performance.now();
    const error = await rejectionOf(failoverTransport([primary, second, third]).getSecretValue({ id: "prod/db" }));
    const elapsedMs = performance.now() - started;

    expect(error).toBeInstanceOf(SecretsError);
    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true, operation: "getSecretValue", secretId: "prod/db" });
    const message = (error as Error).message;
    expect(message).toContain("every region failed, in the order tried:");
    expect(message.indexOf(`${PRIMARY} TIMEOUT`)).toBeGreaterThan(-1);
    expect(message.indexOf("eu-west-1 THROTTLED")).toBeGreaterThan(message.indexOf(`${PRIMARY} TIMEOUT`));
    expect(message.indexOf("eu-central-1 TRANSPORT")).toBeGreaterThan(message.indexOf("eu-west-1 THROTTLED"));
    const cause = (error as Error).cause as AggregateError;
    expect(cause).toBeInstanceOf(AggregateError);
    expect(cause.message).toBe(`regions tried: ${PRIMARY}, eu-west-1, eu-central-1`);
    expect(cause.errors.map((each: SecretsError) => each.code)).toEqual(["TIMEOUT", "THROTTLED", "TRANSPORT"]);
    expect([primary.count(), second.count(), third.count()]).toEqual([MAX_ATTEMPTS, MAX_ATTEMPTS, MAX_ATTEMPTS]);
    expectNoLeak(error);
    timings["all three down"] = `${Math.round(elapsedMs)} ms; ${MAX_ATTEMPTS} calls in each region`;
  });

  it("lists a replica that refuses (NOT_FOUND: not replicated there) and goes on to the next", async () => {
    const [primary, second, third] = (await regions(PRIMARY, "eu-west-1", "eu-central-1")) as [
      RegionServer,
      RegionServer,
      RegionServer,
    ];
    primary.fault = "reset";
    second.fault = "notFound";

    const record = await failoverTransport([primary, second, third]).getSecretValue({ id: "prod/db" });
    expect(record.region).toBe("eu-central-1");

    third.fault = "accessDenied";
    const error = await rejectionOf(failoverTransport([primary, second, third]).getSecretValue({ id: "prod/db" }));
    expect(error).toMatchObject({ code: "TRANSPORT", retryable: true });
    expect((error as Error).message).toMatch(
      /us-east-1 TRANSPORT .*; eu-west-1 NOT_FOUND .*; eu-central-1 ACCESS_DENIED/,
    );
  });

  it("does not contact a replica outside the partition of the primary's resolved region (CONFIG in the list)", async () => {
    const [primary, replica] = (await regions(PRIMARY, "cn-north-1")) as [RegionServer, RegionServer];
    primary.fault = "5xx";
    // No region option: the primary's region (AWS_REGION, us-east-1) is known only when the client resolves it.
    const transport = sdkTransport({
      endpoint: primary.endpoint,
      maxAttempts: 1,
      failoverRegions: [{ region: "cn-north-1", endpoint: replica.endpoint }],
    });
    transports.push(transport);

    const error = await rejectionOf(transport.getSecretValue({ id: "prod/db" }));

    expect(error).toMatchObject({ code: "TRANSPORT" });
    expect((error as Error).message).toContain("cn-north-1 CONFIG (failover region cn-north-1 is not in partition aws");
    expect(replica.count()).toBe(0);
  });
});

describe("sdk transport failover: batches fail over per chunk", () => {
  const ids = Array.from({ length: 25 }, (_, index) => (index % 2 === 0 ? "prod/db" : "prod/api"));

  it("reads every chunk in the replica when the primary fails, each record with its region", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    primary.fault = "throttle";

    const results = (await failoverTransport([primary, replica]).batchGetSecretValue?.(ids)) ?? [];

    expect(results).toHaveLength(25);
    expect(results.every((result) => result.ok && result.value.region === "eu-west-1")).toBe(true);
    expect(primary.count("BatchGetSecretValue")).toBe(2 * MAX_ATTEMPTS);
    expect(replica.count("BatchGetSecretValue")).toBe(2);
  });

  it("fails over only the chunk that failed: the other keeps the primary's answer", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    // The second chunk (5 ids) fails in the primary; the first (20 ids) is served there.
    primary.fault = (request) => ((request.body.SecretIdList as string[]).length === 5 ? "reset" : "none");

    const results = (await failoverTransport([primary, replica]).batchGetSecretValue?.(ids)) ?? [];

    const regionsServed = results.map((result) => (result.ok ? result.value.region : result.error.code));
    expect(regionsServed.slice(0, 20)).toEqual(Array(20).fill(PRIMARY));
    expect(regionsServed.slice(20)).toEqual(Array(5).fill("eu-west-1"));
    expect(primary.count("BatchGetSecretValue")).toBe(1 + MAX_ATTEMPTS);
    expect(replica.count("BatchGetSecretValue")).toBe(1);
    expect(replica.requests[0]?.body.SecretIdList).toHaveLength(5);
  });

  it("matches ARNs rewritten to the replica's region, and names per-id errors by the id as asked", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    primary.fault = "5xx";
    const asked = [regionArn(PRIMARY, "prod/db"), "prod/api", regionArn(PRIMARY, "prod/gone")];

    const results = (await failoverTransport([primary, replica]).batchGetSecretValue?.(asked)) ?? [];

    expect(replica.requests[0]?.body.SecretIdList).toEqual([
      regionArn("eu-west-1", "prod/db"),
      "prod/api",
      regionArn("eu-west-1", "prod/gone"),
    ]);
    expect(results[0]).toMatchObject({ id: asked[0], ok: true, value: { name: "prod/db", region: "eu-west-1" } });
    expect(results[1]).toMatchObject({ id: "prod/api", ok: true });
    expect(results[2]).toMatchObject({ id: asked[2], ok: false, error: { code: "NOT_FOUND", secretId: asked[2] } });
  });

  it("gives every id of a chunk the one error naming the regions when all are down", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    primary.fault = "5xx";
    replica.fault = "stalledBody";

    const results = (await failoverTransport([primary, replica]).batchGetSecretValue?.(["prod/db", "prod/api"])) ?? [];

    for (const result of results) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error).toMatchObject({ code: "TRANSPORT", operation: "batchGetSecretValue" });
      expect(result.error.message).toMatch(/us-east-1 TRANSPORT .*; eu-west-1 TIMEOUT/);
      expectNoLeak(result.error);
    }
  });
});

describe("sdk transport failover: a failing region waits failoverCooldownMs", () => {
  const COOLDOWN_MS = 600;

  it("reads the replica first during the cooldown, then tries the primary first again", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    const transport = failoverTransport([primary, replica], { failoverCooldownMs: COOLDOWN_MS });
    primary.fault = "noResponse";

    const first = await timed(transport.getSecretValue({ id: "prod/db" }));
    const during = await timed(transport.getSecretValue({ id: "prod/db" }));
    expect([first.value.region, during.value.region]).toEqual(["eu-west-1", "eu-west-1"]);
    // The second read does not wait for the primary's deadline again.
    expect(first.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS * MAX_ATTEMPTS * 0.9);
    expect(during.elapsedMs).toBeLessThan(DEADLINE_MS);
    expect([primary.count(), replica.count()]).toEqual([MAX_ATTEMPTS, 2]);

    primary.fault = "none";
    await sleep(COOLDOWN_MS + 50);
    const after = await transport.getSecretValue({ id: "prod/db" });
    const again = await transport.getSecretValue({ id: "prod/db" });

    expect([after.region, again.region]).toEqual([PRIMARY, PRIMARY]);
    expect([primary.count(), replica.count()]).toEqual([MAX_ATTEMPTS + 2, 2]);
    timings["cooldown: 2nd read"] = `${Math.round(during.elapsedMs)} ms (1st ${Math.round(first.elapsedMs)} ms)`;
  });

  it("still tries a cooling primary last, when the replicas fail too", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    const transport = failoverTransport([primary, replica], { failoverCooldownMs: 60_000 });
    primary.fault = "5xx";
    await transport.getSecretValue({ id: "prod/db" });

    primary.fault = "none";
    replica.fault = "5xx";
    const record = await transport.getSecretValue({ id: "prod/db" });

    expect(record.region).toBe(PRIMARY);
    // Replica first (cooling primary last), then the primary, which answers and is first again.
    expect(replica.count()).toBe(1 + MAX_ATTEMPTS);
    replica.fault = "none";
    await transport.getSecretValue({ id: "prod/db" });
    expect(primary.count()).toBe(MAX_ATTEMPTS + 2);
    expect(replica.count()).toBe(1 + MAX_ATTEMPTS);
  });

  it("lets one read try the primary after the cooldown while concurrent reads keep to the replica", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    const transport = failoverTransport([primary, replica], { failoverCooldownMs: 200, maxAttempts: 1 });
    primary.fault = "noResponse";
    await transport.getSecretValue({ id: "prod/db" });
    await sleep(250);

    const reads = await Promise.all(Array.from({ length: 4 }, () => transport.getSecretValue({ id: "prod/db" })));

    expect(reads.every((record) => record.region === "eu-west-1")).toBe(true);
    // One probe of the primary (timed out again), not four.
    expect(primary.count()).toBe(2);
    expect(replica.count()).toBe(5);
  });

  it("tries the primary first on every read with failoverCooldownMs: 0", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    const transport = failoverTransport([primary, replica], { failoverCooldownMs: 0 });
    primary.fault = "5xx";

    for (let read = 0; read < 3; read++) await transport.getSecretValue({ id: "prod/api" });

    expect([primary.count(), replica.count()]).toEqual([3 * MAX_ATTEMPTS, 3]);
  });

  it("defaults to a 30 s cooldown", async () => {
    const [primary, replica] = (await regions(PRIMARY, "eu-west-1")) as [RegionServer, RegionServer];
    const transport = sdkTransport({
      region: PRIMARY,
      endpoint: primary.endpoint,
      maxAttempts: 1,
      failoverRegions: [{ region: "eu-west-1", endpoint: replica.endpoint }],
    });
    transports.push(transport);
    primary.fault = "5xx";
    await transport.getSecretValue({ id: "prod/api" });
    primary.fault = "none";

    const record = await transport.getSecretValue({ id: "prod/api" });

    expect(record.region).toBe("eu-west-1");
    expect([primary.count(), replica.count()]).toEqual([1, 2]);
  });
});
