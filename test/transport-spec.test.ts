import { afterEach, describe, expect, it } from "vitest";
import { ArgumentError, createSecretsClient, isSecretsError } from "../src/index.js";
import { effectiveTransportSpec, parseTransportSpec, transportSpecList } from "../src/transports/spec.js";
import { resolveTransport, TRANSPORT_ENV } from "../src/transports.js";

const saved = process.env[TRANSPORT_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[TRANSPORT_ENV];
  else process.env[TRANSPORT_ENV] = saved;
});

describe("transport specs: one table, one parser", () => {
  it.each([undefined, "", "   ", "\t"])("reads a blank spec (%j) as sdk from every source", (blank) => {
    for (const source of ["option", "flag", "env"] as const) {
      expect(parseTransportSpec(blank, source).name).toBe("sdk");
    }
  });

  it("reads a blank SECRETWRANGLER_TRANSPORT as sdk in the client too", () => {
    process.env[TRANSPORT_ENV] = " ";
    expect(createSecretsClient().transport.name).toBe("sdk");
    expect(effectiveTransportSpec(undefined, "flag").name).toBe("sdk");
  });

  it.each([
    ["sdk", "sdk", ""],
    ["agent", "agent", ""],
    [" auto ", "auto", ""],
    ["memory", "memory", ""],
    ["file:./x.json", "file", "./x.json"],
    ["file:/a:b.json", "file", "/a:b.json"],
  ])("parses %j", (spec, name, argument) => {
    expect(parseTransportSpec(spec, "option")).toMatchObject({ name, argument });
  });

  it.each(["carrier-pigeon", "file:", "file", "sdk:x", "SDK", "toString", "__proto__", "constructor"])(
    "refuses %j: ArgumentError from an option or flag, CONFIG from the environment",
    (spec) => {
      expect(() => parseTransportSpec(spec, "option")).toThrow(ArgumentError);
      expect(() => parseTransportSpec(spec, "flag")).toThrow(ArgumentError);
      let caught: unknown;
      try {
        parseTransportSpec(spec, "env");
      } catch (error) {
        caught = error;
      }
      expect(isSecretsError(caught, "CONFIG")).toBe(true);
      expect((caught as Error).message).toContain(TRANSPORT_ENV);
    },
  );

  it("refuses a spec of the wrong type as an ArgumentError", () => {
    expect(() => parseTransportSpec(42 as unknown as string, "option")).toThrow(ArgumentError);
    expect(() => createSecretsClient({ transport: "nope" as "sdk" })).toThrow(ArgumentError);
  });

  it("lists the specs from the table, without memory for the CLI", () => {
    expect(transportSpecList()).toBe("sdk | agent | auto | memory | file:<path> | mount:<dir> | env");
    expect(transportSpecList(true)).toBe("sdk | agent | auto | file:<path> | mount:<dir> | env");
  });

  it("builds the transport a spec names", () => {
    expect(resolveTransport("memory").name).toBe("memory");
    expect(resolveTransport("file:./nothing.json").name).toBe("file");
  });
});
