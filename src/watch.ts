/**
 * `secretwrangler/watch`: secrets that change. The handles `secrets.watch(id)` and
 * `secrets.watchParameter(name)` return (a synchronous `current`, change events, `using`), their
 * options and hook events, and the same watches on a bare transport, without a client. See
 * `docs/watch.md`.
 *
 * Every public export is listed here by name.
 *
 * @module secretwrangler/watch
 */

export type {
  WatchChange,
  WatchErrorEvent,
  WatchHandle,
  WatchKind,
  WatchOptions,
  WatchParameterOptions,
  WatchReason,
  WatchRefreshEvent,
  WatchScheduler,
  WatchSecretOptions,
} from "./watch/types.js";
export type { WatchMethods, WatchRegistry } from "./watch/watch.js";
export { watchParameter, watchRegistry, watchSecret } from "./watch/watch.js";
