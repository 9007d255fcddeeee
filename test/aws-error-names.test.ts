/**
 * The AWS error names the library maps, written out: the mapping in src/aws/errors.ts is a short list
 * of patterns (it ships in the agent bundle), and this table keeps every name it has ever mapped on
 * its code, with a namespace prefix and a type suffix as `__type` values carry them.
 */
import { describe, expect, it } from "vitest";
import { codeForAwsName } from "../src/aws/errors.js";
import type { SecretsErrorCode } from "../src/index.js";

const NAMES: readonly (readonly [string, SecretsErrorCode])[] = [
  ["ResourceNotFoundException", "NOT_FOUND"],
  ["DecryptionFailure", "DECRYPTION_FAILED"],
  ["InvalidParameterException", "INVALID_REQUEST"],
  ["InvalidRequestException", "INVALID_REQUEST"],
  ["InvalidNextTokenException", "INVALID_REQUEST"],
  ["InternalServiceError", "TRANSPORT"],
  ["ParameterNotFound", "NOT_FOUND"],
  ["ParameterVersionNotFound", "NOT_FOUND"],
  ["InvalidKeyId", "DECRYPTION_FAILED"],
  ["InternalServerError", "TRANSPORT"],
  ["InvalidFilterKey", "INVALID_REQUEST"],
  ["InvalidFilterOption", "INVALID_REQUEST"],
  ["InvalidFilterValue", "INVALID_REQUEST"],
  ["ValidationException", "INVALID_REQUEST"],
  ["AccessDeniedException", "ACCESS_DENIED"],
  ["AccessDenied", "ACCESS_DENIED"],
  ["UnrecognizedClientException", "ACCESS_DENIED"],
  ["InvalidSignatureException", "ACCESS_DENIED"],
  ["SignatureDoesNotMatch", "ACCESS_DENIED"],
  ["IncompleteSignature", "ACCESS_DENIED"],
  ["MissingAuthenticationToken", "ACCESS_DENIED"],
  ["InvalidClientTokenId", "ACCESS_DENIED"],
  ["ExpiredToken", "CREDENTIALS"],
  ["ExpiredTokenException", "CREDENTIALS"],
  ["KMSAccessDeniedException", "DECRYPTION_FAILED"],
  ["KMSDisabledException", "DECRYPTION_FAILED"],
  ["KMSInvalidStateException", "DECRYPTION_FAILED"],
  ["ThrottlingException", "THROTTLED"],
  ["Throttling", "THROTTLED"],
  ["ThrottledException", "THROTTLED"],
  ["TooManyRequestsException", "THROTTLED"],
  ["RequestLimitExceeded", "THROTTLED"],
  ["ProvisionedThroughputExceededException", "THROTTLED"],
  ["SlowDown", "THROTTLED"],
  ["RequestTimeout", "TIMEOUT"],
  ["RequestTimeoutException", "TIMEOUT"],
  ["TimeoutError", "TIMEOUT"],
  ["AbortError", "ABORTED"],
  ["CredentialsProviderError", "CREDENTIALS"],
  ["ServiceUnavailable", "TRANSPORT"],
  ["ServiceUnavailableException", "TRANSPORT"],
  ["InternalFailure", "TRANSPORT"],
  ["ECONNREFUSED", "TRANSPORT"],
  ["ECONNRESET", "TRANSPORT"],
  ["ETIMEDOUT", "TIMEOUT"],
  ["ENOTFOUND", "TRANSPORT"],
  ["EAI_AGAIN", "TRANSPORT"],
  ["EPIPE", "TRANSPORT"],
  ["EncryptionFailure", "DECRYPTION_FAILED"],
  ["ResourceExistsException", "ALREADY_EXISTS"],
  ["ParameterAlreadyExists", "ALREADY_EXISTS"],
  ["AlreadyExistsException", "ALREADY_EXISTS"],
  ["LimitExceededException", "LIMIT_EXCEEDED"],
  ["ParameterLimitExceeded", "LIMIT_EXCEEDED"],
  ["ParameterMaxVersionLimitExceeded", "LIMIT_EXCEEDED"],
  ["ParameterVersionLabelLimitExceeded", "LIMIT_EXCEEDED"],
  ["HierarchyLevelLimitExceededException", "LIMIT_EXCEEDED"],
  ["TooManyTagsError", "LIMIT_EXCEEDED"],
];

describe("AWS error names", () => {
  it.each(NAMES)("maps %s to %s, whatever the status and however it is written", (name, code) => {
    for (const status of [undefined, 200, 400, 403, 404, 408, 429, 500, 503]) {
      for (const form of [name, `com.amazonaws.secretsmanager#${name}`, `${name}:http://internal.amazon.com/coral/`]) {
        expect(codeForAwsName(form, status)).toBe(code);
      }
    }
  });

  it.each([
    [429, "THROTTLED"],
    [403, "ACCESS_DENIED"],
    [404, "NOT_FOUND"],
    [408, "TIMEOUT"],
    [400, "INVALID_REQUEST"],
    [500, "TRANSPORT"],
    [undefined, "TRANSPORT"],
  ] as const)("maps an unknown name by its status %s to %s", (status, code) => {
    for (const name of [undefined, "", "Weird", "Error", "constructor", "toString", "__proto__"]) {
      expect(codeForAwsName(name, status)).toBe(code);
    }
  });
});
