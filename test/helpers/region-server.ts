/**
 * One loopback "region" of Secrets Manager for the failover tests: a fake that serves GetSecretValue,
 * BatchGetSecretValue and DescribeSecret over a few secrets, with ARNs of its region, and that can
 * fail each request in any mode the transport must survive (5xx, throttling, a reset connection, no
 * response, a stalled body) or refuse it (not found, access denied). Every request is recorded with
 * the region its signature was scoped to. Stop it with `close()`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { CANARY } from "./canary.js";

/** How the server answers a request. */
export type RegionFault =
  | "none"
  | "5xx"
  | "throttle"
  | "reset"
  | "noResponse"
  | "stalledBody"
  | "notFound"
  | "accessDenied";

/** One request the region received. */
export interface RegionRequest {
  /** `GetSecretValue`, `BatchGetSecretValue`, `GetParameter`, ... */
  readonly operation: string;
  readonly body: Record<string, unknown>;
  /** The region of the SigV4 credential scope: the region the client was built for. */
  readonly signedRegion: string | undefined;
}

/** A running region. */
export interface RegionServer {
  readonly region: string;
  readonly endpoint: string;
  readonly requests: RegionRequest[];
  /** Requests for one operation (all operations without one). */
  count(operation?: string): number;
  /** The fault for every following request, or a function that picks it per request. */
  fault: RegionFault | ((request: RegionRequest) => RegionFault);
  close(): Promise<void>;
}

const ACCOUNT = "123456789012";
const JSON_HEADERS = { "content-type": "application/x-amz-json-1.1" };

/** The ARN a region gives a secret: its region, the account, the name and the six-character suffix. */
export function regionArn(region: string, name: string): string {
  return `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-AbCdEf`;
}

/** Starts a region on 127.0.0.1 serving `secrets` (name to value). */
export async function startRegion(region: string, secrets: Readonly<Record<string, string>>): Promise<RegionServer> {
  const sockets = new Set<Socket>();
  const requests: RegionRequest[] = [];

  function find(id: string): string | undefined {
    if (Object.hasOwn(secrets, id)) return id;
    return Object.keys(secrets).find((name) => {
      const arn = regionArn(region, name);
      return id === arn || arn === `${id}-AbCdEf`;
    });
  }

  function secretValue(name: string): Record<string, unknown> {
    return {
      ARN: regionArn(region, name),
      Name: name,
      VersionId: `${region}-v1`,
      VersionStages: ["AWSCURRENT"],
      CreatedDate: 1_700_000_000,
      SecretString: secrets[name],
    };
  }

  function answer(operation: string, body: Record<string, unknown>): { status: number; json: unknown } {
    const notFound = {
      __type: "ResourceNotFoundException",
      message: "Secrets Manager can't find the specified secret.",
    };
    if (operation === "GetSecretValue" || operation === "DescribeSecret") {
      const name = find(String(body.SecretId));
      if (name === undefined) return { status: 400, json: notFound };
      if (operation === "DescribeSecret") return { status: 200, json: { Name: name, ARN: regionArn(region, name) } };
      return { status: 200, json: secretValue(name) };
    }
    if (operation === "BatchGetSecretValue") {
      const ids = (body.SecretIdList as string[] | undefined) ?? [];
      const values: unknown[] = [];
      const errors: unknown[] = [];
      for (const id of ids) {
        const name = find(id);
        if (name === undefined) errors.push({ SecretId: id, ErrorCode: "ResourceNotFoundException", Message: "nope" });
        else values.push(secretValue(name));
      }
      return { status: 200, json: { SecretValues: values, Errors: errors } };
    }
    if (operation === "GetParameter") {
      return {
        status: 200,
        json: { Parameter: { Name: body.Name, Type: "String", Value: `${region}-value`, Version: 1 } },
      };
    }
    return { status: 400, json: { __type: "UnknownOperationException", message: operation } };
  }

  const handle: RegionServer = {
    region,
    endpoint: "",
    requests,
    count: (operation) =>
      requests.filter((request) => operation === undefined || request.operation === operation).length,
    fault: "none",
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.slice(target.lastIndexOf(".") + 1);
      const text = Buffer.concat(chunks).toString("utf8");
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const signedRegion = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1];
      const request: RegionRequest = { operation, body, signedRegion };
      requests.push(request);
      const fault = typeof handle.fault === "function" ? handle.fault(request) : handle.fault;
      const send = (status: number, json: unknown, extra: Record<string, string> = {}) => {
        const payload = JSON.stringify(json);
        res.writeHead(status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(payload), ...extra });
        res.end(payload);
      };
      switch (fault) {
        case "5xx":
          return send(
            500,
            { __type: "InternalServiceError", message: "internal failure" },
            {
              "x-amzn-errortype": "InternalServiceError",
            },
          );
        case "throttle":
          return send(
            400,
            { __type: "ThrottlingException", message: "Rate exceeded" },
            {
              "x-amzn-errortype": "ThrottlingException",
            },
          );
        case "notFound":
          return send(400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find it." });
        case "accessDenied":
          return send(400, { __type: "AccessDeniedException", message: "not authorized" });
        case "reset":
          req.socket.destroy();
          return;
        case "noResponse":
          return;
        case "stalledBody":
          res.writeHead(200, { ...JSON_HEADERS, "content-length": 1_000 });
          res.write(`{"Name":"x","SecretString":"${CANARY}`);
          return;
        default: {
          const { status, json } = answer(operation, body);
          return send(status, json);
        }
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(handle, { endpoint: `http://127.0.0.1:${port}` });
}
