/**
 * The cache's default clock: monotonic (`performance.now()`, immune to wall-clock jumps) and
 * coarse. Reading the real clock costs ~40 ns, a third of a whole cache hit, so a reading is
 * reused until a 1 ms timer clears it, as lru-cache's `ttlResolution` does. Within one
 * uninterrupted task the time stands still; TTLs of seconds and minutes do not notice.
 */
let cached: number | undefined;

function forget(): void {
  cached = undefined;
}

/** Milliseconds on a monotonic clock, at most about 1 ms behind (or one long task behind). */
export function coarseClock(): number {
  if (cached !== undefined) return cached;
  cached = performance.now();
  setTimeout(forget, 1).unref();
  return cached;
}
