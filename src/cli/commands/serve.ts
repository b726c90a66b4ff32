/** `vidmae serve`: the HTTP service and web page over a store, until SIGTERM/SIGINT. */
import type { Command } from "commander";
import { z } from "zod";
import { SavedModel } from "../../classify/model-file.js";
import { Embedder } from "../../embed/embedder.js";
import { buildApp } from "../../server/app.js";
import { DEFAULT_SERVER_OPTIONS } from "../../server/context.js";
import { closeOnSignals, startServer } from "../../server/main.js";
import { openStore } from "../../store/open.js";
import { loadCliModel } from "../load-model.js";
import {
  addModelOptions,
  addSamplingOptions,
  modelOptionsSchema,
  parseOptions,
  positiveInt,
  samplingOptionsSchema,
} from "../options.js";
import { action } from "../run.js";

const positive = (expected = "positive number") =>
  z.coerce.number({ error: expected }).positive({ error: expected }).finite({ error: expected });

const schema = modelOptionsSchema.merge(samplingOptionsSchema).extend({
  db: z.string().min(1),
  pooling: z.enum(["auto", "mean", "head"], { error: "one of: auto, mean, head" }).default("auto"),
  classifier: z.string().min(1).optional(),
  port: z.coerce
    .number({ error: "integer in [0, 65535]" })
    .int({ error: "integer in [0, 65535]" })
    .min(0, { error: "integer in [0, 65535]" })
    .max(65535, { error: "integer in [0, 65535]" })
    .default(8080),
  host: z.string().min(1).default("127.0.0.1"),
  apiKey: z
    .string()
    .min(1, { error: "non-empty key" })
    .optional()
    .transform((key) => key ?? (process.env.VIDMAE_API_KEY || undefined)),
  allowRoot: z.array(z.string().min(1)).default([]),
  uploadsDir: z.string().min(1).optional(),
  tmpDir: z.string().min(1).default(DEFAULT_SERVER_OPTIONS.tmpDir),
  maxUploadMb: positive().default(DEFAULT_SERVER_OPTIONS.maxUploadBytes / 2 ** 20),
  maxDurationS: positive().default(DEFAULT_SERVER_OPTIONS.maxDurationSec),
  maxPixels: positiveInt().default(DEFAULT_SERVER_OPTIONS.maxPixels),
  timeoutS: positive().default(DEFAULT_SERVER_OPTIONS.timeoutMs / 1000),
  queueSize: z.coerce
    .number({ error: "non-negative integer" })
    .int({ error: "non-negative integer" })
    .min(0, { error: "non-negative integer" })
    .default(DEFAULT_SERVER_OPTIONS.queueSize),
});

/**
 * Registers `serve`.
 *
 * @example
 * // npx vidmae serve --db vidmae.db --allow-root videos/ --api-key "$KEY"
 */
export function registerServe(program: Command): void {
  addSamplingOptions(
    addModelOptions(
      program
        .command("serve")
        .description(
          "HTTP API and web page: classify, embed and find similar videos; maps of the collection",
        ),
    ),
  )
    .requiredOption("--db <file>", "the store (videos are read from and stored into the model's space)")
    .option("--pooling <auto|mean|head>", "as for vidmae embed: must match the stored embeddings")
    .option("--classifier <model.json>", "a model from vidmae train, for /v1/classify")
    .option("--port <n>", "TCP port, 0 for any free one (default 8080)")
    .option("--host <addr>", "address to listen on (default 127.0.0.1; 0.0.0.0 serves the network)")
    .option("--api-key <key>", "require Authorization: Bearer KEY on the API (default: $VIDMAE_API_KEY)")
    .option("--allow-root <dirs...>", 'directories JSON {"path"} inputs may name (default: none)')
    .option("--uploads-dir <dir>", "where uploads stored with store=1 are kept (default: <db>.uploads)")
    .option(
      "--tmp-dir <dir>",
      `where uploads are streamed while processed (default ${DEFAULT_SERVER_OPTIONS.tmpDir})`,
    )
    .option("--max-upload-mb <n>", "largest upload (default 256)")
    .option("--max-duration-s <n>", "longest video (default 600)")
    .option("--max-pixels <n>", "largest frame, width x height (default 3840x2160)")
    .option("--timeout-s <n>", "time from queueing to an answer for one video (default 120)")
    .option("--queue-size <n>", "inference requests that may wait; more get 503 (default 8)")
    .action(
      action(async (raw: Record<string, unknown>) => {
        const opts = parseOptions(schema, raw);
        const classifier = opts.classifier === undefined ? undefined : await SavedModel.load(opts.classifier);
        const store = await openStore(opts.db);
        const model = await loadCliModel(opts).catch(async (error: unknown) => {
          await store.close();
          throw error;
        });
        const release = async () => {
          await model.release();
          await store.close();
        };
        let server;
        try {
          const embedder = await Embedder.create(model, {
            numFrames: opts.numFrames,
            sampling: { strategy: opts.sampling, clips: opts.clips, frameSampleRate: opts.frameSampleRate },
            crops: opts.crops,
            pooling: opts.pooling,
          });
          const app = await buildApp({
            store,
            embedder,
            modelName: opts.model,
            classifier,
            classifierName: opts.classifier,
            options: {
              apiKey: opts.apiKey ?? null,
              allowedRoots: opts.allowRoot,
              uploadsDir: opts.uploadsDir ?? `${opts.db}.uploads`,
              tmpDir: opts.tmpDir,
              maxUploadBytes: Math.round(opts.maxUploadMb * 2 ** 20),
              maxDurationSec: opts.maxDurationS,
              maxPixels: opts.maxPixels,
              timeoutMs: Math.round(opts.timeoutS * 1000),
              queueSize: opts.queueSize,
            },
            logger: { level: process.env.VIDMAE_LOG_LEVEL ?? "info" },
          });
          server = await startServer(app, { port: opts.port, host: opts.host });
        } catch (error) {
          await release();
          throw error;
        }
        process.stderr.write(
          `vidmae: serving ${server.url}/ (API ${opts.apiKey ? "needs the API key" : "open"}; Ctrl-C to stop)\n`,
        );
        await closeOnSignals(server, release, (line) => process.stderr.write(`vidmae: ${line}\n`));
      }),
    );
}
