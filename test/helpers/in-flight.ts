/**
 * Counts the requests a loopback fake has in flight. Each request is held until none has arrived for
 * `quietMs`, so the requests a client sends together really overlap at the server; then the whole
 * wave is answered. A client with at most N calls in flight never shows more than N.
 */
import type { AwsJsonHandler } from "./aws-json-server.js";

/** A wrapped handler and the most requests it ever held at once. */
export interface InFlightCounter {
  readonly handler: AwsJsonHandler;
  /** The most requests in flight at once so far. */
  readonly max: () => number;
}

/** Wraps `handler` to count the requests in flight at once. */
export function countInFlight(handler: AwsJsonHandler, quietMs = 50): InFlightCounter {
  let inFlight = 0;
  let max = 0;
  let held: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const releaseWhenQuiet = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const wave = held;
      held = [];
      for (const release of wave) release();
    }, quietMs);
  };
  return {
    async handler(body, request) {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise<void>((resolve) => {
        held.push(resolve);
        releaseWhenQuiet();
      });
      inFlight--;
      return handler(body, request);
    },
    max: () => max,
  };
}
