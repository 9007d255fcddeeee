/**
 * The public option types mention no `@aws-sdk/*` type, yet real SDK clients fit them without a cast.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { describe, expectTypeOf, it } from "vitest";
import type { AwsSdkClient } from "../src/aws/sdk-client.js";
import { AwsSession } from "../src/aws/session/session.js";
import { type SdkTransportOptions, sdkTransport } from "../src/transports/sdk/transport.js";

describe("sdkTransport client options", () => {
  it("takes real SDK clients as they are", () => {
    sdkTransport({ client: new SecretsManagerClient({}) });
    sdkTransport({ ssmClient: new SSMClient({}) });
    sdkTransport({ client: new SecretsManagerClient({}), ssmClient: new SSMClient({}) });
    expectTypeOf(new SecretsManagerClient({})).toExtend<AwsSdkClient>();
    expectTypeOf(new SSMClient({})).toExtend<AwsSdkClient>();
    expectTypeOf(new STSClient({})).toExtend<AwsSdkClient>();
  });

  it("refuses what is not a client, and a client with build options", () => {
    // @ts-expect-error: an object without send and destroy is no client
    sdkTransport({ client: {} });
    // @ts-expect-error: a client excludes the options that build one
    sdkTransport({ client: new SecretsManagerClient({}), region: "eu-west-1" });
    expectTypeOf<SdkTransportOptions>().not.toBeAny();
  });

  it("builds real SDK clients from a session", () => {
    const session = new AwsSession({ region: "us-east-1" });
    expectTypeOf(session.client(SSMClient)).toEqualTypeOf<SSMClient>();
    sdkTransport({ session });
  });
});
