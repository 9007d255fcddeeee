/**
 * `--verbose`: one stderr line per read, backend call and credential load of the run (what, from
 * where, how long, the cache outcome, the code of a failure), from the diagnostics channels. Never
 * a value: the payloads hold none.
 */
import { tracingChannel } from "node:diagnostics_channel";
import {
  type BackendEvent,
  CHANNELS,
  type CredentialsEvent,
  type ReadEvent,
  settledHandlers,
  type TraceResult,
} from "../core/diagnostics.js";
import { escapeControl } from "../core/text.js";
import type { CliIo } from "./output.js";

/** Whether the command's own flags (those before `--`, which belong to `exec`'s program) ask for it. */
export function wantsVerbose(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).includes("--verbose");
}

function outcome(event: TraceResult): string {
  const ms = `${(event.durationMs ?? 0).toFixed(1)} ms`;
  return event.error === undefined ? ms : `${ms}, failed ${event.code ?? "(not a SecretsError)"}`;
}

function details(parts: readonly (string | undefined)[]): string {
  const given = parts.filter((part) => part !== undefined);
  return given.length === 0 ? "" : ` (${given.join(", ")})`;
}

function subject(event: { readonly id?: string | undefined; readonly ids?: readonly string[] | undefined }): string {
  return event.id ?? `${event.ids?.length ?? 0} ids`;
}

/** Runs `run` with one stderr line per settled read, backend call and credential load. */
export async function withVerbose<T>(io: CliIo, run: () => Promise<T>): Promise<T> {
  const line = (text: string): void => {
    io.stderr.write(`secretwrangler: ${escapeControl(text)}\n`);
  };
  const subscriptions = [
    [
      CHANNELS.read,
      settledHandlers<ReadEvent>((event) =>
        line(
          `read ${event.operation} ${subject(event)} via ${event.transport}: ${outcome(event)}` +
            details([
              event.outcome,
              event.versionId && `version ${event.versionId}`,
              event.region && `region ${event.region}`,
            ]),
        ),
      ),
    ],
    [
      CHANNELS.backend,
      settledHandlers<BackendEvent>((event) =>
        line(
          `call ${event.service}.${event.operation} ${subject(event)} via ${event.transport}: ${outcome(event)}` +
            details([
              event.region && `region ${event.region}`,
              event.count === undefined ? undefined : `${event.count} results`,
            ]),
        ),
      ),
    ],
    [
      CHANNELS.credentials,
      settledHandlers<CredentialsEvent>((event) =>
        line(
          `credentials from ${event.source}: ${outcome(event)}` +
            details([event.expiresAt && `expire ${event.expiresAt.toISOString()}`]),
        ),
      ),
    ],
  ] as const;
  for (const [name, handlers] of subscriptions) tracingChannel(name).subscribe(handlers as never);
  try {
    return await run();
  } finally {
    for (const [name, handlers] of subscriptions) tracingChannel(name).unsubscribe(handlers as never);
  }
}
