/**
 * `secretwrangler/otel`: OpenTelemetry spans and metrics for secretwrangler, from its
 * `node:diagnostics_channel` channels. Needs `@opentelemetry/api` (an optional peer dependency,
 * loaded only by this entry). See `docs/observability.md`.
 *
 * Every public export is listed here by name.
 *
 * @module secretwrangler/otel
 */

export type { Instrumentation, InstrumentOptions } from "./otel/instrument.js";
export { instrument } from "./otel/instrument.js";
