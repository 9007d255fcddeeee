/**
 * The write methods of the memory and file transports over their stores: each request is checked as
 * the service would check it, then applied to the local model (see secret-store.ts and
 * parameter-store.ts). The file transport's runner also writes the file out.
 */
import { abortable } from "../../core/abort.js";
import type { Transport } from "../../transport/types.js";
import { checkWriteRequest, type WriteMethod } from "../../transport/writes.js";
import type { LocalParameterStore } from "./parameter-store.js";
import { randomPassword } from "./random-password.js";
import type { LocalSecretStore } from "./secret-store.js";

/** What the local writes change. */
export interface LocalStores {
  readonly secrets: LocalSecretStore;
  readonly parameters: LocalParameterStore;
}

/**
 * Runs one call on the stores; `changes` is false for the calls that only read (describe, list,
 * password), so the file transport writes its file only after a change.
 */
export type LocalRunner = <T>(call: (stores: LocalStores) => T, changes: boolean) => Promise<T>;

/** The writes a local transport serves: all but RotateSecret, which needs a rotation function to run. */
export type LocalWriteMethods = Required<Pick<Transport, Exclude<WriteMethod, "rotateSecret"> | "describeSecret">>;

/** The write methods of a local transport named `transport`, each run by `run`. */
export function localWriteMethods(transport: string, run: LocalRunner): LocalWriteMethods {
  /** Checks the request, then runs `call` unless the caller's signal has fired. */
  function method<R extends { readonly signal?: AbortSignal | undefined }, T>(
    name: WriteMethod | "describeSecret",
    call: (stores: LocalStores, request: R) => T,
    changes = true,
  ): (request: R) => Promise<T> {
    return (request) => {
      if (name !== "describeSecret") checkWriteRequest(name, request);
      const subject = request as { id?: string; name?: string };
      return abortable(() => run((stores) => call(stores, request), changes), request.signal, {
        operation: name,
        secretId: subject.id ?? subject.name,
        transport,
      });
    };
  }
  return {
    createSecret: method("createSecret", ({ secrets }, request) => secrets.create(request)),
    putSecretValue: method("putSecretValue", ({ secrets }, request) => secrets.putValue(request)),
    updateSecret: method("updateSecret", ({ secrets }, request) => secrets.update(request)),
    tagSecret: method("tagSecret", ({ secrets }, request) => secrets.tag(request)),
    untagSecret: method("untagSecret", ({ secrets }, request) => secrets.untag(request)),
    deleteSecret: method("deleteSecret", ({ secrets }, request) => secrets.scheduleDeletion(request)),
    restoreSecret: method("restoreSecret", ({ secrets }, request) => secrets.restore(request)),
    updateSecretVersionStage: method("updateSecretVersionStage", ({ secrets }, request) => secrets.moveStage(request)),
    describeSecret: method("describeSecret", ({ secrets }, request) => secrets.describe(request), false),
    listSecrets: method("listSecrets", ({ secrets }, request) => secrets.list(request), false),
    getRandomPassword: method("getRandomPassword", (_, request) => randomPassword(request), false),
    putParameter: method("putParameter", ({ parameters }, request) => parameters.put(request)),
    labelParameterVersion: method("labelParameterVersion", ({ parameters }, request) => parameters.label(request)),
    deleteParameter: method("deleteParameter", ({ parameters }, request) => parameters.remove(request)),
  };
}
