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
  LIMITS,
  addModelOptions,
  addSamplingOptions,
  modelOptionsSchema,
  parseOptions,
  samplingOptionsSchema,
} from "../options.js";
import { action, say } from "../run.js";

/** The service's defaults in the units of the flags. */
const DEFAULTS = {
  maxUploadMb: DEFAULT_SERVER_OPTIONS.maxUploadBytes / 2 ** 20,
  maxDurationS: DEFAULT_SERVER_OPTIONS.maxDurationSec,
  maxPixels: DEFAULT_SERVER_OPTIONS.maxPixels,
  timeoutS: DEFAULT_SERVER_OPTIONS.timeoutMs / 1000,
  queueSize: DEFAULT_SERVER_OPTIONS.queueSize,
  headersTimeoutS: DEFAULT_SERVER_OPTIONS.headersTimeoutMs / 1000,
  requestTimeoutS: DEFAULT_SERVER_OPTIONS.requestTimeoutMs / 1000,
  keepAliveTimeoutS: DEFAULT_SERVER_OPTIONS.keepAliveTimeoutMs / 1000,
  maxConnections: DEFAULT_SERVER_OPTIONS.maxConnections,
};

const schema = modelOptionsSchema.merge(samplingOptionsSchema).extend({
  db: z.string().min(1),
  pooling: z.enum(["auto", "mean", "head"], { error: "one of: auto, mean, head" }).default("auto"),
  classifier: z.string().min(1).optional(),
  port: LIMITS.port.schema().default(8080),
  host: z.string().min(1).default("127.0.0.1"),
  apiKey: z
    .string()
    .min(1, { error: "non-empty key" })
    .optional()
    .transform((key) => key ?? (process.env.VIDMAE_API_KEY || undefined)),
  allowRoot: z.array(z.string().min(1)).default([]),
  uploadsDir: z.string().min(1).optional(),
  tmpDir: z.string().min(1).default(DEFAULT_SERVER_OPTIONS.tmpDir),
  maxUploadMb: LIMITS.uploadMb.schema().default(DEFAULTS.maxUploadMb),
  maxDurationS: LIMITS.seconds.schema().default(DEFAULTS.maxDurationS),
  maxPixels: LIMITS.pixels.schema().default(DEFAULTS.maxPixels),
  timeoutS: LIMITS.seconds.schema().default(DEFAULTS.timeoutS),
  queueSize: LIMITS.queueSize.schema().default(DEFAULTS.queueSize),
  headersTimeoutS: LIMITS.seconds.schema().default(DEFAULTS.headersTimeoutS),
  requestTimeoutS: LIMITS.seconds.schema().default(DEFAULTS.requestTimeoutS),
  keepAliveTimeoutS: LIMITS.seconds.schema().default(DEFAULTS.keepAliveTimeoutS),
  maxConnections: LIMITS.connections.schema().default(DEFAULTS.maxConnections),
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
    .option("--port <n>", LIMITS.port.help("TCP port, 0 for any free one", 8080))
    .option("--host <addr>", "address to listen on (default 127.0.0.1; 0.0.0.0 serves the network)")
    .option("--api-key <key>", "require Authorization: Bearer KEY on the API (default: $VIDMAE_API_KEY)")
    .option("--allow-root <dirs...>", 'directories JSON {"path"} inputs may name (default: none)')
    .option("--uploads-dir <dir>", "where uploads stored with store=1 are kept (default: <db>.uploads)")
    .option(
      "--tmp-dir <dir>",
      `where uploads are streamed while processed (default ${DEFAULT_SERVER_OPTIONS.tmpDir})`,
    )
    .option("--max-upload-mb <n>", LIMITS.uploadMb.help("largest upload", DEFAULTS.maxUploadMb))
    .option("--max-duration-s <n>", LIMITS.seconds.help("longest video", DEFAULTS.maxDurationS))
    .option("--max-pixels <n>", LIMITS.pixels.help("largest frame, width x height", DEFAULTS.maxPixels))
    .option(
      "--timeout-s <n>",
      LIMITS.seconds.help("time from queueing to an answer for one video", DEFAULTS.timeoutS),
    )
    .option(
      "--queue-size <n>",
      LIMITS.queueSize.help("inference requests that may wait; more get 503", DEFAULTS.queueSize),
    )
    .option(
      "--headers-timeout-s <n>",
      LIMITS.seconds.help("time a client has to send its request headers", DEFAULTS.headersTimeoutS),
    )
    .option(
      "--request-timeout-s <n>",
      LIMITS.seconds.help(
        "time a client has to send a whole request, upload included",
        DEFAULTS.requestTimeoutS,
      ),
    )
    .option(
      "--keep-alive-timeout-s <n>",
      LIMITS.seconds.help("idle keep-alive connections are closed after this", DEFAULTS.keepAliveTimeoutS),
    )
    .option(
      "--max-connections <n>",
      LIMITS.connections.help("connections open at once; more are closed on accept", DEFAULTS.maxConnections),
    )
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
              headersTimeoutMs: Math.round(opts.headersTimeoutS * 1000),
              requestTimeoutMs: Math.round(opts.requestTimeoutS * 1000),
              keepAliveTimeoutMs: Math.round(opts.keepAliveTimeoutS * 1000),
              maxConnections: opts.maxConnections,
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
        await closeOnSignals(server, release, say);
      }),
    );
}
