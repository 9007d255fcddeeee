/**
 * Runs before every test file: makes sure no test can reach AWS or any non-loopback address, even
 * by accident. Any SDK call without an explicit endpoint goes to a closed loopback port, credentials
 * are dummies, and the instance metadata service is off.
 */
const sandbox: Record<string, string> = {
  AWS_ACCESS_KEY_ID: "AKIDTESTTESTTESTTEST",
  AWS_SECRET_ACCESS_KEY: "test-secret-access-key",
  AWS_REGION: "us-east-1",
  AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_CONFIG_FILE: "/nonexistent/secretwrangler-test/config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/secretwrangler-test/credentials",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};
for (const name of [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_SESSION_TOKEN",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_TOKEN",
  "SECRETWRANGLER_TRANSPORT",
  "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
]) {
  delete process.env[name];
}
Object.assign(process.env, sandbox);
