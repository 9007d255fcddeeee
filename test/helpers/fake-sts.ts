/**
 * A fake AWS STS on loopback, speaking the AWS query protocol the real SDK uses for STS: requests
 * are form-encoded POSTs (`Action=AssumeRole&Version=2011-06-15&RoleArn=...`), answers are XML, and
 * errors are `<ErrorResponse><Error><Type/><Code/><Message/></Error></ErrorResponse>`. AssumeRole
 * hands out numbered credentials whose secret key and session token carry the canary, and
 * GetCallerIdentity answers for whichever key signed the request, so a test can tell which
 * credentials a call was signed with. Every request is recorded.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CANARY } from "./canary.js";

/** The account every fake identity lives in. */
export const FAKE_ACCOUNT = "123456789012";

/** One request the fake received. */
export interface StsRequest {
  /** `AssumeRole`, `GetCallerIdentity`, ... */
  readonly action: string;
  /** The form parameters, e.g. `RoleArn`, `RoleSessionName`, `ExternalId`, `DurationSeconds`. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** The access key id from the SigV4 `Authorization` header. */
  readonly accessKeyId: string | undefined;
  /** The credential scope's region, from the `Authorization` header. */
  readonly signingRegion: string | undefined;
}

/** Credentials the fake issued with AssumeRole. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly roleArn: string;
  readonly sessionName: string;
}

/** What a handler answers: an XML body (200), or an STS error. */
export type StsReply =
  | { readonly status?: number; readonly xml: string }
  | { readonly status: number; readonly code: string; readonly message: string; readonly type?: "Sender" | "Receiver" };

/** Handles one action; may be async. */
export type StsHandler = (request: StsRequest) => StsReply | Promise<StsReply>;

/** Options of {@link startFakeSts}. */
export interface FakeStsOptions {
  /** The clock expirations are computed from. @default Date.now */
  readonly now?: () => number;
}

/** A running fake STS. */
export interface FakeSts {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Every request so far, oldest first. */
  readonly requests: StsRequest[];
  /** Every set of credentials AssumeRole handed out, oldest first. */
  readonly issued: IssuedCredentials[];
  /** Requests for one action. */
  calls(action: string): StsRequest[];
  /** Replaces the handler of an action; {@link FakeSts.assumeRole} is the default AssumeRole. */
  handle(action: string, handler: StsHandler): void;
  /**
   * The default AssumeRole (and AssumeRoleWithWebIdentity): issues new credentials for
   * `DurationSeconds` (default 3600).
   */
  assumeRole(request: StsRequest): StsReply;
  close(): Promise<void>;
}

/** An STS error reply, e.g. `stsError(403, 'AccessDenied', 'not authorized')`. */
export function stsError(status: number, code: string, message: string): StsReply {
  return { status, code, message, type: status >= 500 ? "Receiver" : "Sender" };
}

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function fields(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `<${key}>${escapeXml(value)}</${key}>`)
    .join("");
}

function element(name: string, values: Record<string, string>): string {
  return `<${name}>${fields(values)}</${name}>`;
}

function respond(action: string, result: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** Starts the fake on 127.0.0.1 and a free port. Stop it with `close()`. */
export async function startFakeSts(options: FakeStsOptions = {}): Promise<FakeSts> {
  const now = options.now ?? Date.now;
  const requests: StsRequest[] = [];
  const issued: IssuedCredentials[] = [];

  function assumeRole(request: StsRequest): StsReply {
    const number = String(issued.length + 1).padStart(4, "0");
    const roleArn = request.params.RoleArn ?? "";
    const sessionName = request.params.RoleSessionName ?? "";
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIAFAKEROLE0000${number}`,
      secretAccessKey: `${CANARY}-secret-${number}`,
      sessionToken: `${CANARY}-token-${number}`,
      expiration: new Date(now() + Number(request.params.DurationSeconds ?? 3600) * 1000),
      roleArn,
      sessionName,
    };
    issued.push(credentials);
    const [, partition = "aws"] = roleArn.split(":");
    const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
    const xml = respond(
      request.action,
      element("Credentials", {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: credentials.expiration.toISOString(),
      }) +
        element("AssumedRoleUser", {
          AssumedRoleId: `AROAFAKEROLEID:${sessionName}`,
          Arn: `arn:${partition}:sts::${FAKE_ACCOUNT}:assumed-role/${roleName}/${sessionName}`,
        }),
      `req-${requests.length}`,
    );
    return { xml };
  }

  function getCallerIdentity(request: StsRequest): StsReply {
    const role = issued.find((credentials) => credentials.accessKeyId === request.accessKeyId);
    const [, partition = "aws"] = role?.roleArn.split(":") ?? [];
    const identity = role
      ? {
          Arn: `arn:${partition}:sts::${FAKE_ACCOUNT}:assumed-role/${role.roleArn.slice(role.roleArn.lastIndexOf("/") + 1)}/${role.sessionName}`,
          UserId: `AROAFAKEROLEID:${role.sessionName}`,
          Account: FAKE_ACCOUNT,
        }
      : {
          Arn: `arn:aws:iam::${FAKE_ACCOUNT}:user/${request.accessKeyId}`,
          UserId: "AIDAFAKEUSER",
          Account: FAKE_ACCOUNT,
        };
    return { xml: respond("GetCallerIdentity", fields(identity), `req-${requests.length}`) };
  }

  const handlers = new Map<string, StsHandler>([
    ["AssumeRole", assumeRole],
    ["AssumeRoleWithWebIdentity", assumeRole],
    ["GetCallerIdentity", getCallerIdentity],
  ]);

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      const authorization = String(req.headers.authorization ?? "");
      const scope = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//.exec(authorization);
      const request: StsRequest = {
        action: params.Action ?? "",
        params,
        headers: req.headers,
        accessKeyId: scope?.[1],
        signingRegion: scope?.[2],
      };
      requests.push(request);
      let reply: StsReply;
      try {
        const handler = handlers.get(request.action);
        reply = handler
          ? await handler(request)
          : stsError(400, "InvalidAction", `Could not find operation ${request.action}`);
      } catch (error) {
        reply = stsError(500, "InternalFailure", String(error));
      }
      const body =
        "xml" in reply
          ? reply.xml
          : `<ErrorResponse xmlns="${NAMESPACE}">${element("Error", {
              Type: reply.type ?? "Sender",
              Code: reply.code,
              Message: reply.message,
            })}<RequestId>req-${requests.length}</RequestId></ErrorResponse>`;
      res.writeHead(reply.status ?? 200, {
        "content-type": "text/xml",
        "content-length": Buffer.byteLength(body),
        "x-amzn-requestid": `req-${requests.length}`,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    issued,
    calls: (action) => requests.filter((request) => request.action === action),
    handle: (action, handler) => handlers.set(action, handler),
    assumeRole,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
