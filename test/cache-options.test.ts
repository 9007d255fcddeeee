/**
 * Refused cache options: a programming mistake in an option is an ArgumentError whose message names
 * the option. The table has a row for every CacheOptions key (the type makes a missing one a
 * compile error), each with the bad values that matter for it.
 */
import { describe, expect, it } from "vitest";
import { cachedTransport } from "../src/cache/cached-transport.js";
import type { CacheOptions } from "../src/cache/options.js";
import { ArgumentError } from "../src/core/errors.js";
import { scriptedBackend } from "./helpers/cache-backend.js";

const NOT_NUMBERS = ["10", true, {}, [], 10n];
const BAD_MILLISECONDS = [...NOT_NUMBERS, -1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const NOT_FUNCTIONS = ["log", 1, true, {}, []];

/** Bad values per option, and options that go with them (where a value is only bad relative to another). */
const BAD: { readonly [Name in keyof Required<CacheOptions>]: readonly unknown[] } = {
  ttlMs: [...BAD_MILLISECONDS, 0],
  maxEntries: [...NOT_NUMBERS, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53],
  refreshAheadMs: [...BAD_MILLISECONDS, 300_001],
  maxStaleMs: BAD_MILLISECONDS,
  staleOnError: ["yes", 1, 0, {}, "false"],
  backoffMs: [...BAD_MILLISECONDS, 0],
  maxBackoffMs: BAD_MILLISECONDS,
  loadTimeoutMs: [...BAD_MILLISECONDS, 0, 2 ** 31, Number.MAX_SAFE_INTEGER],
  batchRefresh: ["yes", 1, 0, {}, "false"],
  refreshJitterMs: [...BAD_MILLISECONDS, 30_001],
  firstRefreshSpreadMs: [...BAD_MILLISECONDS, 270_001],
  onError: NOT_FUNCTIONS,
  clock: NOT_FUNCTIONS,
};

/** Values at the edges that are fine. */
const GOOD: { readonly [Name in keyof Required<CacheOptions>]: readonly unknown[] } = {
  ttlMs: [1, 0.5, 300_000, undefined],
  maxEntries: [1, 1000, Number.MAX_SAFE_INTEGER, undefined],
  refreshAheadMs: [0, 300_000, undefined],
  maxStaleMs: [0, 10 ** 12, undefined],
  staleOnError: [true, false, undefined],
  backoffMs: [1, 0.5, undefined],
  maxBackoffMs: [0, 1, 10 ** 9, undefined],
  loadTimeoutMs: [1, 30_000, 2 ** 31 - 1, undefined],
  batchRefresh: [true, false, undefined],
  refreshJitterMs: [0, 30_000, undefined],
  firstRefreshSpreadMs: [0, 270_000, undefined],
  onError: [() => {}, undefined],
  clock: [() => 0, undefined],
};

const rows = Object.entries(BAD).flatMap(([name, values]) => values.map((value) => [name, value] as const));

describe("cache options: refused input", () => {
  it.each(rows)("refuses %s: %s with an ArgumentError naming the option", (name, value) => {
    const create = () => cachedTransport(scriptedBackend().transport, { [name]: value } as CacheOptions);

    expect(create).toThrow(ArgumentError);
    expect(create).toThrow(`cache.${name}`);
  });

  it("covers every option with at least one bad value", () => {
    expect(Object.keys(BAD).sort()).toEqual(Object.keys(GOOD).sort());
    expect(Object.values(BAD).every((values) => values.length > 0)).toBe(true);
  });

  it.each(Object.entries(GOOD).flatMap(([name, values]) => values.map((value) => [name, value] as const)))(
    "accepts %s: %s",
    (name, value) => {
      expect(() => cachedTransport(scriptedBackend().transport, { [name]: value } as CacheOptions)).not.toThrow();
    },
  );

  it.each([null, "fast", 1])("refuses cache options that are not an object (%s)", (options) => {
    expect(() => cachedTransport(scriptedBackend().transport, options as unknown as CacheOptions)).toThrow(
      ArgumentError,
    );
  });

  it("refuses refreshAheadMs above ttlMs, naming both", () => {
    const create = () => cachedTransport(scriptedBackend().transport, { ttlMs: 1_000, refreshAheadMs: 1_001 });

    expect(create).toThrow(ArgumentError);
    expect(create).toThrow(/cache\.refreshAheadMs.*cache\.ttlMs/);
  });
});
