/**
 * OpenTelemetry for secretwrangler: {@link instrument} subscribes to the library's diagnostics
 * channels (`core/diagnostics.ts`) and turns them into spans for backend calls and into metrics.
 * The only module that imports `@opentelemetry/api` (an optional peer dependency).
 */
import { tracingChannel } from "node:diagnostics_channel";
import {
  type Attributes,
  context,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import {
  type BackendEvent,
  CHANNELS,
  type CredentialsEvent,
  type ReadEvent,
  type RefreshEvent,
  settledHandlers,
  type TraceResult,
} from "../core/diagnostics.js";
import { ArgumentError, isSecretsError } from "../core/errors.js";

/**
 * Options of {@link instrument}.
 *
 * @example
 * ```ts
 * const options: InstrumentOptions = { tracerProvider, meterProvider, traceCacheHits: false };
 * ```
 */
export interface InstrumentOptions {
  /** Where spans go. @default the global tracer provider (`trace.getTracerProvider()`) */
  readonly tracerProvider?: TracerProvider | undefined;
  /** Where metrics go. @default the global meter provider (`metrics.getMeterProvider()`) */
  readonly meterProvider?: MeterProvider | undefined;
  /**
   * A span for every read of the client, cache hits included (`secretwrangler.<method>`, with its
   * cache outcome). Off: spans only for backend calls, the ones a cache hit saves.
   * @default false
   */
  readonly traceCacheHits?: boolean | undefined;
}

/**
 * What {@link instrument} returns: stop it with `unsubscribe()` or `using`.
 *
 * @example
 * ```ts
 * const instrumentation: Instrumentation = instrument();
 * instrumentation.unsubscribe();
 * ```
 */
export interface Instrumentation {
  /** Stops the spans and metrics; spans in progress are not ended. Safe to call more than once. */
  unsubscribe(): void;
  /** The same as {@link Instrumentation.unsubscribe}, for `using`. */
  [Symbol.dispose](): void;
}

/** `Symbol.dispose`, or Node's own name for it where it is missing (Node before 20.4), as `using` looks it up. */
const DISPOSE: symbol = Symbol.dispose ?? Symbol.for("nodejs.dispose");

/** The instrumentation scope: spans and metrics carry it. */
const SCOPE = "secretwrangler";

/** Age buckets in seconds: a second to a day, so "how stale did we get during the outage" is one query. */
const AGE_BUCKETS_S = [0, 1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400];
/** Backend latency buckets in seconds, 5 ms to 30 s. */
const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** `error.type`, the semantic conventions' name for what failed: the `SecretsError` code, else the error's name. */
function errorType(event: TraceResult): string | undefined {
  if (event.code !== undefined) return event.code;
  if (event.error === undefined) return undefined;
  return isSecretsError(event.error) ? event.error.code : event.error instanceof Error ? event.error.name : "Error";
}

function withError(attributes: Attributes, event: TraceResult): Attributes {
  const type = errorType(event);
  if (type !== undefined) attributes["error.type"] = type;
  return attributes;
}

function backendAttributes(event: BackendEvent): Attributes {
  return {
    "rpc.system": "aws-api",
    "rpc.service": event.service,
    "rpc.method": event.operation,
    "secretwrangler.transport": event.transport,
  };
}

function startSpan(tracer: Tracer, name: string, kind: SpanKind, attributes: Attributes, parent?: Span): Span {
  const active = context.active();
  return tracer.startSpan(name, { kind, attributes }, parent === undefined ? active : trace.setSpan(active, parent));
}

function endSpan(span: Span | undefined, event: TraceResult, attributes: Attributes): void {
  if (span === undefined) return;
  span.setAttributes(attributes);
  const type = errorType(event);
  if (type !== undefined) {
    span.setAttribute("error.type", type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  }
  span.end();
}

/**
 * Spans and metrics for secretwrangler, from its diagnostics channels (docs/observability.md).
 *
 * Spans: one per backend call (`SecretsManager.GetSecretValue`, `SSM.GetParametersByPath`, ...,
 * kind client) with `rpc.system` `aws-api`, `rpc.service`, `rpc.method`, `cloud.region`,
 * `aws.secretsmanager.secret.arn`, `secretwrangler.transport`, `secretwrangler.id` and `error.type`;
 * with `traceCacheHits`, one per read too, the parent of the backend call the read starts. Metrics: `secretwrangler.reads` (by outcome),
 * `secretwrangler.value.age` (histogram, s), `secretwrangler.backend.calls` and
 * `secretwrangler.backend.duration` (by operation and code), `secretwrangler.refresh.failures`,
 * `secretwrangler.credentials.refreshes`. No attribute holds a value, a token or a key.
 *
 * @example
 * ```ts
 * import { instrument } from 'secretwrangler/otel';
 *
 * const instrumentation = instrument(); // the global tracer and meter providers
 * // ... on shutdown:
 * instrumentation.unsubscribe();
 * ```
 */
export function instrument(options: InstrumentOptions = {}): Instrumentation {
  if (typeof options !== "object" || options === null)
    throw new ArgumentError("instrument: the options must be an object");
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const traceCacheHits = options.traceCacheHits === true;

  const counter = (name: string, description: string, unit: string) => meter.createCounter(name, { description, unit });
  const seconds = (name: string, description: string, buckets: number[]) =>
    meter.createHistogram(name, { description, unit: "s", advice: { explicitBucketBoundaries: buckets } });
  const reads = counter("secretwrangler.reads", "Reads of the client, by cache outcome", "{read}");
  const valueAge = seconds(
    "secretwrangler.value.age",
    "Age of the value a read served, since its backend call started",
    AGE_BUCKETS_S,
  );
  const backendCalls = counter(
    "secretwrangler.backend.calls",
    "Calls of the backend (Secrets Manager, Parameter Store, the agent, ...), by operation and error",
    "{call}",
  );
  const backendDuration = seconds(
    "secretwrangler.backend.duration",
    "Duration of the backend calls",
    DURATION_BUCKETS_S,
  );
  const refreshFailures = counter(
    "secretwrangler.refresh.failures",
    "Failed background refreshes of the cache and re-reads of watches",
    "{failure}",
  );
  const credentialRefreshes = counter(
    "secretwrangler.credentials.refreshes",
    "Credential loads of an AwsSession (the first and each refresh), by error",
    "{refresh}",
  );

  const spans = new WeakMap<object, Span>();
  /**
   * The read spans whose read is in its synchronous part, innermost last. A backend call starts
   * there (a miss's load, a refresh-ahead) when a read needs it, so its span is that read's child;
   * one that starts elsewhere (a background refresh, a watch) has the active context as parent.
   */
  const openReads: Span[] = [];

  const backend = settledHandlers<BackendEvent>(
    (event) => {
      const attributes = backendAttributes(event);
      withError(attributes, event);
      backendCalls.add(1, attributes);
      if (event.durationMs !== undefined) backendDuration.record(event.durationMs / 1000, attributes);
      const found: Attributes = {};
      if (event.region !== undefined) found["cloud.region"] = event.region;
      if (event.arn !== undefined && event.service === "SecretsManager")
        found["aws.secretsmanager.secret.arn"] = event.arn;
      if (event.versionId !== undefined) found["secretwrangler.version_id"] = event.versionId;
      if (event.count !== undefined) found["secretwrangler.result.count"] = event.count;
      endSpan(spans.get(event), event, found);
    },
    (event) => {
      const attributes = backendAttributes(event);
      if (event.id !== undefined) attributes["secretwrangler.id"] = event.id;
      if (event.ids !== undefined) attributes["secretwrangler.batch.size"] = event.ids.length;
      spans.set(
        event,
        startSpan(tracer, `${event.service}.${event.operation}`, SpanKind.CLIENT, attributes, openReads.at(-1)),
      );
    },
  );

  const read = settledHandlers<ReadEvent>(
    (event) => {
      const attributes: Attributes = {
        "secretwrangler.operation": event.operation,
        "secretwrangler.transport": event.transport,
      };
      if (event.outcome !== undefined) attributes["secretwrangler.cache.outcome"] = event.outcome;
      withError(attributes, event);
      reads.add(1, attributes);
      if (event.ageMs !== undefined && event.error === undefined) valueAge.record(event.ageMs / 1000, attributes);
      const found: Attributes = {};
      if (event.outcome !== undefined) found["secretwrangler.cache.outcome"] = event.outcome;
      if (event.region !== undefined) found["cloud.region"] = event.region;
      if (event.versionId !== undefined) found["secretwrangler.version_id"] = event.versionId;
      endSpan(spans.get(event), event, found);
    },
    traceCacheHits
      ? (event) => {
          const attributes: Attributes = {
            "secretwrangler.operation": event.operation,
            "secretwrangler.transport": event.transport,
          };
          if (event.id !== undefined) attributes["secretwrangler.id"] = event.id;
          if (event.ids !== undefined) attributes["secretwrangler.batch.size"] = event.ids.length;
          const span = startSpan(tracer, `secretwrangler.${event.operation}`, SpanKind.INTERNAL, attributes);
          spans.set(event, span);
          openReads.push(span);
        }
      : undefined,
    (event) => {
      if (openReads.length > 0 && openReads.at(-1) === spans.get(event)) openReads.pop();
    },
  );

  const refresh = settledHandlers<RefreshEvent>((event) => {
    if (event.error === undefined) return;
    refreshFailures.add(
      1,
      withError(
        {
          "secretwrangler.refresh.source": event.source,
          "secretwrangler.operation": event.operation,
          "secretwrangler.transport": event.transport,
        },
        event,
      ),
    );
  });

  const credentials = settledHandlers<CredentialsEvent>((event) => {
    credentialRefreshes.add(1, withError({ "secretwrangler.credentials.source": event.source }, event));
  });

  const subscriptions = [
    [CHANNELS.backend, backend],
    [CHANNELS.read, read],
    [CHANNELS.refresh, refresh],
    [CHANNELS.credentials, credentials],
  ] as const;
  for (const [name, handlers] of subscriptions) tracingChannel(name).subscribe(handlers as never);
  let subscribed = true;
  const unsubscribe = (): void => {
    if (!subscribed) return;
    subscribed = false;
    for (const [name, handlers] of subscriptions) tracingChannel(name).unsubscribe(handlers as never);
  };
  return { unsubscribe, [DISPOSE]: unsubscribe } as unknown as Instrumentation;
}
