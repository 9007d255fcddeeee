/**
 * coalescingTransport: concurrent identical reads share one call of a transport that is not
 * cached, and nothing is kept once that call has settled.
 */
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { coalescingTransport } from "../src/cache/coalescing-transport.js";
import { ArgumentError, isSecretsError, SecretsError } from "../src/core/errors.js";
import type { SecretRecord, Transport } from "../src/transport/types.js";
import { sdkTransport } from "../src/transports/sdk/transport.js";
import { deferredBackend, flush, scriptedBackend } from "./helpers/cache-backend.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { FIXTURES, PREVIOUS_VERSION } from "./helpers/fixtures.js";

const DB = `db-${CANARY}`;

function coalesced(values: Record<string, string> = { "prod/db": DB }) {
  const backend = scriptedBackend(values);
  return { backend, transport: coalescingTransport(backend.transport) };
}

describe("coalescingTransport: secrets", () => {
  it.each([2, 10, 1000])("makes one backend call for %i concurrent reads of one id", async (readers) => {
    const { backend, transport } = coalesced();
    backend.hold();

    const reads = Array.from({ length: readers }, () => transport.getSecretValue({ id: "prod/db" }));
    backend.release();
    const records = await Promise.all(reads);

    expect(backend.calls).toHaveLength(1);
    expect(records.every((record) => record === records[0] && record.secretString === DB)).toBe(true);
  });

  it("makes one request to Secrets Manager for 1000 concurrent reads through the SDK transport", async () => {
    const server = await startFakeSecretsManager(FIXTURES);
    const transport = coalescingTransport(sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }));
    try {
      const records = await Promise.all(
        Array.from({ length: 1000 }, () => transport.getSecretValue({ id: "app/text" })),
      );

      expect(server.calls("GetSecretValue")).toHaveLength(1);
      expect(records.every((record) => record.secretString === `text-${CANARY}`)).toBe(true);
    } finally {
      await transport.close?.();
      await server.close();
    }
  });

  it("stores nothing: a read after the call settled makes a new call", async () => {
    const { backend, transport } = coalesced();

    await transport.getSecretValue({ id: "prod/db" });
    backend.values.set("prod/db", "rotated");
    const next = await transport.getSecretValue({ id: "prod/db" });

    expect(next.secretString).toBe("rotated");
    expect(backend.calls).toHaveLength(2);
  });

  it("does not merge different ids, version ids or stages", async () => {
    const { backend, transport } = coalesced({ "prod/db": DB, other: "o" });
    backend.hold();
    const requests = [
      { id: "prod/db" },
      { id: "other" },
      { id: "prod/db", versionStage: "AWSPREVIOUS" },
      { id: "prod/db", versionStage: "AWSPENDING" },
      { id: "prod/db", versionId: PREVIOUS_VERSION },
      { id: "prod/db", versionId: "another" },
    ];

    const reads = [...requests, ...requests, ...requests].map((request) => transport.getSecretValue(request));
    backend.release();
    await Promise.all(reads);

    expect(backend.calls.map(({ id, versionId, versionStage }) => ({ id, versionId, versionStage }))).toEqual(
      requests.map(({ id, versionId, versionStage }) => ({ id, versionId, versionStage })),
    );
  });

  it("gives every joined reader the error of the shared call, value-free, and keeps no error", async () => {
    const { backend, transport } = coalesced();
    backend.fail("THROTTLED");
    backend.hold();

    const reads = Array.from({ length: 1000 }, () => rejectionOf(transport.getSecretValue({ id: "prod/db" })));
    backend.release();
    const errors = await Promise.all(reads);
    backend.fail(undefined);
    const healed = await transport.getSecretValue({ id: "prod/db" });

    expect(backend.calls).toHaveLength(2);
    expect(errors.every((error) => error === errors[0] && isSecretsError(error, "THROTTLED"))).toBe(true);
    expectNoLeak(errors[0]);
    expect(healed.secretString).toBe(DB);
  });

  it("coalesces forced reads only with forced reads; an ordinary read joins either", async () => {
    const { backend, transport } = coalesced();
    backend.hold();

    const ordinary = Array.from({ length: 5 }, () => transport.getSecretValue({ id: "prod/db" }));
    const forced = Array.from({ length: 5 }, () => transport.getSecretValue({ id: "prod/db", forceRefresh: true }));
    backend.release();
    await Promise.all([...ordinary, ...forced]);
    backend.hold();
    const forcedFirst = Array.from({ length: 5 }, () =>
      transport.getSecretValue({ id: "prod/db", forceRefresh: true }),
    );
    const joiners = Array.from({ length: 5 }, () => transport.getSecretValue({ id: "prod/db" }));
    backend.release();
    await Promise.all([...forcedFirst, ...joiners]);

    expect(backend.calls.map((call) => call.forceRefresh)).toEqual([undefined, true, true]);
  });

  it("lets one reader's signal end only its own wait, not the shared call", async () => {
    const { backend, transport } = coalesced();
    backend.hold();
    const controller = new AbortController();
    const reason = new Error("the caller gave up");

    const abandoned = rejectionOf(transport.getSecretValue({ id: "prod/db", signal: controller.signal }));
    const patient = Array.from({ length: 10 }, () => transport.getSecretValue({ id: "prod/db" }));
    controller.abort(reason);
    const error = await abandoned;
    backend.release();
    const records = await Promise.all(patient);

    expect(isSecretsError(error, "ABORTED") && error.cause).toBe(reason);
    expect(records.every((record) => record.secretString === DB)).toBe(true);
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]?.signal).toBeUndefined();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("rejects with ABORTED, without a call, when the signal fired already", async () => {
    const { backend, transport } = coalesced();

    const error = await rejectionOf(transport.getSecretValue({ id: "prod/db", signal: AbortSignal.abort() }));

    expect(isSecretsError(error, "ABORTED")).toBe(true);
    expect(backend.calls).toHaveLength(0);
  });

  it("gives readers who shared a call one frozen copy, and a lone reader the transport's own record", async () => {
    const record = { name: "prod/db", secretString: DB, versionStages: ["AWSCURRENT"] };
    const transport = coalescingTransport({ name: "fixed", getSecretValue: async () => record });

    const lone = await transport.getSecretValue({ id: "prod/db" });
    const [first, second] = await Promise.all([
      transport.getSecretValue({ id: "prod/db" }),
      transport.getSecretValue({ id: "prod/db" }),
    ]);

    expect(lone).toBe(record);
    expect(first).toBe(second);
    expect(first).not.toBe(record);
    expect(Object.isFrozen(first?.versionStages)).toBe(true);
    expect(Object.isFrozen(record)).toBe(false);
  });
});

describe("coalescingTransport: batches, parameters and paths", () => {
  it("shares batches per id with single reads and other batches, fetching each id once", async () => {
    const { backend, transport } = coalesced({ a: "1", b: "2", c: "3" });
    backend.hold();

    const single = transport.getSecretValue({ id: "a" });
    const batch = transport.batchGetSecretValue?.(["a", "b", "b", "c"]);
    const again = transport.batchGetSecretValue?.(["c", "b"]);
    const joiner = transport.getSecretValue({ id: "c" });
    backend.release();
    const [, results, second, c] = await Promise.all([single, batch, again, joiner]);

    expect(backend.calls.map((call) => call.id)).toEqual(["a"]);
    expect(backend.batchCalls).toEqual([["b", "c"]]);
    expect(results?.map((result) => result.ok && result.value.secretString)).toEqual(["1", "2", "2", "3"]);
    expect(second?.map((result) => result.ok && result.value.secretString)).toEqual(["3", "2"]);
    expect(c.secretString).toBe("3");
  });

  it("reports a missing id of a shared batch to every reader, without failing the others", async () => {
    const { backend, transport } = coalesced({ a: "1" });
    backend.hold();

    const batches = Array.from({ length: 3 }, () => transport.batchGetSecretValue?.(["a", "missing"]));
    backend.release();
    const results = await Promise.all(batches);

    expect(backend.batchCalls).toEqual([["a", "missing"]]);
    for (const result of results) {
      expect(result?.[0]?.ok).toBe(true);
      expect(result?.[1]?.ok === false && result[1].error.code).toBe("NOT_FOUND");
    }
  });

  it("keys parameters by name, version, label and decrypt, and coalesces identical ones", async () => {
    const { backend, transport } = coalesced({ "/app/url": "u", "/app/other": "o" });
    const requests = [
      { name: "/app/url" },
      { name: "/app/other" },
      { name: "/app/url", decrypt: true },
      { name: "/app/url", decrypt: false },
      { name: "/app/url", version: 2 },
      { name: "/app/url", version: 3 },
      { name: "/app/url", label: "live" },
    ];
    backend.hold();

    const reads = [...requests, ...requests, ...requests].map((request) => transport.getParameter?.(request));
    const batch = transport.getParameters?.(["/app/url", "/app/other"], { decrypt: false });
    backend.release();
    await Promise.all([...reads, batch]);

    expect(backend.parameterCalls).toHaveLength(requests.length);
    expect(backend.parametersCalls).toEqual([{ names: ["/app/other"], decrypt: false }]);
  });

  it("keys paths by path, recursive and decrypt, and passes forceRefresh on", async () => {
    const { backend, transport } = coalesced({ "/app/a": "1", "/app/b": "2" });
    const options = [{}, { recursive: false }, { decrypt: false }, { forceRefresh: true }];
    backend.hold();

    const reads = [...options, ...options].map((pathOptions) => transport.getParametersByPath?.("/app/", pathOptions));
    const other = transport.getParametersByPath?.("/other/");
    backend.release();
    const [first, , , , again] = await Promise.all(reads);
    await other;

    expect(backend.pathCalls).toHaveLength(options.length + 1);
    expect(backend.pathCalls[3]?.options).toMatchObject({ forceRefresh: true });
    expect(first).toBe(again);
  });

  it("offers exactly the methods of the wrapped transport, and passes peeks and close through", async () => {
    const close = vi.fn();
    const peeked: SecretRecord = { name: "a", secretString: "1" };
    const minimal: Transport = {
      name: "minimal",
      cacheByDefault: false,
      getSecretValue: () => Promise.reject(new Error("unused")),
      peekSecretValue: () => peeked,
      close,
    };

    const transport = coalescingTransport(minimal);
    await transport.close?.();

    expect(transport.name).toBe("minimal");
    expect(transport.cacheByDefault).toBe(false);
    expect(transport.batchGetSecretValue).toBeUndefined();
    expect(transport.getParameter).toBeUndefined();
    expect(transport.getParameters).toBeUndefined();
    expect(transport.getParametersByPath).toBeUndefined();
    expect(transport.peekSecretValue?.("a")).toBe(peeked);
    expect(close).toHaveBeenCalledTimes(1);
  });
});

describe("coalescingTransport: load deadline", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("gives the readers of a hung call a retryable TIMEOUT at loadTimeoutMs, and the next read a new call", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const backend = deferredBackend();
    const transport = coalescingTransport(backend.transport, { loadTimeoutMs: 2_000 });

    const reads = Array.from({ length: 100 }, () => rejectionOf(transport.getSecretValue({ id: "prod/db" })));
    vi.advanceTimersByTime(2_000);
    const errors = await Promise.all(reads);
    const next = transport.getSecretValue({ id: "prod/db" });
    backend.calls[1]?.resolve(DB);
    backend.calls[0]?.resolve("late, ignored");
    await flush();

    expect(errors.every((error) => isSecretsError(error, "TIMEOUT") && error.retryable)).toBe(true);
    expect((await next).secretString).toBe(DB);
    expect(backend.calls).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, "30s"])(
    "refuses loadTimeoutMs %s with an ArgumentError naming it",
    (loadTimeoutMs) => {
      const create = () => coalescingTransport(scriptedBackend().transport, { loadTimeoutMs: loadTimeoutMs as number });

      expect(create).toThrow(ArgumentError);
      expect(create).toThrow("loadTimeoutMs");
    },
  );

  it("passes a SecretsError of the transport through as it is", async () => {
    const denied = new SecretsError({ code: "ACCESS_DENIED", operation: "getSecretValue", transport: "denying" });
    const transport = coalescingTransport({ name: "denying", getSecretValue: () => Promise.reject(denied) });

    expect(await rejectionOf(transport.getSecretValue({ id: "a" }))).toBe(denied);
  });
});
