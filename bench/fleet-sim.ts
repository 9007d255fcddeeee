/**
 * The pieces of `fleet.bench.ts`: a virtual clock with its timers, a counting Secrets Manager with
 * a request quota (a token bucket) that answers `ThrottlingException` past it, and the SDK's retry
 * behaviour, all in one process and in virtual time, so that an hour of a 1,000-process fleet runs
 * in seconds.
 */

/** A virtual clock: `now` in milliseconds, timers fired in order by {@link VirtualClock.runUntil}. */
export class VirtualClock {
  now = 0;
  #heap: { at: number; seq: number; fire: () => void }[] = [];
  #seq = 0;

  /** Runs `fire` at `now + ms`. */
  after(ms: number, fire: () => void): void {
    const item = { at: this.now + Math.max(0, ms), seq: this.#seq++, fire };
    const heap = this.#heap;
    heap.push(item);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent] as (typeof heap)[number];
      if (above.at < item.at || (above.at === item.at && above.seq < item.seq)) break;
      heap[index] = above;
      index = parent;
    }
    heap[index] = item;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** Fires every timer due at or before `time`, then sets `now` to `time`. */
  fireUntil(time: number): void {
    const heap = this.#heap;
    while (heap.length > 0 && (heap[0] as (typeof heap)[number]).at <= time) {
      const top = heap[0] as (typeof heap)[number];
      const last = heap.pop() as (typeof heap)[number];
      if (heap.length > 0) {
        let index = 0;
        for (;;) {
          const left = 2 * index + 1;
          if (left >= heap.length) break;
          const right = left + 1;
          const child =
            right < heap.length && before(heap[right] as (typeof heap)[number], heap[left] as (typeof heap)[number])
              ? right
              : left;
          if (!before(heap[child] as (typeof heap)[number], last)) break;
          heap[index] = heap[child] as (typeof heap)[number];
          index = child;
        }
        heap[index] = last;
      }
      this.now = top.at;
      top.fire();
    }
    this.now = time;
  }
}

function before(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Lets every pending promise callback run (one macrotask turn). */
export const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What the backend counted. */
export interface BackendCounts {
  /** Requests received (every attempt, throttled ones included), by operation. */
  readonly calls: Map<string, number>;
  throttled: number;
  /** Requests received per virtual second. */
  readonly perSecond: Map<number, number>;
}

/**
 * A counting Secrets Manager with a quota: a token bucket of `rate` requests per second holding at
 * most `burst` tokens. A request without a token is answered `ThrottlingException`. Every answer
 * takes `latencyMs` of virtual time. A secret's value is the virtual time it was answered at, so a
 * reader can tell how old what it got is.
 */
export class QuotaBackend {
  readonly counts: BackendCounts = { calls: new Map(), throttled: 0, perSecond: new Map() };
  #tokens: number;
  #filledAt = 0;
  readonly #clock: VirtualClock;
  readonly #rate: number;
  readonly #burst: number;
  readonly latencyMs: number;

  constructor(clock: VirtualClock, rate: number, burst: number, latencyMs: number) {
    this.#clock = clock;
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.latencyMs = latencyMs;
  }

  /** One request: `true` if it is served, `false` if throttled; counted either way. */
  request(operation: string): boolean {
    const { counts } = this;
    const now = this.#clock.now;
    counts.calls.set(operation, (counts.calls.get(operation) ?? 0) + 1);
    const second = Math.floor(now / 1000);
    counts.perSecond.set(second, (counts.perSecond.get(second) ?? 0) + 1);
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#filledAt) * this.#rate) / 1000);
    this.#filledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    counts.throttled++;
    return false;
  }

  total(): number {
    let sum = 0;
    for (const value of this.counts.calls.values()) sum += value;
    return sum;
  }

  /** The most requests received in one virtual second at or after `fromMs`. */
  peakPerSecond(fromMs = 0): number {
    let peak = 0;
    for (const [second, count] of this.counts.perSecond) if (second * 1000 >= fromMs && count > peak) peak = count;
    return peak;
  }
}

/** The SDK's default retry behaviour (standard mode): 3 attempts; throttling backoff base 500 ms, full jitter. */
export const SDK_MAX_ATTEMPTS = 3;
const THROTTLING_BASE_MS = 500;
const MAX_DELAY_MS = 20_000;

/**
 * One SDK call against the backend: up to 3 attempts, each taking the backend's latency; a
 * throttled attempt is retried after a jittered exponential delay. Resolves `true` when served,
 * `false` when every attempt was throttled.
 */
export async function sdkCall(clock: VirtualClock, backend: QuotaBackend, operation: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    await clock.sleep(backend.latencyMs);
    if (backend.request(operation)) return true;
    if (attempt + 1 >= SDK_MAX_ATTEMPTS) return false;
    await clock.sleep(Math.floor(Math.random() * Math.min(MAX_DELAY_MS, THROTTLING_BASE_MS * 2 ** attempt)));
  }
}
