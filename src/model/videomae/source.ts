/**
 * What `--model` names, opened: a Hugging Face VideoMAE folder, an OpenGVLab VideoMAE V2 hub folder (recognised
 * by its `config.json`), or a `.pth` file of the original code (recognised by its content: a zip archive). Each
 * gives the config the model runs with, the files that identify it, and how to load its verified checkpoint.
 */
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import { VidmaeError, invalidParameterError } from "../../errors.js";
import { shardPaths } from "../weights/sharded.js";
import { type Checkpoint, findWeightsFile, loadCheckpoint, readWeights } from "./checkpoint.js";
import { type VideoMAEConfig, parseVideoMAEConfig } from "./config.js";
import { readConfigJson } from "./config-file.js";
import { HF_LAYOUT, type Layout } from "./layout.js";
import { kindOf, layoutOf, mapOriginalWeights, toVideoMAEConfig } from "./v2/arch.js";
import { isV2HubConfig, parseV2HubConfig, v2HubWeights } from "./v2/hub-config.js";
import { type PthOptions, inferArch, isPretrainingOnly, readPthStateDict } from "./v2/pth.js";
import { headLabels } from "./v2/kinetics-labels.js";

/** An opened model: enough to check inputs and key caches before any weight is read (except for a `.pth`). */
export interface ModelSource {
  /** The folder, or the `.pth` file. */
  path: string;
  config: VideoMAEConfig;
  layout: Layout;
  /** The files whose content identifies the model (config, weights, shards). */
  files: string[];
  /**
   * What besides the files decides the outputs: empty for HF folders (so their hashes stay as they were),
   * else the layout family and what the user supplied (heads, image size).
   */
  identity: string;
  /** Frame count and image size come from each input (a `.pth` records neither). */
  inputSized: boolean;
  /** Reads and verifies the weights. */
  load(): Promise<Checkpoint>;
}

/**
 * A folder's config gives its heads: a `--num-heads` that disagrees is a mistake (another model was meant), not
 * something to apply.
 */
function checkHeads(config: VideoMAEConfig, file: string, options: PthOptions): void {
  if (options.numHeads !== undefined && options.numHeads !== config.num_attention_heads)
    throw invalidParameterError(
      "--num-heads",
      `${config.num_attention_heads} (what ${file} says) or nothing`,
      options.numHeads,
    );
}

async function hfSource(dir: string, json: unknown, options: PthOptions): Promise<ModelSource> {
  const configPath = join(dir, "config.json");
  const config = parseVideoMAEConfig(json, configPath);
  checkHeads(config, configPath, options);
  const weightsFile = findWeightsFile(dir);
  const shards = weightsFile?.endsWith(".index.json") ? (await shardPaths(weightsFile)).shards : [];
  return {
    path: dir,
    config,
    layout: HF_LAYOUT,
    files: [configPath, ...(weightsFile ? [weightsFile, ...shards] : [])],
    identity: "",
    inputSized: false,
    load: () => loadCheckpoint(dir),
  };
}

async function v2HubSource(dir: string, json: unknown, options: PthOptions): Promise<ModelSource> {
  const configPath = join(dir, "config.json");
  const arch = parseV2HubConfig(json, configPath);
  const config = toVideoMAEConfig(arch, configPath);
  checkHeads(config, configPath, options);
  const weightsFile = findWeightsFile(dir);
  const shards = weightsFile?.endsWith(".index.json") ? (await shardPaths(weightsFile)).shards : [];
  const layout = layoutOf(arch, "v2-hub");
  const load = async (): Promise<Checkpoint> => {
    const { file, tensors, files } = await readWeights(dir);
    return {
      dir,
      config,
      kind: kindOf(arch),
      weightsFile: file,
      weights: v2HubWeights(tensors, arch, file, configPath),
      labels: headLabels(arch.numClasses),
      files: [configPath, ...files],
      layout,
    };
  };
  return {
    path: dir,
    config,
    layout,
    files: [configPath, ...(weightsFile ? [weightsFile, ...shards] : [])],
    identity: "layout:v2-hub",
    inputSized: false,
    load,
  };
}

async function pthSource(file: string, options: PthOptions): Promise<ModelSource> {
  const tensors = await readPthStateDict(file);
  const arch = inferArch(tensors, file, options);
  const config = toVideoMAEConfig(arch, file, true);
  const layout = layoutOf(arch, "original-pth");
  const weights = mapOriginalWeights(tensors, arch, file, "the weights", isPretrainingOnly);
  const checkpoint: Checkpoint = {
    dir: file,
    config,
    kind: kindOf(arch),
    weightsFile: file,
    weights,
    labels: headLabels(arch.numClasses),
    files: [file],
    layout,
  };
  return {
    path: file,
    config,
    layout,
    files: [file],
    identity: `layout:original-pth heads:${arch.numHeads} image:${arch.imageSize}`,
    inputSized: true,
    load: () => Promise.resolve(checkpoint),
  };
}

/** True when the file starts with a zip local header (`PK\x03\x04`), as every `torch.save` archive does. */
async function isZip(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = new Uint8Array(4);
    await handle.read(head, 0, 4, 0);
    return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  } finally {
    await handle.close();
  }
}

/**
 * Opens a model folder or `.pth` file. HF and V2 hub folders are told apart by `config.json`'s `model_type`;
 * a file must be a torch zip archive.
 *
 * @param options - heads (and `--arch` name) for a `.pth`; a folder's config has them (a `--num-heads` that
 *   disagrees with it is refused, `--arch` is ignored)
 * @throws VidmaeError `E_CHECKPOINT` for a file that is not a torch zip archive, `E_CONFIG` for a bad config,
 *   `E_INVALID_ARGUMENT` for a `.pth` without `--num-heads`, and the checkpoint errors of a `.pth`
 * @example
 * const source = await openModelSource("test/fixtures/videomae-v2/v2-hub");
 * source.layout.family; // "v2-hub"
 */
export async function openModelSource(path: string, options: PthOptions = {}): Promise<ModelSource> {
  const isFile = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) {
    if (!(await isZip(path)))
      throw new VidmaeError(
        "E_CHECKPOINT",
        `${path}: not a torch.save zip archive; --model takes a model folder, a hub repo id or a .pth checkpoint`,
      );
    return pthSource(path, options);
  }
  const json = await readConfigJson(join(path, "config.json"));
  return isV2HubConfig(json) ? v2HubSource(path, json, options) : hfSource(path, json, options);
}
