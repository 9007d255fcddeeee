/**
 * The one abort helper (src/core/abort.ts) and its use by every read of the cache: a reader's
 * signal ends its own wait with ABORTED, never the shared load, and leaves no listener behind.
 */
import { getEventListeners } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { cachedTransport } from "../src/cache/cached-transport.js";
import { abortable, abortedError } from "../src/core/abort.js";
import { isSecretsError } from "../src/core/errors.js";
import { FakeClock, scriptedBackend } from "./helpers/cache-backend.js";
import { rejectionOf } from "./helpers/canary.js";

const CONTEXT = { operation: "getSecretValue", secretId: "prod/db", transport: "test" } as const;

/** A promise and its resolver. */
function deferred<T>() {
  let resolve = (_value: T): void => {};
  let reject = (_error: unknown): void => {};
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe("abortable", () => {
  it("rejects at once with ABORTED, the signal's reason as cause, when the signal fired already", async () => {
    const reason = new Error("gave up");
    const start = vi.fn(() => Promise.resolve("value"));

    const error = await rejectionOf(abortable(start, AbortSignal.abort(reason), CONTEXT));

    expect(start).not.toHaveBeenCalled();
    expect(isSecretsError(error, "ABORTED")).toBe(true);
    expect(error).toMatchObject({
      operation: "getSecretValue",
      secretId: "prod/db",
      transport: "test",
      retryable: false,
    });
    expect((error as Error).cause).toBe(reason);
  });

  it("rejects when the signal fires while waiting, and the work goes on", async () => {
    const work = deferred<string>();
    const controller = new AbortController();

    const waiting = rejectionOf(abortable(work.promise, controller.signal, CONTEXT));
    const other = abortable(work.promise, undefined, CONTEXT);
    controller.abort("timeout");
    const error = await waiting;
    work.resolve("value");

    expect(isSecretsError(error, "ABORTED") && error.cause).toBe("timeout");
    expect(await other).toBe("value");
  });

  it("passes the outcome through, and returns the very promise without a signal", async () => {
    const failure = new Error("failed");
    const promise = Promise.resolve(1);

    expect(abortable(promise, undefined, CONTEXT)).toBe(promise);
    expect(await abortable(Promise.resolve(2), new AbortController().signal, CONTEXT)).toBe(2);
    expect(await rejectionOf(abortable(Promise.reject(failure), new AbortController().signal, CONTEXT))).toBe(failure);
    expect(await rejectionOf(abortable(() => Promise.reject(failure), undefined, CONTEXT))).toBe(failure);
    expect(
      await rejectionOf(
        abortable(
          () => {
            throw failure;
          },
          undefined,
          CONTEXT,
        ),
      ),
    ).toBe(failure);
  });

  it("leaves no listener on a long-lived signal after 1,000 settled waits", async () => {
    const controller = new AbortController();

    for (let wait = 0; wait < 1_000; wait++) {
      await abortable(Promise.resolve(wait), controller.signal, CONTEXT);
      await abortable(Promise.reject(new Error("no")), controller.signal, CONTEXT).catch(() => {});
    }

    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("builds the same ABORTED error on its own", () => {
    const error = abortedError(AbortSignal.abort("why"), { operation: "getParameter" });

    expect(error).toMatchObject({ code: "ABORTED", operation: "getParameter", detail: "the signal fired" });
    expect(error.cause).toBe("why");
  });
});

describe("cachedTransport: aborts", () => {
  const backend = () => scriptedBackend({ a: "1", "/app/a": "p" });

  it.each([
    ["getSecretValue", "a"],
    ["batchGetSecretValue", undefined],
    ["getParameter", "/app/a"],
    ["getParameters", undefined],
    ["getParametersByPath", "/app/"],
  ] as const)("%s: a fired signal rejects with ABORTED at once, without a call", async (operation, secretId) => {
    const scripted = backend();
    const transport = cachedTransport(scripted.transport, { clock: new FakeClock().read });
    const signal = AbortSignal.abort();
    const reads = {
      getSecretValue: () => transport.getSecretValue({ id: "a", signal }),
      batchGetSecretValue: () => transport.batchGetSecretValue?.(["a"], { signal }),
      getParameter: () => transport.getParameter?.({ name: "/app/a", signal }),
      getParameters: () => transport.getParameters?.(["/app/a"], { signal }),
      getParametersByPath: () => transport.getParametersByPath?.("/app/", { signal }),
    };

    const error = await rejectionOf(reads[operation]() ?? Promise.resolve());

    expect(error).toMatchObject({ code: "ABORTED", operation, secretId, transport: "scripted" });
    const calls = [
      scripted.calls,
      scripted.batchCalls,
      scripted.parameterCalls,
      scripted.parametersCalls,
      scripted.pathCalls,
    ];
    expect(calls.every((list) => list.length === 0)).toBe(true);
    expect(transport.size).toBe(0);
  });

  it.each(["getSecretValue", "batchGetSecretValue", "getParameter", "getParameters", "getParametersByPath"] as const)(
    "%s: one reader's abort ends its own wait only, and no listener stays",
    async (operation) => {
      const scripted = backend();
      const transport = cachedTransport(scripted.transport, { clock: new FakeClock().read });
      const reads = {
        getSecretValue: (signal?: AbortSignal) => transport.getSecretValue({ id: "a", signal }),
        batchGetSecretValue: (signal?: AbortSignal) => transport.batchGetSecretValue?.(["a"], { signal }),
        getParameter: (signal?: AbortSignal) => transport.getParameter?.({ name: "/app/a", signal }),
        getParameters: (signal?: AbortSignal) => transport.getParameters?.(["/app/a"], { signal }),
        getParametersByPath: (signal?: AbortSignal) => transport.getParametersByPath?.("/app/", { signal }),
      };
      const controller = new AbortController();
      const longLived = new AbortController();
      scripted.hold();

      const abandoned = rejectionOf(reads[operation](controller.signal) ?? Promise.resolve());
      const patient = reads[operation](longLived.signal);
      controller.abort();
      const error = await abandoned;
      scripted.release();
      await patient;

      expect(isSecretsError(error, "ABORTED")).toBe(true);
      expect(getEventListeners(longLived.signal, "abort")).toHaveLength(0);
    },
  );

  it("has one abort helper: no abort handling of its own is left in src/cache/", () => {
    const directory = fileURLToPath(new URL("../src/cache/", import.meta.url));
    const sources = readdirSync(directory)
      .filter((file) => file.endsWith(".ts"))
      .map((file) => [file, readFileSync(join(directory, file), "utf8")] as const);

    const copies = sources.filter(([, text]) => /addEventListener|\.aborted\b|"ABORTED"/.test(text));

    expect(sources.length).toBeGreaterThan(0);
    expect(copies.map(([file]) => file)).toEqual([]);
  });
});
