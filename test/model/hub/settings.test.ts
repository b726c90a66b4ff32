import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { hubCacheDir, hubSettings } from "../../../src/model/hub/settings.js";

test("hubCacheDir follows HF_HUB_CACHE, then HF_HOME, then XDG_CACHE_HOME, then ~/.cache", () => {
  assert.equal(hubCacheDir({}), join(homedir(), ".cache", "huggingface", "hub"));
  assert.equal(hubCacheDir({ XDG_CACHE_HOME: "/xdg" }), "/xdg/huggingface/hub");
  assert.equal(hubCacheDir({ XDG_CACHE_HOME: "/xdg", HF_HOME: "/hf" }), "/hf/hub");
  assert.equal(hubCacheDir({ HF_HOME: "/hf", HUGGINGFACE_HUB_CACHE: "/legacy" }), "/legacy");
  assert.equal(
    hubCacheDir({ HF_HOME: "/hf", HUGGINGFACE_HUB_CACHE: "/legacy", HF_HUB_CACHE: "/cache" }),
    "/cache",
  );
  assert.equal(hubCacheDir({ HF_HUB_CACHE: "~/models" }), join(homedir(), "models"));
});

test("hubSettings reads the endpoint without its trailing slash, and HF_HUB_OFFLINE as huggingface_hub does", () => {
  const home = { HF_HOME: "/nonexistent-hf-home" };
  assert.equal(hubSettings(home).endpoint, "https://huggingface.co");
  assert.equal(
    hubSettings({ ...home, HF_ENDPOINT: "http://127.0.0.1:9/mirror/" }).endpoint,
    "http://127.0.0.1:9/mirror",
  );
  for (const value of ["1", "true", "YES", "on"])
    assert.equal(hubSettings({ ...home, HF_HUB_OFFLINE: value }).offline, true);
  for (const value of ["0", "", "false"])
    assert.equal(hubSettings({ ...home, HF_HUB_OFFLINE: value }).offline, false);
});

test("hubSettings takes HF_TOKEN, else the login token file under HF_HOME, else none", async () => {
  const home = await mkdtemp(join(tmpdir(), "vidmae-settings-"));
  try {
    assert.equal(hubSettings({ HF_HOME: home }).token, undefined);
    await writeFile(join(home, "token"), "hf_from_file\n");
    assert.equal(hubSettings({ HF_HOME: home }).token, "hf_from_file");
    assert.equal(hubSettings({ HF_HOME: home, HF_TOKEN: "hf_from_env" }).token, "hf_from_env");
    assert.equal(hubSettings({ HF_HOME: home, HF_TOKEN_PATH: join(home, "absent") }).token, undefined);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
