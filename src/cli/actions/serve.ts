/** `vidmae serve`: the HTTP service and web page over a store, until SIGTERM/SIGINT. */
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
  SERVE_DEFAULTS as DEFAULTS,
  modelOptionsSchema,
  parseOptions,
  samplingOptionsSchema,
} from "../options.js";
import type { CliIo } from "../run.js";

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
 * `vidmae serve`: starts the HTTP service over the store and returns when a signal has closed it. `raw` is
 * commander's options, checked here.
 *
 * @example
 * await serve(cliIo(), { db: "vidmae.db", port: "8080" });
 */
export async function serve(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const classifier = opts.classifier === undefined ? undefined : await SavedModel.load(opts.classifier);
  const store = await openStore(opts.db);
  const model = await loadCliModel(opts, io).catch(async (error: unknown) => {
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
  io.stderr.write(
    `vidmae: serving ${server.url}/ (API ${opts.apiKey ? "needs the API key" : "open"}; Ctrl-C to stop)\n`,
  );
  await closeOnSignals(server, release, io.say);
}
