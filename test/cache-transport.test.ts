import { describe, expect, it } from "vitest";
import { cachedTransport, createSecretsClient, isSecretsError, SecretsError } from "../src/index.js";
import { FakeClock, scriptedBackend, settled } from "./helpers/cache-backend.js";
import { rejectionOf } from "./helpers/canary.js";

const TTL = 10_000;

function cached(values: Record<string, string>) {
  const backend = scriptedBackend(values);
  const clock = new FakeClock();
  const transport = cachedTransport(backend.transport, { ttlMs: TTL, clock: clock.read });
  return { backend, clock, transport };
}

describe("cachedTransport: secret batches", () => {
  it("serves hits from the cache, batches only the misses and stores what it fetched", async () => {
    const { backend, transport } = cached({ a: "1", b: "2", c: "3" });
    await transport.getSecretValue({ id: "a" });

    const results = await transport.batchGetSecretValue?.(["a", "b", "c"]);
    await transport.getSecretValue({ id: "c" });

    expect(results?.map((result) => result.ok && result.value.secretString)).toEqual(["1", "2", "3"]);
    expect(backend.batchCalls).toEqual([["b", "c"]]);
    expect(backend.calls).toHaveLength(1);
  });

  it("joins a single read already in flight instead of fetching that id again", async () => {
    const { backend, transport } = cached({ a: "1", b: "2" });
    backend.hold();
    const single = transport.getSecretValue({ id: "a" });

    const batch = transport.batchGetSecretValue?.(["a", "b"]);
    backend.release();
    await Promise.all([single, batch]);

    expect(backend.batchCalls).toEqual([["b"]]);
  });

  it("reports a missing id without failing the others, and caches no error", async () => {
    const { backend, transport } = cached({ a: "1" });

    const first = await transport.batchGetSecretValue?.(["a", "missing"]);
    await transport.batchGetSecretValue?.(["a", "missing"]);

    expect(first?.[0]?.ok).toBe(true);
    expect(first?.[1]?.ok === false && first[1].error.code).toBe("NOT_FOUND");
    expect(backend.batchCalls).toEqual([["a", "missing"], ["missing"]]);
  });

  it("does not fetch an id that is backing off: the batch gives it the last error", async () => {
    const { backend, transport } = cached({ a: "1", b: "2" });
    backend.fail("THROTTLED");
    await transport.batchGetSecretValue?.(["a"]);
    backend.fail(undefined);

    const results = await transport.batchGetSecretValue?.(["a", "b"]);

    expect(results?.[0]?.ok === false && results[0].error.code).toBe("THROTTLED");
    expect(results?.[1]?.ok).toBe(true);
    expect(backend.batchCalls).toEqual([["a"], ["b"]]);
  });

  it("gives every id the SecretsError of a batch call that failed as a whole", async () => {
    const throttled = new SecretsError({ code: "THROTTLED", operation: "batchGetSecretValue", transport: "failing" });
    const transport = cachedTransport({
      name: "failing",
      getSecretValue: () => Promise.reject(throttled),
      batchGetSecretValue: () => Promise.reject(throttled),
    });

    const results = await transport.batchGetSecretValue?.(["a", "b"]);

    expect(results).toEqual([
      { id: "a", ok: false, error: throttled },
      { id: "b", ok: false, error: throttled },
    ]);
  });

  it("rejects the batch when the transport throws something other than a SecretsError", async () => {
    const bug = new TypeError("a bug in a custom transport");
    const transport = cachedTransport({
      name: "buggy",
      getSecretValue: () => Promise.reject(bug),
      batchGetSecretValue: () => Promise.reject(bug),
    });

    expect(await rejectionOf(transport.batchGetSecretValue?.(["a"]) ?? Promise.resolve())).toBe(bug);
  });

  it("offers only the read methods the wrapped transport has", () => {
    const transport = cachedTransport({ name: "minimal", getSecretValue: () => Promise.reject(new Error("unused")) });

    expect(transport.batchGetSecretValue).toBeUndefined();
    expect(transport.getParameter).toBeUndefined();
    expect(transport.getParameters).toBeUndefined();
    expect(transport.getParametersByPath).toBeUndefined();
  });

  it("rejects with ABORTED, without calling the transport, when the signal has already fired", async () => {
    const { backend, transport } = cached({ a: "1" });
    const controller = new AbortController();
    controller.abort();

    const error = await rejectionOf(transport.getSecretValue({ id: "a", signal: controller.signal }));

    expect(isSecretsError(error, "ABORTED")).toBe(true);
    expect(backend.calls).toHaveLength(0);
  });
});

describe("cachedTransport: parameters", () => {
  it("keys getParameter by name, version, label and decrypt", async () => {
    const { backend, transport } = cached({ "/app/url": "u" });
    const requests = [
      { name: "/app/url" },
      { name: "/app/url", decrypt: true },
      { name: "/app/url", decrypt: false },
      { name: "/app/url", version: 2 },
      { name: "/app/url", label: "live" },
    ];

    for (const request of [...requests, ...requests]) await transport.getParameter?.(request);

    expect(backend.parameterCalls).toHaveLength(requests.length);
  });

  it("serves a hot parameter synchronously through peekParameter", async () => {
    const { transport } = cached({ "/app/url": "u" });
    const request = { name: "/app/url", decrypt: true };
    const before = transport.peekParameter(request);

    const record = await transport.getParameter?.(request);

    expect(before).toBeUndefined();
    expect(transport.peekParameter(request)).toBe(record);
    expect(Object.isFrozen(record)).toBe(true);
  });

  it("shares entries between getParameters and getParameter and batches only the misses", async () => {
    const { backend, transport } = cached({ "/a": "1", "/b": "2" });
    await transport.getParameter?.({ name: "/a", decrypt: true });

    const results = await transport.getParameters?.(["/a", "/b"], { decrypt: true });
    await transport.getParameter?.({ name: "/b", decrypt: true });

    expect(results?.map((result) => result.ok && result.value.value)).toEqual(["1", "2"]);
    expect(backend.parametersCalls).toEqual([{ names: ["/b"], decrypt: true }]);
    expect(backend.parameterCalls).toHaveLength(1);
  });

  it("keys getParametersByPath by path, recursive and decrypt, and returns one frozen array", async () => {
    const { backend, transport } = cached({ "/app/a": "1", "/app/b": "2" });

    const first = await transport.getParametersByPath?.("/app/", { recursive: true, decrypt: true });
    const second = await transport.getParametersByPath?.("/app/", { recursive: true, decrypt: true });
    await transport.getParametersByPath?.("/app/", { recursive: false, decrypt: true });
    await transport.getParametersByPath?.("/app/", { recursive: true, decrypt: false });

    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(backend.pathCalls).toHaveLength(3);
  });

  it("passes forceRefresh on to the transport for parameters and paths", async () => {
    const { backend, transport } = cached({ "/app/a": "1" });

    await transport.getParameter?.({ name: "/app/a", forceRefresh: true });
    await transport.getParametersByPath?.("/app/", { forceRefresh: true });

    expect(backend.parameterCalls[0]?.forceRefresh).toBe(true);
    expect(backend.pathCalls[0]?.options).toMatchObject({ forceRefresh: true });
  });

  it("invalidates a parameter and the cached paths above it", async () => {
    const { backend, transport } = cached({ "/app/a": "1", "/other/b": "2" });
    await transport.getParameter?.({ name: "/app/a" });
    await transport.getParametersByPath?.("/app/");
    await transport.getParametersByPath?.("/other/");

    transport.invalidate("/app/a");
    await transport.getParameter?.({ name: "/app/a" });
    await transport.getParametersByPath?.("/app/");
    await transport.getParametersByPath?.("/other/");

    expect(backend.parameterCalls).toHaveLength(2);
    expect(backend.pathCalls.map((call) => call.path)).toEqual(["/app/", "/other/", "/app/"]);
  });

  it("serves a stale parameter on a transient failure, like a secret", async () => {
    const { backend, clock, transport } = cached({ "/app/a": "1" });
    await transport.getParameter?.({ name: "/app/a" });
    backend.fail("THROTTLED");
    clock.advance(TTL * 2);
    backend.hold();

    const read = transport.getParameter?.({ name: "/app/a" }) ?? Promise.resolve(undefined);
    backend.release();

    expect((await read)?.value).toBe("1");
    expect(await settled(read)).toBe(true);
  });

  it("caches the client's getParameter reads", async () => {
    const backend = scriptedBackend({ "/app/url": "https://example.com" });
    const client = createSecretsClient({ transport: backend.transport });

    await client.getParameter("/app/url");
    const value = await client.getParameter("/app/url");

    expect(value).toBe("https://example.com");
    expect(backend.parameterCalls).toHaveLength(1);
  });
});
