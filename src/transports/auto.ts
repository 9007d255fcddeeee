/**
 * The auto transport: the agent when one answers on its port, else the SDK. The choice is made on the
 * first read, kept, and made again only after the chosen transport fails in a way that says it is
 * gone or unusable (unreachable agent, rejected token, no AWS credentials). The SDK is loaded only if
 * it is chosen.
 */
import { isSecretsError, SecretsError, type SecretsErrorCode, unsupportedOperation } from "../core/errors.js";
import { settleEach } from "../transport/batch.js";
import type {
  BatchOptions,
  BatchResult,
  ParameterRecord,
  ParameterRequest,
  SecretRecord,
  Transport,
} from "../transport/types.js";
import { forwardWrites } from "../transport/write-forwarding.js";
import { resolveAgentToken } from "./agent/token.js";
import { type AgentTransport, type AgentTransportOptions, agentTokenEnv, agentTransport } from "./agent/transport.js";
import { type SdkTransportOptions, sdkTransport } from "./sdk/transport.js";

const TRANSPORT_NAME = "auto";

/**
 * Failures after which the choice is made again: the chosen backend is gone or cannot be used at all.
 * Not TRANSPORT or TIMEOUT (an AWS 5xx or a slow call says nothing about which backend to use, and a
 * new probe and token read per failure would add to an outage) nor CONFIG (the agent answered, it
 * just lacks the route).
 */
const REDECIDE_CODES: readonly SecretsErrorCode[] = ["AGENT_UNREACHABLE", "AGENT_TOKEN", "CREDENTIALS"];

/**
 * What {@link autoTransport} chose, and why.
 *
 * @example
 * ```ts
 * autoTransport({ onDecision: ({ transport, reason }) => console.debug(transport, reason) });
 * ```
 */
export interface AutoTransportDecision {
  /** The transport now in use. */
  readonly transport: "agent" | "sdk";
  /** Why, e.g. `an agent answers on http://127.0.0.1:2773`. Never holds a token. */
  readonly reason: string;
  /** The agent endpoint that was probed; absent when the agent options are invalid. */
  readonly endpoint?: string | undefined;
}

/**
 * Options of {@link autoTransport}.
 *
 * @example
 * ```ts
 * autoTransport({ onDecision: (d) => console.debug(`secrets via ${d.transport}: ${d.reason}`) });
 * ```
 */
export interface AutoTransportOptions {
  /** Options of the agent transport that is tried first. */
  readonly agent?: AgentTransportOptions | undefined;
  /** Options of the SDK transport that is the fallback. */
  readonly sdk?: SdkTransportOptions | undefined;
  /** How long the probe of the agent's port waits for an answer, in milliseconds. @default 250 */
  readonly probeTimeoutMs?: number | undefined;
  /** Told about every choice, the first and each one after a failure. Should not throw; if it does, that is ignored. */
  readonly onDecision?: ((decision: AutoTransportDecision) => void) | undefined;
}

/**
 * The error as this transport's: `transport` is "auto" (the name callers see on the client), and the
 * message says which backend failed; the backend's own error stays the cause.
 */
function relabel(error: SecretsError, via: string): SecretsError {
  return new SecretsError({
    code: error.code,
    operation: error.operation,
    secretId: error.secretId,
    transport: TRANSPORT_NAME,
    retryable: error.retryable,
    status: error.status,
    issues: error.issues,
    detail: `via ${via}${error.detail ? `: ${error.detail}` : ""}`,
    hint: error.hint,
    cause: error,
  });
}

/** One parameter read on a backend that may lack the method. */
async function readParameter(transport: Transport, request: ParameterRequest): Promise<ParameterRecord> {
  if (!transport.getParameter) throw unsupportedOperation(transport.name, "getParameter", request.name);
  return transport.getParameter(request);
}

/** The agent transport for these options, or why they are invalid. */
function tryAgentTransport(
  options: AgentTransportOptions | undefined,
):
  | { readonly agent: AgentTransport; readonly invalid?: undefined }
  | { readonly agent?: undefined; readonly invalid: string } {
  try {
    return { agent: agentTransport(options) };
  } catch (error) {
    // The messages name options and variables, never a token: agentTransport does not read one.
    return { invalid: error instanceof Error ? error.message : String(error) };
  }
}

/** The batch's errors as this transport's, like thrown ones. */
function relabelResults<T>(results: BatchResult<T>[], via: string): BatchResult<T>[] {
  return results.map((result) => (result.ok ? result : { ...result, error: relabel(result.error, via) }));
}

/**
 * What {@link autoTransport} chooses now: the agent when a token can be found (as the agent finds it)
 * and something answers HTTP on its port within `probeTimeoutMs`, else the SDK. One `GET /ping`, no
 * AWS call; never throws. Also used by `secretwrangler doctor`.
 */
export async function chooseAgentOrSdk(
  agent: AgentTransport,
  agentOptions: AgentTransportOptions = {},
  probeTimeoutMs = 250,
): Promise<AutoTransportDecision> {
  const tokenEnv = agentTokenEnv(agentOptions);
  try {
    await resolveAgentToken(agentOptions.token, tokenEnv, { operation: "chooseTransport", transport: TRANSPORT_NAME });
  } catch {
    const reason = `no agent token (${tokenEnv.join(", ")} unset, or its file unreadable)`;
    return { transport: "sdk", reason, endpoint: agent.endpoint };
  }
  return (await agent.ping({ timeoutMs: probeTimeoutMs }))
    ? { transport: "agent", reason: `an agent answers on ${agent.endpoint}`, endpoint: agent.endpoint }
    : { transport: "sdk", reason: `nothing answers on ${agent.endpoint}`, endpoint: agent.endpoint };
}

/**
 * A transport that uses the Secrets Manager Agent (or the Lambda extension) when one answers, and
 * AWS Secrets Manager through the SDK otherwise. The agent is chosen when a token can be found (as the
 * agent finds it) and something answers HTTP on its port within `probeTimeoutMs`; the probe is one
 * `GET /ping`, which needs no token and costs no AWS call. An application that gets the agent never
 * loads the AWS SDK.
 *
 * If the agent stops answering, the read that noticed is served by the new choice; a rejected agent
 * token or missing AWS credentials are thrown and the next read chooses again. Other failures (an
 * AWS 5xx, a timeout, a missing secret) keep the choice. Invalid agent options (say a malformed
 * `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`) do not throw here: the SDK is chosen, and the decision
 * says why. Methods the agent lacks (parameter paths, the writes) go to the SDK transport.
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: autoTransport() }); // or SECRETWRANGLER_TRANSPORT=auto
 * ```
 */
export function autoTransport(options: AutoTransportOptions = {}): Transport {
  const { agent, invalid } = tryAgentTransport(options.agent);
  const sdk = sdkTransport(options.sdk);
  const probeTimeoutMs = options.probeTimeoutMs ?? 250;
  let choice: Promise<Transport> | undefined;

  async function decide(): Promise<Transport> {
    const decision: AutoTransportDecision = agent
      ? await chooseAgentOrSdk(agent, options.agent, probeTimeoutMs)
      : { transport: "sdk", reason: `invalid agent options: ${invalid}` };
    try {
      options.onDecision?.(decision);
    } catch {
      // A broken logging hook must not break reads (nor stay in `choice` as a rejection).
    }
    return decision.transport === "agent" && agent ? agent : sdk;
  }

  function chosen(): Promise<Transport> {
    choice ??= decide();
    return choice;
  }

  /** Runs a read on the chosen transport, choosing again after a failure that says it is gone. */
  async function run<T>(read: (transport: Transport) => Promise<T>): Promise<T> {
    const current = chosen();
    const transport = await current;
    try {
      return await read(transport);
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      if (!isSecretsError(error, ...REDECIDE_CODES) || choice !== current) throw relabel(error, transport.name);
      choice = undefined;
      if (transport !== agent || error.code !== "AGENT_UNREACHABLE") throw relabel(error, transport.name);
      // Nothing reached the agent, so the read may safely go to the new choice.
      const next = await chosen();
      if (next === agent) throw relabel(error, transport.name);
      try {
        return await read(next);
      } catch (retryError) {
        throw retryError instanceof SecretsError ? relabel(retryError, next.name) : retryError;
      }
    }
  }

  const transport: Transport = {
    name: TRANSPORT_NAME,
    getSecretValue: (request) => run((current) => current.getSecretValue(request)),
    batchGetSecretValue: (ids, batch: BatchOptions = {}) =>
      run(async (current): Promise<BatchResult<SecretRecord>[]> => {
        const results = current.batchGetSecretValue
          ? await current.batchGetSecretValue(ids, batch)
          : await settleEach(ids, (id) => current.getSecretValue({ id, signal: batch.signal }));
        return relabelResults(results, current.name);
      }),
    getParameter: (request) => run((current) => readParameter(current, request)),
    async close() {
      choice = undefined;
      await Promise.all([agent?.close(), sdk.close?.()]);
    },
  };
  const { getParameters, getParametersByPath } = sdk;
  if (getParameters) {
    transport.getParameters = (names, batch = {}) =>
      run(async (current) => {
        const results = current.getParameters
          ? await current.getParameters(names, batch)
          : await settleEach(names, (name) =>
              readParameter(current, { name, decrypt: batch.decrypt, signal: batch.signal }),
            );
        return relabelResults(results, current.name);
      });
  }
  // The agent cannot read a path nor by filter; the SDK transport does, whichever transport is chosen.
  if (getParametersByPath) transport.getParametersByPath = getParametersByPath.bind(sdk);
  if (sdk.batchGetSecretValueByFilter)
    transport.batchGetSecretValueByFilter = sdk.batchGetSecretValueByFilter.bind(sdk);
  // Nor write: the writes go through the SDK transport (as do the metadata reads that go with them).
  forwardWrites(sdk, transport);
  return transport;
}
