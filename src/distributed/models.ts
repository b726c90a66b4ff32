/**
 * The models a worker holds: each job names its model (hub repo and commit, or a directory) and sampling; the
 * first job loads it, later ones reuse it. Before a model embeds anything, the space it produces is compared with
 * the job's, so a worker whose copy of a model differs from the coordinator's never writes into the wrong space.
 */
import { VidmaeError } from "../errors.js";
import { Embedder } from "../embed/embedder.js";
import { spaceSpecFor } from "../embed/space.js";
import { type ExecutionProvider, VideoMAE } from "../model/videomae/model.js";
import { normalizeSpaceSpec, spaceKey } from "../store/space.js";
import type { JobSettings } from "./job.js";

/** How a worker runs its models. */
export interface ModelRuntimeOptions {
  threads?: number;
  executionProvider?: ExecutionProvider;
  /** Clips per inference batch. @defaultValue 1 */
  batch?: number;
  onWarning?: (message: string) => void;
}

/**
 * Models and embedders by what jobs ask for.
 *
 * @example
 * const models = new ModelCache({ threads: 4 });
 * const embedder = await models.embedder(job, job.spaceKey);
 */
export class ModelCache {
  private readonly models = new Map<string, Promise<VideoMAE>>();
  private readonly embedders = new Map<string, Promise<Embedder>>();

  constructor(private readonly options: ModelRuntimeOptions = {}) {}

  /** Loaded models as `name@revision`. */
  get loaded(): string[] {
    return [...this.models.keys()];
  }

  private model({ name, revision }: JobSettings["model"]): Promise<VideoMAE> {
    const key = `${name}@${revision ?? "local"}`;
    let model = this.models.get(key);
    if (!model) {
      model = VideoMAE.load(name, {
        threads: this.options.threads,
        executionProvider: this.options.executionProvider,
        onWarning: this.options.onWarning,
        hub: revision ? { revision } : undefined,
      });
      this.models.set(key, model);
      // A failed load is not kept: the next job tries again (the hub may be back).
      model.catch(() => this.models.delete(key));
    }
    return model;
  }

  /**
   * The embedder for a job's settings, checked to produce the space `spaceKey`.
   *
   * @throws VidmaeError from loading the model; E_CHECKPOINT when its space is another one
   */
  embedder(settings: JobSettings, expectedKey: string): Promise<Embedder> {
    const key = JSON.stringify([settings, expectedKey]);
    let embedder = this.embedders.get(key);
    if (!embedder) {
      embedder = this.create(settings, expectedKey);
      this.embedders.set(key, embedder);
      embedder.catch(() => this.embedders.delete(key));
    }
    return embedder;
  }

  private async create({ model, sampling }: JobSettings, expectedKey: string): Promise<Embedder> {
    const embedder = await Embedder.create(await this.model(model), {
      numFrames: sampling.numFrames,
      sampling: {
        strategy: sampling.strategy,
        clips: sampling.clips,
        frameSampleRate: sampling.frameSampleRate,
      },
      crops: sampling.crops,
      pooling: sampling.pooling,
      batch: this.options.batch,
    });
    const key = spaceKey(normalizeSpaceSpec(await spaceSpecFor(embedder, model.name)));
    if (key !== expectedKey) {
      throw new VidmaeError(
        "E_CHECKPOINT",
        `${model.name}: this worker's copy embeds into space ${key.slice(0, 12)}… but the job is for space ${expectedKey.slice(0, 12)}…: its weights or preprocessor config differ from the coordinator's`,
      );
    }
    return embedder;
  }

  /** Frees every model's runtime sessions. */
  async release(): Promise<void> {
    const models = await Promise.allSettled(this.models.values());
    this.models.clear();
    this.embedders.clear();
    for (const m of models) if (m.status === "fulfilled") await m.value.release();
  }
}
