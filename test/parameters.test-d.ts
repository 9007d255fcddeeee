import type { SSMClient } from "@aws-sdk/client-ssm";
import { describe, expectTypeOf, it } from "vitest";
import {
  type BatchResult,
  createSecretsClient,
  getParameter,
  getParametersByPath,
  memoryTransport,
  type ParameterMap,
  type ParameterRecord,
  type ParameterTree,
  type StandardSchemaV1,
  sdkTransport,
} from "../src/index.js";

const secrets = createSecretsClient({ transport: "memory" });
const config = {} as StandardSchemaV1<unknown, { apiUrl: string; db: { password: string } }>;

describe("getParameter types", () => {
  it("is a string or a string array without a type", () => {
    expectTypeOf(secrets.getParameter("/a")).resolves.toEqualTypeOf<string | string[]>();
  });

  it("narrows by the type option", () => {
    expectTypeOf(secrets.getParameter("/a", { type: "StringList" })).resolves.toEqualTypeOf<string[]>();
    expectTypeOf(secrets.getParameter("/a", { type: "String" })).resolves.toEqualTypeOf<string>();
    expectTypeOf(secrets.getParameter("/a", { type: "SecureString", version: 3 })).resolves.toEqualTypeOf<string>();
    expectTypeOf(getParameter("/a", { type: "StringList" })).resolves.toEqualTypeOf<string[]>();
  });

  it("returns the record with metadata from getParameterValue", () => {
    expectTypeOf(secrets.getParameterValue("/a")).resolves.toEqualTypeOf<ParameterRecord>();
  });

  it("rejects options of the wrong type", () => {
    // @ts-expect-error a version is a number
    secrets.getParameter("/a", { version: "3" });
    // @ts-expect-error no such parameter type
    secrets.getParameter("/a", { type: "Binary" });
  });
});

describe("getParameters types", () => {
  it("gives one result per name", () => {
    expectTypeOf(secrets.getParameters(["/a"])).resolves.toEqualTypeOf<BatchResult<string | string[]>[]>();
  });

  it("takes an array, not one name", () => {
    // @ts-expect-error one name is getParameter
    secrets.getParameters("/a");
  });
});

describe("getParametersByPath types", () => {
  it("is a tree by default and a flat map with shape flat", () => {
    expectTypeOf(secrets.getParametersByPath("/app")).resolves.toEqualTypeOf<ParameterTree>();
    expectTypeOf(secrets.getParametersByPath("/app", { shape: "flat" })).resolves.toEqualTypeOf<ParameterMap>();
    expectTypeOf(getParametersByPath("/app", { shape: "flat" })).resolves.toEqualTypeOf<ParameterMap>();
  });

  it("is either when the shape is only known at run time", () => {
    const shape = Math.random() > 0.5 ? ("tree" as const) : ("flat" as const);

    expectTypeOf(secrets.getParametersByPath("/app", { shape })).resolves.toEqualTypeOf<ParameterTree | ParameterMap>();
  });

  it("is the schema's output with a schema", () => {
    expectTypeOf(secrets.getParametersByPath("/app", { schema: config, keys: "camelCase" })).resolves.toEqualTypeOf<{
      readonly apiUrl: string;
      readonly db: { readonly password: string };
    }>();
  });

  it("rejects unknown shapes and key styles", () => {
    // @ts-expect-error no such shape
    secrets.getParametersByPath("/app", { shape: "list" });
    // @ts-expect-error no such key style
    secrets.getParametersByPath("/app", { keys: "snake_case" });
  });
});

describe("transport options", () => {
  it("takes an SSMClient, but not together with client options", () => {
    const ssmClient = {} as SSMClient;

    sdkTransport({ ssmClient });
    // @ts-expect-error a client or the options to build one, never both
    sdkTransport({ ssmClient, region: "eu-central-1" });
  });

  it("takes strings, string arrays and typed values as memory parameters", () => {
    memoryTransport({}, { parameters: { "/a": "x", "/b": ["x"], "/c": { type: "SecureString", value: "s" } } });
    // @ts-expect-error a number is no parameter value
    memoryTransport({}, { parameters: { "/a": 1 } });
  });
});
