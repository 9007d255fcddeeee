import { describe, expectTypeOf, it } from "vitest";
import { type AgentReader, createAgentReader } from "../src/agent.js";
import {
  agentTransport,
  autoTransport,
  createSecretsClient,
  type StandardSchemaV1,
  type Transport,
} from "../src/index.js";
import type { AgentTransport, AutoTransportDecision } from "../src/transports.js";

declare const DbSchema: StandardSchemaV1<unknown, { user: string; password: string }>;

describe("agent transport types", () => {
  it("is a Transport with getParameter and a ping", () => {
    const transport = agentTransport();

    expectTypeOf(transport).toExtend<Transport>();
    expectTypeOf(transport.getParameter).toBeFunction();
    expectTypeOf(transport.ping).returns.resolves.toBeBoolean();
    expectTypeOf(transport.endpoint).toBeString();
  });

  it("takes a known flavour only", () => {
    agentTransport({ flavor: "lambda-extension", tokenEnv: ["MY_TOKEN"] });
    // @ts-expect-error the flavours are "agent" and "lambda-extension"
    agentTransport({ flavor: "extension" });
  });

  it("is named by the spec strings agent and auto", () => {
    createSecretsClient({ transport: "agent" });
    createSecretsClient({ transport: "auto" });
    // @ts-expect-error an unknown spec
    createSecretsClient({ transport: "sidecar" });
  });

  it("tells onDecision which transport it chose", () => {
    autoTransport({
      onDecision: (decision) => expectTypeOf(decision).toEqualTypeOf<AutoTransportDecision>(),
    });
    expectTypeOf<AutoTransportDecision["transport"]>().toEqualTypeOf<"agent" | "sdk">();
  });
});

describe("agent reader types", () => {
  it("infers getSecretJson's result from the schema", async () => {
    const reader: AgentReader = createAgentReader();

    expectTypeOf(await reader.getSecretJson("prod/db", { schema: DbSchema })).toEqualTypeOf<{
      readonly user: string;
      readonly password: string;
    }>();
    expectTypeOf(await reader.getSecretJson<{ a: number }>("x")).toEqualTypeOf<{ readonly a: number }>();
    expectTypeOf(reader.transport).toEqualTypeOf<AgentTransport>();
  });
});
