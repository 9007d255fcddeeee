/**
 * A scriptable backend for the cache tests: counts calls, can hold them until released, can fail
 * them, and hands out a new version id per successful read. Time comes from {@link FakeClock}.
 */
import {
  type BatchResult,
  type ParameterRecord,
  type SecretRecord,
  SecretsError,
  type SecretsErrorCode,
  type Transport,
} from "../../src/index.js";
import type { ParameterRequest, SecretRequest } from "../../src/transports.js";

/** A clock the test moves by hand. */
export class FakeClock {
  now = 1_000_000;
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

/** Lets queued microtasks and promise callbacks run (one macrotask turn; no real waiting). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether a promise has settled, after letting pending callbacks run. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await flush();
  return done;
}

export interface ScriptedBackend {
  readonly transport: Transport;
  readonly values: Map<string, string>;
  /** Every request, oldest first. */
  readonly calls: SecretRequest[];
  readonly batchCalls: string[][];
  readonly parameterCalls: ParameterRequest[];
  readonly parametersCalls: { names: string[]; decrypt: boolean | undefined }[];
  readonly pathCalls: { path: string; options: unknown }[];
  /**
   * Calls made from now on wait until {@link ScriptedBackend.release}, or until the function this
   * returns is called: it lets through only the calls held since this `hold()`.
   */
  hold(): () => void;
  /** Lets every held call through. */
  release(): void;
  /** Calls made from now on fail with this code (retryable per the code's default). */
  fail(code: SecretsErrorCode | undefined): void;
}

/** A backend serving `values` (secret id to text), through a transport with every read method. */
export function scriptedBackend(initial: Record<string, string> = {}, name = "scripted"): ScriptedBackend {
  const values = new Map(Object.entries(initial));
  const calls: SecretRequest[] = [];
  const batchCalls: string[][] = [];
  const parameterCalls: ParameterRequest[] = [];
  const parametersCalls: { names: string[]; decrypt: boolean | undefined }[] = [];
  const pathCalls: { path: string; options: unknown }[] = [];
  let gate: Promise<void> | undefined;
  const opens: (() => void)[] = [];
  let failure: SecretsErrorCode | undefined;
  let served = 0;

  async function answer<T>(id: string, operation: string, build: (value: string) => T): Promise<T> {
    if (gate) await gate;
    if (failure) throw new SecretsError({ code: failure, operation, secretId: id, transport: name });
    const value = values.get(id);
    if (value === undefined) {
      throw new SecretsError({ code: "NOT_FOUND", operation, secretId: id, transport: name });
    }
    served++;
    return build(value);
  }

  const secret = (id: string) => (value: string) => ({
    name: id,
    arn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}-AbCdEf`,
    versionId: `v${served}`,
    versionStages: ["AWSCURRENT"],
    createdDate: new Date(0),
    secretString: value,
  });
  const parameter =
    (id: string) =>
    (value: string): ParameterRecord => ({ name: id, type: "String", value, version: served });

  const transport: Transport = {
    name,
    getSecretValue(request) {
      calls.push(request);
      return answer(request.id, "getSecretValue", secret(request.id));
    },
    async batchGetSecretValue(ids) {
      batchCalls.push([...ids]);
      return Promise.all(
        ids.map((id) =>
          answer(id, "batchGetSecretValue", secret(id)).then(
            (value): BatchResult<SecretRecord> => ({ id, ok: true, value }),
            (error: SecretsError): BatchResult<SecretRecord> => ({ id, ok: false, error }),
          ),
        ),
      );
    },
    getParameter(request) {
      parameterCalls.push(request);
      return answer(request.name, "getParameter", parameter(request.name));
    },
    async getParameters(names, options) {
      parametersCalls.push({ names: [...names], decrypt: options?.decrypt });
      return Promise.all(
        names.map((id) =>
          answer(id, "getParameters", parameter(id)).then(
            (value): BatchResult<ParameterRecord> => ({ id, ok: true, value }),
            (error: SecretsError): BatchResult<ParameterRecord> => ({ id, ok: false, error }),
          ),
        ),
      );
    },
    async getParametersByPath(path, options) {
      pathCalls.push({ path, options });
      const names = [...values.keys()].filter((id) => id.startsWith(path));
      return Promise.all(names.map((id) => answer(id, "getParametersByPath", parameter(id))));
    },
  };

  return {
    transport,
    values,
    calls,
    batchCalls,
    parameterCalls,
    parametersCalls,
    pathCalls,
    hold() {
      let open = (): void => {};
      gate = new Promise((resolve) => {
        open = resolve;
      });
      opens.push(open);
      return open;
    },
    release() {
      for (const open of opens.splice(0)) open();
      gate = undefined;
    },
    fail(code) {
      failure = code;
    },
  };
}

/** One call of a {@link deferredBackend}, answered (or never) by the test. */
export interface DeferredCall {
  readonly operation: "getSecretValue" | "getParameter";
  readonly id: string;
  readonly forceRefresh: boolean;
  /** Answers the call with this text value. */
  resolve(value: string): void;
  /** Fails the call. */
  reject(error: unknown): void;
}

/** A backend whose every call waits until the test answers it, one by one: a call never answered hangs. */
export interface DeferredBackend {
  readonly transport: Transport;
  /** Every call, oldest first. */
  readonly calls: DeferredCall[];
}

/** A {@link DeferredBackend} with `getSecretValue` and `getParameter`. */
export function deferredBackend(name = "deferred"): DeferredBackend {
  const calls: DeferredCall[] = [];
  function call<T>(
    operation: DeferredCall["operation"],
    id: string,
    forceRefresh: boolean | undefined,
    build: (value: string, version: number) => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const version = calls.length + 1;
      calls.push({
        operation,
        id,
        forceRefresh: forceRefresh === true,
        resolve: (value) => resolve(build(value, version)),
        reject,
      });
    });
  }
  return {
    calls,
    transport: {
      name,
      getSecretValue: (request) =>
        call("getSecretValue", request.id, request.forceRefresh, (value, version) => ({
          name: request.id,
          versionId: `v${version}`,
          secretString: value,
        })),
      getParameter: (request) =>
        call("getParameter", request.name, request.forceRefresh, (value, version) => ({
          name: request.name,
          type: "String",
          value,
          version,
        })),
    },
  };
}
