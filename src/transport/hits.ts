/**
 * A cache's hit lookup, found by the transport it belongs to. A reader of many kinds of transport
 * that called each one's `peekSecretValue` would see a closure per cache, on objects of many
 * shapes: a slow, megamorphic call on the hottest path. Every cache registers one object of one
 * class instead, whose method the reader calls (one target, inlined).
 */
import type { Freshness, SecretRecord, SecretVersionOptions, Transport } from "./types.js";

/** What a transport's `peekSecretValue` returns, as a method of one class for all caches. */
export interface SecretHitLookup {
  peek(id: string, options?: SecretVersionOptions & Freshness): SecretRecord | undefined;
}

const lookups = new WeakMap<Transport, SecretHitLookup>();

/** Registers `lookup` as the hit lookup of `transport` (a cache's own, answering as its `peekSecretValue`). */
export function registerSecretHits(transport: Transport, lookup: SecretHitLookup): void {
  lookups.set(transport, lookup);
}

/** The hit lookup a cache registered for `transport`, else `undefined`. */
export function secretHitsOf(transport: Transport): SecretHitLookup | undefined {
  return lookups.get(transport);
}
