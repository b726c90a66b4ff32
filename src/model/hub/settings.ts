/**
 * The one place that reads the Hugging Face environment variables, with the defaults `huggingface_hub` uses, so a
 * Python user and vidmae share one cache, one endpoint and one login.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The public hub, used when `HF_ENDPOINT` is unset. */
export const DEFAULT_ENDPOINT = "https://huggingface.co";

/** Values `huggingface_hub` reads as true in a boolean variable such as `HF_HUB_OFFLINE`. */
const TRUE_VALUES = new Set(["1", "ON", "YES", "TRUE"]);

/** Where and how to reach the hub, as the environment says. */
export interface HubSettings {
  /** The hub cache root (holds `models--org--name` folders). */
  cacheDir: string;
  /** Hub base URL, without a trailing slash. */
  endpoint: string;
  /** Bearer token for private and gated repositories, if any. */
  token?: string;
  /** True when only the cache may be used. */
  offline: boolean;
}

type Env = Record<string, string | undefined>;

/** `~` at the start of a path means the home folder, as Python's `expanduser` reads it. */
function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}

/** `$HF_HOME`, default `$XDG_CACHE_HOME/huggingface`, default `~/.cache/huggingface`. */
function hfHome(env: Env): string {
  return expandHome(env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "huggingface"));
}

/**
 * The hub cache root: `$HF_HUB_CACHE`, else the legacy `$HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`.
 *
 * @example
 * hubCacheDir({ HF_HOME: "/data/hf" }); // "/data/hf/hub"
 */
export function hubCacheDir(env: Env = process.env): string {
  const explicit = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  return explicit ? expandHome(explicit) : join(hfHome(env), "hub");
}

/** `$HF_TOKEN` (or the legacy `$HUGGING_FACE_HUB_TOKEN`), else the token file `huggingface-cli login` writes. */
function hubToken(env: Env): string | undefined {
  const fromEnv = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN;
  if (fromEnv) return fromEnv.trim();
  try {
    return (
      readFileSync(expandHome(env.HF_TOKEN_PATH || join(hfHome(env), "token")), "utf8").trim() || undefined
    );
  } catch {
    return undefined; // no login is the common case, not an error
  }
}

/**
 * Reads `HF_HUB_CACHE`/`HF_HOME`, `HF_ENDPOINT`, `HF_TOKEN` (or the login token file) and `HF_HUB_OFFLINE`.
 *
 * @example
 * hubSettings({ HF_ENDPOINT: "http://127.0.0.1:8080/", HF_HUB_OFFLINE: "1" });
 * // { cacheDir: "~/.cache/huggingface/hub" expanded, endpoint: "http://127.0.0.1:8080", token: undefined, offline: true }
 */
export function hubSettings(env: Env = process.env): HubSettings {
  return {
    cacheDir: hubCacheDir(env),
    endpoint: (env.HF_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, ""),
    token: hubToken(env),
    offline: TRUE_VALUES.has((env.HF_HUB_OFFLINE ?? "").toUpperCase()),
  };
}
