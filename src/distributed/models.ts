/**
 * The models a worker holds: each job names its model (hub repo and commit, or a directory); the first job loads
 * it, later ones reuse it. The embedder for a job is rebuilt from the job's space (embed/space.ts), which refuses
 * a model whose weights or preprocessing differ from the coordinator's, so a worker never writes into the wrong
 * space.
 */
import type { Embedder } from "../embed/embedder.js";
import { embedderForSpace } from "../embed/space.js";
import { type ExecutionProvider, VideoMAE } from "../model/videomae/model.js";
import type { EmbeddingSpace } from "../space/spec.js";
import type { JobSettings } from "./job.js";

/** How a worker runs its models. */
export interface ModelRuntimeOptions {
  threads?: number;
  executionProvider?: ExecutionProvider;
  /** Clips per inference batch. @defaultValue 1 */
  batch?: number;
  onWarning?: (message: string) => void;
  /** Attention heads of a `.pth` model that jobs name (its weights do not record them); ignored for folders. */
  numHeads?: number;
  /** An upstream model name for a `.pth` model instead of `numHeads`, e.g. `vit_base_patch16_224`. */
  arch?: string;
}

/**
 * Models and embedders by what jobs ask for.
 *
 * @example
 * const models = new ModelCache({ threads: 4 });
 * const embedder = await models.embedder(job.model, space);
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
        numHeads: this.options.numHeads,
        arch: this.options.arch,
        hub: revision ? { revision } : undefined,
      });
      this.models.set(key, model);
      // A failed load is not kept: the next job tries again (the hub may be back).
      model.catch(() => this.models.delete(key));
    }
    return model;
  }

  /**
   * The embedder of `model` that reproduces `space` (the job's sampling is the space's: both come from the
   * coordinator's embedder).
   *
   * @throws VidmaeError from loading the model; E_DATA when this copy of the model makes another space
   * @example
   * const embedder = await models.embedder(job.model, await store.getSpace(job.spaceKey));
   */
  embedder(model: JobSettings["model"], space: EmbeddingSpace): Promise<Embedder> {
    const key = JSON.stringify([model, space.key]);
    let embedder = this.embedders.get(key);
    if (!embedder) {
      embedder = this.model(model).then((m) => embedderForSpace(m, space, { batch: this.options.batch }));
      this.embedders.set(key, embedder);
      embedder.catch(() => this.embedders.delete(key));
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
