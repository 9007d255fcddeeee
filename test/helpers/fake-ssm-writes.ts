/**
 * Write operations for the loopback fake Parameter Store, added with its `handle()` over the same
 * (mutable) fixtures object its reads use: PutParameter (ParameterAlreadyExists without Overwrite,
 * versions, tiers and their size limits, Tags not with Overwrite), LabelParameterVersion (the
 * labeling rules, InvalidLabels, 10 labels a version) and DeleteParameter, as the AWS API reference
 * describes them.
 */
import { type AwsJsonServer, awsError } from "./aws-json-server.js";
import type { FakeParameter, FakeParameterVersion, SsmFixtures } from "./fake-ssm.js";

const MAX_BYTES: Readonly<Record<string, number>> = { Standard: 4096, Advanced: 8192, "Intelligent-Tiering": 8192 };
const MAX_VERSIONS = 100;
const LABEL = /^(?![0-9])(?!aws|ssm)[a-zA-Z0-9._-]{1,100}$/i;

const validation = (message: string) => awsError(400, "ValidationException", message);
const notFound = (name: string) => awsError(400, "ParameterNotFound", `Parameter ${name} not found.`);

/** Adds PutParameter, LabelParameterVersion and DeleteParameter to `server`, over `fixtures` (changed in place). */
export function addSsmWrites(server: AwsJsonServer, fixtures: SsmFixtures): void {
  const parameters = fixtures as Record<string, FakeParameter>;
  const tiers: Record<string, string> = {};
  server.handle({
    PutParameter(body) {
      const name = String(body.Name ?? "");
      const value = body.Value;
      if (name === "" || name.length > 2048) return validation("Parameter name: can't be empty or longer than 2048.");
      if (typeof value !== "string" || value === "") return validation("Parameter value: can't be empty.");
      const existing = parameters[name];
      if (existing && body.Overwrite !== true) {
        return awsError(
          400,
          "ParameterAlreadyExists",
          "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
        );
      }
      if (body.Tags !== undefined && body.Overwrite === true) {
        return validation("Invalid request: tags and overwrite can't be used together.");
      }
      const type = (body.Type as FakeParameter["type"] | undefined) ?? existing?.type;
      if (type !== "String" && type !== "StringList" && type !== "SecureString") {
        return awsError(400, "UnsupportedParameterType", "The parameter type is not supported.");
      }
      if (body.KeyId !== undefined && type !== "SecureString") {
        return validation("KeyId is only supported for a SecureString parameter.");
      }
      const requested = (body.Tier as string | undefined) ?? tiers[name] ?? "Standard";
      const bytes = Buffer.byteLength(value);
      if (!(requested in MAX_BYTES)) return validation("Tier must be Standard, Advanced or Intelligent-Tiering.");
      if (bytes > (MAX_BYTES[requested] as number)) {
        return validation(
          `${requested} tier parameters support a maximum parameter value of ${MAX_BYTES[requested]} characters.`,
        );
      }
      if (typeof body.AllowedPattern === "string" && !new RegExp(body.AllowedPattern).test(value)) {
        return awsError(
          400,
          "ParameterPatternMismatchException",
          "The parameter value doesn't match the AllowedPattern.",
        );
      }
      const versions: readonly FakeParameterVersion[] = existing?.versions ?? [];
      if (versions.length >= MAX_VERSIONS) {
        return awsError(
          400,
          "ParameterMaxVersionLimitExceeded",
          "The parameter has reached the maximum of 100 versions.",
        );
      }
      const tier = requested === "Intelligent-Tiering" ? (bytes > 4096 ? "Advanced" : "Standard") : requested;
      tiers[name] = tier;
      parameters[name] = { type, versions: [...versions, { value }] };
      return { body: { Version: versions.length + 1, Tier: tier } };
    },
    LabelParameterVersion(body) {
      const name = String(body.Name ?? "");
      const parameter = parameters[name];
      if (!parameter) return notFound(name);
      const labels = (body.Labels as string[] | undefined) ?? [];
      if (labels.length < 1 || labels.length > 10) return validation("Labels: 1 to 10 labels.");
      const version = body.ParameterVersion === undefined ? parameter.versions.length : Number(body.ParameterVersion);
      const target = parameter.versions[version - 1];
      if (!target)
        return awsError(400, "ParameterVersionNotFound", `Version ${version} of parameter ${name} not found.`);
      const valid = labels.filter((label) => LABEL.test(label));
      const invalidLabels = labels.filter((label) => !LABEL.test(label));
      const after = new Set([...(target.labels ?? []), ...valid]);
      if (after.size > 10) {
        return awsError(400, "ParameterVersionLabelLimitExceeded", "A parameter version can have at most 10 labels.");
      }
      parameters[name] = {
        type: parameter.type,
        versions: parameter.versions.map((stored, index) =>
          index === version - 1
            ? { ...stored, labels: [...after] }
            : { ...stored, labels: (stored.labels ?? []).filter((label) => !valid.includes(label)) },
        ),
      };
      return { body: { InvalidLabels: invalidLabels, ParameterVersion: version } };
    },
    DeleteParameter(body) {
      const name = String(body.Name ?? "");
      if (!parameters[name]) return notFound(name);
      delete parameters[name];
      delete tiers[name];
      return { body: {} };
    },
  });
}
