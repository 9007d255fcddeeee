/**
 * The SDK transport's Parameter Store calls through `@aws-sdk/client-ssm`: GetParameter,
 * GetParameters in chunks of 10, and GetParametersByPath over every page.
 */
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { LazySdk } from "../../aws/sdk-client.js";
import { sdkError as toSecretsError } from "../../aws/sdk-errors.js";
import { SecretsError } from "../../core/errors.js";
import { CHUNK_CONCURRENCY, missingResultError, settleChunks } from "../../transport/batch.js";
import { SECRET_REFERENCE_PREFIX, selectorSuffix } from "../../transport/parameter-name.js";
import {
  type BatchOptions,
  type BatchResult,
  isParameterType,
  type ParameterRecord,
  type ParameterRequest,
  type ParametersByPathOptions,
  type Transport,
} from "../../transport/types.js";

/** The SSM SDK module, as `import("@aws-sdk/client-ssm")` returns it. */
export type SsmModule = typeof import("@aws-sdk/client-ssm");

/** GetParameters takes at most 10 names per call. */
const NAMES_PER_CALL = 10;
/** GetParametersByPath returns at most 10 parameters per page. */
const PAGE_SIZE = 10;
/** Upper bound on pages of one path read (10,000 parameters), so a misbehaving endpoint cannot loop us forever. */
const MAX_PAGES = 1_000;

interface ParameterShape {
  Name?: string | undefined;
  Type?: string | undefined;
  Value?: string | undefined;
  Version?: number | undefined;
  Selector?: string | undefined;
  SourceResult?: string | undefined;
  LastModifiedDate?: Date | undefined;
  ARN?: string | undefined;
  DataType?: string | undefined;
}

interface RecordContext {
  readonly operation: string;
  /** The name as requested, for errors and when the response leaves `Name` out. */
  readonly requested?: string | undefined;
  readonly transport: string;
}

function malformed(context: RecordContext, detail: string): SecretsError {
  return new SecretsError({
    code: "TRANSPORT",
    operation: context.operation,
    secretId: context.requested,
    transport: context.transport,
    detail,
  });
}

function toParameterRecord(parameter: ParameterShape, context: RecordContext): ParameterRecord {
  const name = parameter.Name ?? context.requested;
  if (name === undefined) throw malformed(context, "a parameter in the response has no Name");
  if (!isParameterType(parameter.Type)) throw malformed(context, "the response has no known parameter Type");
  if (typeof parameter.Value !== "string") {
    // AWS leaves Value out for a binary secret read through /aws/reference/secretsmanager/.
    throw new SecretsError({
      code: "WRONG_TYPE",
      operation: context.operation,
      secretId: context.requested ?? name,
      transport: context.transport,
      detail: `the parameter has no text value${name.startsWith(SECRET_REFERENCE_PREFIX) ? "; a binary secret needs getSecretBinary" : ""}`,
    });
  }
  return {
    name,
    type: parameter.Type,
    value: parameter.Value,
    version: parameter.Version,
    arn: parameter.ARN,
    lastModifiedDate: parameter.LastModifiedDate,
    dataType: parameter.DataType,
    selector: parameter.Selector,
    sourceResult: parameter.SourceResult,
  };
}

/** Whether a returned parameter answers a requested name: the name or the ARN, plus the selector. */
function answers(requested: string, parameter: ParameterShape): boolean {
  const selector = parameter.Selector ?? "";
  return requested === `${parameter.Name}${selector}` || requested === `${parameter.ARN}${selector}`;
}

/** The three parameter methods of the SDK transport, on a lazily built `SSMClient`. */
export function ssmParameterMethods(
  sdk: LazySdk<SsmModule, SSMClient>,
  transport: string,
): Required<Pick<Transport, "getParameter" | "getParameters" | "getParametersByPath">> {
  async function getParameter(request: ParameterRequest): Promise<ParameterRecord> {
    const requested = `${request.name}${selectorSuffix(request)}`;
    const context = { operation: "getParameter", requested, transport };
    try {
      const { module, client } = await sdk.get();
      const output = await client.send(
        new module.GetParameterCommand({ Name: requested, WithDecryption: request.decrypt !== false }),
        { abortSignal: request.signal },
      );
      if (!output.Parameter) throw malformed(context, "the response has no Parameter");
      return toParameterRecord(output.Parameter, context);
    } catch (error) {
      throw toSecretsError(error, { operation: "getParameter", secretId: requested, transport });
    }
  }

  async function getParametersChunk(
    names: readonly string[],
    { module, client }: Awaited<ReturnType<typeof sdk.get>>,
    decrypt: boolean,
    signal: AbortSignal | undefined,
  ): Promise<BatchResult<ParameterRecord>[]> {
    const output = await client
      .send(new module.GetParametersCommand({ Names: [...names], WithDecryption: decrypt }), { abortSignal: signal })
      .catch((error: unknown) => {
        throw toSecretsError(error, { operation: "getParameters", transport });
      });
    const invalid = new Set(output.InvalidParameters ?? []);
    return names.map((id): BatchResult<ParameterRecord> => {
      const found = output.Parameters?.find((parameter) => answers(id, parameter));
      try {
        if (found)
          return {
            id,
            ok: true,
            value: toParameterRecord(found, { operation: "getParameters", requested: id, transport }),
          };
      } catch (error) {
        if (error instanceof SecretsError) return { id, ok: false, error };
        throw error;
      }
      const detail = invalid.has(id)
        ? "listed in InvalidParameters (no such parameter or version)"
        : "not in the response";
      return { id, ok: false, error: missingResultError(transport, "getParameters", id, detail) };
    });
  }

  /** GetParameters by 10 names, a few calls at a time; a failed call fails only its own names. */
  async function getParameters(
    names: readonly string[],
    options: BatchOptions & { readonly decrypt?: boolean | undefined } = {},
  ): Promise<BatchResult<ParameterRecord>[]> {
    if (names.length === 0) return [];
    let loaded: Awaited<ReturnType<typeof sdk.get>>;
    try {
      loaded = await sdk.get();
    } catch (error) {
      throw toSecretsError(error, { operation: "getParameters", transport });
    }
    const decrypt = options.decrypt !== false;
    return settleChunks(names, NAMES_PER_CALL, CHUNK_CONCURRENCY, (chunk) =>
      getParametersChunk(chunk, loaded, decrypt, options.signal),
    );
  }

  async function getParametersByPath(path: string, options: ParametersByPathOptions = {}): Promise<ParameterRecord[]> {
    const context = { operation: "getParametersByPath", transport };
    try {
      const { module, client } = await sdk.get();
      const records: ParameterRecord[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const output = await client.send(
          new module.GetParametersByPathCommand({
            Path: path,
            Recursive: options.recursive !== false,
            WithDecryption: options.decrypt !== false,
            MaxResults: PAGE_SIZE,
            NextToken: nextToken,
          }),
          { abortSignal: options.signal },
        );
        for (const parameter of output.Parameters ?? []) records.push(toParameterRecord(parameter, context));
        nextToken = output.NextToken;
        if (!nextToken) return records;
      }
      throw malformed({ ...context, requested: path }, `more than ${MAX_PAGES} pages; read a narrower path`);
    } catch (error) {
      throw toSecretsError(error, { operation: "getParametersByPath", secretId: path, transport });
    }
  }

  return { getParameter, getParameters, getParametersByPath };
}
