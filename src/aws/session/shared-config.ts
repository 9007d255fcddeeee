/**
 * A small, synchronous reader of the shared AWS config and credentials files, for the two facts a
 * session needs before any SDK is loaded: a profile's `region` (which decides the partition) and
 * whether a profile exists at all (for a clear error). Credentials themselves are always resolved by
 * the SDK's providers, never here. Only regular files of at most {@link MAX_SHARED_FILE_BYTES} are
 * read (a FIFO or `/dev/zero` named by `AWS_CONFIG_FILE` cannot stall the process); anything else
 * counts as no file, and the SDK's own reader then reports what it finds.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { readRegularFileSync } from "../../core/regular-file.js";

/** The largest shared config or credentials file read: far above any real one. */
export const MAX_SHARED_FILE_BYTES: number = 1024 * 1024;

/** Where the shared files are, honouring `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`. */
export function sharedConfigPaths(): { readonly config: string; readonly credentials: string } {
  return {
    config: process.env.AWS_CONFIG_FILE || join(homedir(), ".aws", "config"),
    credentials: process.env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), ".aws", "credentials"),
  };
}

type Sections = Map<string, Map<string, string>>;

/** Profile sections of an INI file; in the config file they are `[profile name]` (or `[default]`). */
function readProfiles(path: string, isConfigFile: boolean): Sections {
  const sections: Sections = new Map();
  let text: string;
  try {
    text = readRegularFileSync(path, MAX_SHARED_FILE_BYTES).bytes.toString("utf8");
  } catch {
    return sections;
  }
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header?.[1] !== undefined) {
      const name = header[1];
      const profile = !isConfigFile || name === "default" ? name : /^profile\s+(.+)$/.exec(name)?.[1];
      current = profile === undefined ? undefined : (sections.get(profile) ?? new Map());
      if (profile !== undefined && current) sections.set(profile, current);
      continue;
    }
    const pair = /^([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (current && pair?.[1] !== undefined && !raw.startsWith(" ") && !raw.startsWith("\t")) {
      current.set(pair[1].toLowerCase(), pair[2] ?? "");
    }
  }
  return sections;
}

/** A profile as the SDK merges it: the credentials file's keys win over the config file's. */
function profileSettings(profile: string): Map<string, string> | undefined {
  const paths = sharedConfigPaths();
  const fromConfig = readProfiles(paths.config, true).get(profile);
  const fromCredentials = readProfiles(paths.credentials, false).get(profile);
  if (!fromConfig && !fromCredentials) return undefined;
  return new Map([...(fromConfig ?? []), ...(fromCredentials ?? [])]);
}

/** The `region` a profile sets, if the profile exists and sets one. */
export function profileRegion(profile: string): string | undefined {
  return profileSettings(profile)?.get("region") || undefined;
}

/** The `role_arn` a profile assumes, if the profile exists and sets one. */
export function profileRoleArn(profile: string): string | undefined {
  return profileSettings(profile)?.get("role_arn") || undefined;
}

/** Whether either shared file has a section for the profile. */
export function profileExists(profile: string): boolean {
  return profileSettings(profile) !== undefined;
}
