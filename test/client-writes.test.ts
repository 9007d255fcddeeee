/**
 * The client's writes (issue 15): write-through (the next read and the watch handles show the value
 * written, with the cache on or off, read by name and written by ARN), the coalescer not handing an
 * older read to a newer one, the read-only transports, the sdk transport's primary-only writes, the
 * file transport's atomic rewrite, and the canaries through every failing stage.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError,
  agentTransport,
  autoTransport,
  createSecretsClient,
  fileTransport,
  isSecretsError,
  memoryTransport,
  type SecretRecord,
  sdkTransport,
  type Transport,
} from "../src/index.js";
import { type AwsJsonServer, awsError } from "./helpers/aws-json-server.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { FakeScheduler } from "./helpers/fake-describe.js";
import { fakeArn, startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { addSecretsManagerWrites } from "./helpers/fake-secrets-manager-writes.js";
import { startFakeSsm } from "./helpers/fake-ssm.js";
import { addSsmWrites } from "./helpers/fake-ssm-writes.js";
import { CURRENT_VERSION, type Fixtures } from "./helpers/fixtures.js";

const REGION = "us-east-1";

/** A fake Secrets Manager with writes, holding `prod/db`. */
async function secretsManager(): Promise<AwsJsonServer> {
  const fixtures: Fixtures = {
    "prod/db": [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: JSON.stringify({ password: "one" }) }],
  };
  const server = await startFakeSecretsManager(fixtures);
  addSecretsManagerWrites(server, fixtures);
  return server;
}

describe("write-through on the sdk transport", () => {
  let server: AwsJsonServer;
  const servers: AwsJsonServer[] = [];
  beforeAll(async () => {
    server = await secretsManager();
  });
  afterAll(async () => {
    await server.close();
    await Promise.all(servers.map((other) => other.close()));
  });

  it.each([
    ["on", undefined],
    ["off", false],
  ] as const)("with the cache %s, a read by name after a write by ARN returns the new value", async (_, cache) => {
    const fresh = await secretsManager();
    servers.push(fresh);
    const secrets = createSecretsClient({
      transport: sdkTransport({ endpoint: fresh.endpoint, region: REGION }),
      ...(cache === undefined ? {} : { cache }),
    });
    expect(await secrets.getSecretJson("prod/db")).toEqual({ password: "one" });

    const written = await secrets.putSecretValue(fakeArn("prod/db"), { password: "two" });

    expect(written).toMatchObject({ name: "prod/db", arn: fakeArn("prod/db"), versionStages: ["AWSCURRENT"] });
    expect(await secrets.getSecretJson("prod/db")).toEqual({ password: "two" });
    expect(await secrets.getSecretJson(fakeArn("prod/db"))).toEqual({ password: "two" });
    await secrets.close();
  });

  it("updates a watch handle before the write returns, with no tick of its schedule", async () => {
    const secrets = createSecretsClient({ transport: sdkTransport({ endpoint: server.endpoint, region: REGION }) });
    const scheduler = new FakeScheduler();
    const handle = await secrets.watch<{ password: string }>("prod/db", { scheduler, rotation: false });
    const reasons: string[] = [];
    handle.onChange((change) => reasons.push(change.reason));

    await secrets.putSecretValue(fakeArn("prod/db"), { password: "watched" });

    expect(handle.current.password).toBe("watched");
    expect(reasons).toEqual(["written"]);
    await secrets.close();
  });

  it("writes a parameter through to the next read and to a watch handle", async () => {
    const fixtures = { "/app/flag": { type: "String" as const, versions: [{ value: "off" }] } };
    const ssm = await startFakeSsm(fixtures);
    servers.push(ssm);
    addSsmWrites(ssm, fixtures);
    const secrets = createSecretsClient({ transport: sdkTransport({ endpoint: ssm.endpoint, region: REGION }) });
    const handle = await secrets.watchParameter("/app/flag", { scheduler: new FakeScheduler() });
    expect(await secrets.getParametersByPath("/app")).toEqual({ flag: "off" });

    await secrets.putParameter("/app/flag", "on", { overwrite: true });

    expect(await secrets.getParameter("/app/flag")).toBe("on");
    expect(await secrets.getParametersByPath("/app")).toEqual({ flag: "on" });
    expect(handle.current).toBe("on");
    await secrets.close();
  });

  it("writes to the primary region only, never to a replica", async () => {
    const primary = await secretsManager();
    const replica = await secretsManager();
    servers.push(primary, replica);
    primary.handle({ PutSecretValue: () => awsError(400, "ThrottlingException", "Rate exceeded") });
    const transport = sdkTransport({
      region: REGION,
      endpoint: primary.endpoint,
      maxAttempts: 1,
      failoverRegions: [{ region: "us-west-2", endpoint: replica.endpoint }],
    });

    const put = transport.putSecretValue?.bind(transport) as NonNullable<Transport["putSecretValue"]>;

    const error = await rejectionOf(put({ id: "prod/db", secretString: CANARY }));

    expect(isSecretsError(error, "THROTTLED")).toBe(true);
    expect(replica.calls("PutSecretValue")).toEqual([]);
    expectNoLeak(error);
    await transport.close?.();
  });

  it("writes through the SDK side of auto, whichever transport it reads with", async () => {
    const secrets = createSecretsClient({
      transport: autoTransport({
        agent: { port: 1, token: "token" },
        sdk: { endpoint: server.endpoint, region: REGION },
        probeTimeoutMs: 50,
      }),
    });

    const { name } = await secrets.putSecretValue("prod/db", "via-auto");

    expect(name).toBe("prod/db");
    expect(await secrets.getSecret("prod/db")).toBe("via-auto");
    await secrets.close();
  });
});

/** A transport whose reads wait for the test to let them go; writes go to `memory` at once. */
function heldReads(memory: Transport): { transport: Transport; release: () => void; reads: () => number } {
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reads = 0;
  const transport: Transport = {
    name: "held",
    cacheByDefault: false,
    async getSecretValue(request): Promise<SecretRecord> {
      reads++;
      const wait = gate;
      const record = await memory.getSecretValue(request);
      await wait;
      return record;
    },
    putSecretValue: (request) => memory.putSecretValue?.(request) as never,
  };
  return {
    transport,
    release() {
      open();
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    reads: () => reads,
  };
}

describe("write-through without a cache", () => {
  it("does not hand a read that started before a write to a read that starts after it", async () => {
    const held = heldReads(memoryTransport({ "prod/db": "one" }));
    const secrets = createSecretsClient({ transport: held.transport });
    const before = secrets.getSecret("prod/db");

    await secrets.putSecretValue("prod/db", "two");
    const after = secrets.getSecret("prod/db");
    held.release();

    expect(await before).toBe("one");
    held.release();
    expect(await after).toBe("two");
    expect(held.reads()).toBe(2);
    await secrets.close();
  });

  it("shares reads that start after the write, as before", async () => {
    const held = heldReads(memoryTransport({ "prod/db": "one" }));
    const secrets = createSecretsClient({ transport: held.transport });
    await secrets.putSecretValue("prod/db", "two");

    const reads = [secrets.getSecret("prod/db"), secrets.getSecret("prod/db")];
    held.release();

    expect(await Promise.all(reads)).toEqual(["two", "two"]);
    expect(held.reads()).toBe(1);
  });
});

describe("write-through on the memory transport behind a cache", () => {
  it("updates the cached value and the watch handle of the secret", async () => {
    const memory = memoryTransport({ "prod/db": { password: "one" } });
    const secrets = createSecretsClient({ transport: memory, cache: { ttlMs: 60_000 } });
    const handle = await secrets.watch<{ password: string }>("prod/db", { scheduler: new FakeScheduler() });
    expect(secrets.transport.peekSecretValue?.("prod/db")).toBeDefined();

    await secrets.putSecretValue("prod/db", { password: "two" });

    expect(await secrets.getSecretJson("prod/db")).toEqual({ password: "two" });
    expect(handle.current.password).toBe("two");
    await secrets.close();
  });
});

describe("read-only transports", () => {
  it("refuses a write through the agent with CONFIG, saying why", async () => {
    const secrets = createSecretsClient({ transport: agentTransport({ port: 1, token: "token" }) });

    const error = await rejectionOf(secrets.putSecretValue("prod/db", CANARY));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toBe(
      '[secretwrangler] [agent] putSecretValue "prod/db" failed (CONFIG): the agent transport is read-only: the Secrets Manager Agent cannot write; write through the sdk transport',
    );
    expectNoLeak(error);
  });

  it("checks the arguments first: a bad request is an ArgumentError on every transport", async () => {
    const secrets = createSecretsClient({ transport: agentTransport({ port: 1, token: "token" }) });

    await expect(secrets.deleteSecret("prod/db", { recoveryWindowInDays: 31 })).rejects.toThrow(ArgumentError);
    expect(() => secrets.listSecrets({ pageSize: 0 })).toThrow(ArgumentError);
  });
});

describe("the canary of a write never leaks", () => {
  let server: AwsJsonServer;
  beforeAll(async () => {
    server = await secretsManager();
  });
  afterAll(() => server.close());

  it("through a value too large, a service error and ResourceExistsException", async () => {
    const secrets = createSecretsClient({
      transport: sdkTransport({ endpoint: server.endpoint, region: REGION, maxAttempts: 1 }),
    });
    const tooLarge = await rejectionOf(secrets.createSecret("canary/large", CANARY.repeat(3000)));
    const sent = server.calls("CreateSecret").length;
    await secrets.createSecret("canary/exists", CANARY);
    const exists = await rejectionOf(secrets.createSecret("canary/exists", { password: CANARY }));
    server.handle({ PutSecretValue: () => awsError(400, "LimitExceededException", "too many versions") });
    const limit = await rejectionOf(secrets.putSecretValue("canary/exists", CANARY));
    const stringly = await rejectionOf(secrets.createSecret("canary/bigint", { n: 10n } as never));

    expect(tooLarge).toBeInstanceOf(ArgumentError);
    expect(sent).toBe(0);
    expect(isSecretsError(exists, "ALREADY_EXISTS")).toBe(true);
    expect(isSecretsError(limit, "LIMIT_EXCEEDED")).toBe(true);
    expect(stringly).toBeInstanceOf(ArgumentError);
    for (const error of [tooLarge, exists, limit, stringly]) expectNoLeak(error);
    await secrets.close();
  });
});

describe("the file transport's writes", () => {
  const directory = mkdtempSync(join(tmpdir(), "secretwrangler-writes-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("rewrites the file atomically, keeping its mode, and keeps its versions until the file changes", async () => {
    const path = join(directory, "secrets.json");
    writeFileSync(path, JSON.stringify({ secrets: { "prod/db": { password: "one" } } }));
    chmodSync(path, 0o640);
    const secrets = createSecretsClient({ transport: fileTransport(path) });
    expect(await secrets.getSecretJson("prod/db")).toEqual({ password: "one" });

    await secrets.putSecretValue("prod/db", { password: "two" });
    await secrets.putParameter("/app/hosts", ["a", "b"]);

    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({
      secrets: { "prod/db": { password: "two" } },
      parameters: { "/app/hosts": ["a", "b"] },
    });
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(directory)).toEqual(["secrets.json"]);
    // Its own write is no change of the file: the versions in memory are still there.
    expect(await secrets.getSecretJson("prod/db", { versionStage: "AWSPREVIOUS" })).toEqual({ password: "one" });

    writeFileSync(path, JSON.stringify({ secrets: { "prod/db": "edited" } }));
    expect(await secrets.getSecret("prod/db")).toBe("edited");
  });

  it("refuses a binary secret, which the file cannot hold, and keeps the file as it was", async () => {
    const path = join(directory, "binary.json");
    writeFileSync(path, JSON.stringify({ secrets: { "prod/db": "text" } }));
    const secrets = createSecretsClient({ transport: fileTransport(path) });

    const error = await rejectionOf(secrets.putSecretValue("prod/db", Uint8Array.from(Buffer.from(CANARY))));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expectNoLeak(error);
    expect(await secrets.getSecret("prod/db")).toBe("text");
    expect(readdirSync(directory).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});
