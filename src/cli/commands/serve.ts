/** `vidmae serve`: the HTTP service and web page over a store, until SIGTERM/SIGINT. */
import type { Command } from "commander";
import { DEFAULT_SERVER_OPTIONS } from "../../server/context.js";
import { LIMITS, SERVE_DEFAULTS as DEFAULTS, addModelOptions, addSamplingOptions } from "../options.js";
import { type CliIo, lazyAction } from "../run.js";

/**
 * Registers `serve`.
 *
 * @example
 * // npx vidmae serve --db vidmae.db --allow-root videos/ --api-key "$KEY"
 */
export function registerServe(program: Command, io: CliIo): void {
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
    .action(lazyAction(io, async () => (await import("../actions/serve.js")).serve));
}
