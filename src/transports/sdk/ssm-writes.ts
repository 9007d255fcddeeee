/**
 * The SDK transport's Parameter Store writes through `@aws-sdk/client-ssm`: PutParameter,
 * LabelParameterVersion and DeleteParameter, each request checked first (as the Secrets Manager
 * writes, with the same maker: writes.ts).
 */
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { LazySdk } from "../../aws/sdk-client.js";
import type { Transport } from "../../transport/types.js";
import type { SsmModule } from "./ssm.js";
import { toTags, writeMethodsOf } from "./writes.js";

type ParameterWrite = "putParameter" | "labelParameterVersion" | "deleteParameter";

/** The three Parameter Store writes of the sdk transport, on a lazily built `SSMClient`. */
export function ssmWriteMethods(
  sdk: LazySdk<SsmModule, SSMClient>,
  transport: string,
): Required<Pick<Transport, ParameterWrite>> {
  const method = writeMethodsOf(sdk, transport);
  return {
    putParameter: method("putParameter", async ({ module, client }, request, options) => {
      const output = await client.send(
        new module.PutParameterCommand({
          Name: request.name,
          Value: request.value,
          Type: request.type,
          KeyId: request.kmsKeyId,
          Overwrite: request.overwrite,
          Tier: request.tier,
          Description: request.description,
          DataType: request.dataType,
          AllowedPattern: request.allowedPattern,
          Tags: request.tags === undefined ? undefined : toTags(request.tags),
        }),
        options,
      );
      return { version: output.Version ?? 0, tier: output.Tier };
    }),
    labelParameterVersion: method("labelParameterVersion", async ({ module, client }, request, options) => {
      const output = await client.send(
        new module.LabelParameterVersionCommand({
          Name: request.name,
          Labels: [...request.labels],
          ParameterVersion: request.version,
        }),
        options,
      );
      return { invalidLabels: output.InvalidLabels ?? [], parameterVersion: output.ParameterVersion };
    }),
    deleteParameter: method("deleteParameter", async ({ module, client }, request, options) => {
      await client.send(new module.DeleteParameterCommand({ Name: request.name }), options);
    }),
  };
}
