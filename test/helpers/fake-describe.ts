/**
 * What the watch tests need beyond the shared helpers: DescribeSecret on the loopback fake Secrets
 * Manager (added with its `handle()`), a fake scheduler (clock and timers) and a transport that counts its calls.
 */
import type { SecretRecord, Transport } from "../../src/transport/types.js";
import type { WatchScheduler } from "../../src/watch/types.js";
import { type AwsJsonServer, awsError } from "./aws-json-server.js";
import { fakeArn } from "./fake-secrets-manager.js";

/** What the fake says about one secret; dates in wall-clock milliseconds. */
export interface FakeDescription {
  nextRotationDate?: number | undefined;
  lastRotatedDate?: number | undefined;
  rotationEnabled?: boolean | undefined;
}

/**
 * Adds `DescribeSecret` to a fake Secrets Manager: the secrets named in `descriptions` (changed in
 * place by the test), with AWS's epoch-seconds dates; others are `ResourceNotFoundException`.
 */
export function addDescribeSecret(server: AwsJsonServer, descriptions: Record<string, FakeDescription>): void {
  server.handle({
    DescribeSecret(body) {
      const name = String(body.SecretId);
      const description = descriptions[name];
      if (!description)
        return awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
      return {
        body: {
          ARN: fakeArn(name),
          Name: name,
          RotationEnabled: description.rotationEnabled ?? description.nextRotationDate !== undefined,
          NextRotationDate: seconds(description.nextRotationDate),
          LastRotatedDate: seconds(description.lastRotatedDate),
          LastChangedDate: 1_700_000_000.5,
        },
      };
    },
  });
}

/** Lets every pending promise callback run (no I/O happens in the fake-timer tests). */
export async function flush(): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock and timers that move only when the test says so. */
export class FakeScheduler implements WatchScheduler {
  #now: number;
  #next = 1;
  readonly #timers = new Map<number, { readonly at: number; readonly callback: () => void }>();
  /** The jitter's random numbers; replace it per test. */
  random: () => number;
  /** Every delay asked for, in order. */
  readonly delays: number[] = [];

  constructor(start: number = Date.UTC(2030, 0, 1), random: () => number = () => 0.5) {
    this.#now = start;
    this.random = random;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.delays.push(ms);
    this.#timers.set(id, { at: this.#now + ms, callback });
    return id;
  }

  clearTimeout(timer: unknown): void {
    this.#timers.delete(timer as number);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** When the next timer fires, if any. */
  get nextAt(): number | undefined {
    let earliest: number | undefined;
    for (const { at } of this.#timers.values()) if (earliest === undefined || at < earliest) earliest = at;
    return earliest;
  }

  /** Moves the clock by `ms`, firing each timer that comes due, in order, and letting its work finish. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (let fired = 0; fired < 100_000; fired++) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= target && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].callback();
      await flush();
    }
    this.#now = target;
    await flush();
  }
}

/** Counts of the calls a {@link countingTransport} made. */
export interface CallCounts {
  getSecretValue: number;
  forced: number;
  describeSecret: number;
}

/**
 * `inner` with its getSecretValue calls counted (forced ones also apart), plus an optional
 * `describeSecret` and `watchChanges`, and a switch that makes reads fail.
 */
export function countingTransport(
  inner: Transport,
  extra: Pick<Transport, "describeSecret" | "watchChanges"> = {},
): { transport: Transport; counts: CallCounts; fail: { error: unknown } } {
  const counts: CallCounts = { getSecretValue: 0, forced: 0, describeSecret: 0 };
  const fail: { error: unknown } = { error: undefined };
  const transport: Transport = {
    ...inner,
    name: inner.name,
    async getSecretValue(request): Promise<SecretRecord> {
      counts.getSecretValue++;
      if (request.forceRefresh) counts.forced++;
      if (fail.error !== undefined) throw fail.error;
      return inner.getSecretValue(request);
    },
  };
  const { describeSecret, watchChanges } = extra;
  if (describeSecret) {
    transport.describeSecret = (request) => {
      counts.describeSecret++;
      return describeSecret(request);
    };
  }
  if (watchChanges) transport.watchChanges = watchChanges;
  return { transport, counts, fail };
}
