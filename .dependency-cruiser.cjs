/**
 * The architecture rules, checked by `npm run lint:arch` (part of `npm test`). `src/` is built in
 * layers, each a folder, and data flows downward only: a module may import its own layer and the
 * layers below it, never one above. See CONTRIBUTING.md.
 */
const LAYERS = [
  ["core", "^src/core/"],
  ["aws", "^src/aws/"],
  ["transport", "^src/transport/"],
  ["transports", "^src/transports/"],
  ["cache", "^src/cache/"],
  ["read", "^src/read/"],
  ["watch", "^src/watch/"],
  ["client", "^src/client/"],
  ["db", "^src/db/"],
  ["cli", "^src/cli/"],
  ["otel", "^src/otel/"],
  ["entries", "^src/[^/]+[.]ts$"],
];

const upward = LAYERS.slice(0, -1).map(([name, path], index) => ({
  name: `${name}-imports-no-layer-above`,
  comment: `${name} sits below ${LAYERS.slice(index + 1)
    .map(([above]) => above)
    .join(", ")}: it may not import them`,
  severity: "error",
  from: { path },
  to: {
    path: LAYERS.slice(index + 1)
      .map(([, above]) => `(${above})`)
      .join("|"),
  },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "no-circular",
      comment: "No import cycles anywhere in src/.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "every-layer-is-known",
      comment: "A module of src/ outside the layers above has no place in the house: add its folder to LAYERS.",
      severity: "error",
      from: { path: "^src/", pathNot: LAYERS.map(([, path]) => `(${path})`).join("|") },
      to: {},
    },
    {
      name: "agent-entry-stays-light",
      comment:
        "secretwrangler/agent is for small Lambda bundles: it reaches the core, the contract, the read pipeline, the agent transport and the AWS error names, and neither the cache, the other transports, the AWS SDK nor zod.",
      severity: "error",
      from: { path: "^src/agent[.]ts$" },
      to: {
        path: "^src/|node_modules/",
        pathNot:
          "^src/(agent[.]ts|core/|transport/|read/|client/agent-reader[.]ts|transports/agent/|aws/errors[.]ts)|node_modules/@types/",
        reachable: true,
      },
    },
    {
      name: "opentelemetry-stays-in-its-entry",
      comment:
        "@opentelemetry/api is an optional peer dependency: only src/otel/ (the secretwrangler/otel entry) may import it, so no other entry needs it installed.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/otel(/|[.]ts$)" },
      to: { path: "node_modules/@opentelemetry/" },
    },
    {
      name: "otel-entry-stays-light",
      comment:
        "secretwrangler/otel subscribes to the diagnostics channels: it reaches the core and @opentelemetry/api, nothing of the client.",
      severity: "error",
      from: { path: "^src/otel(/|[.]ts$)" },
      to: { path: "^src/", pathNot: "^src/(otel[.]ts|otel/|core/)", reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"], conditionNames: ["import", "require", "node", "default"] },
  },
};
