/**
 * Listening and shutting down: the only place the service opens a port. A first SIGTERM or SIGINT stops
 * accepting requests, lets those in flight finish (and their inference jobs), then closes; a second one exits at
 * once.
 */
import type { FastifyInstance } from "fastify";

/** Where to listen. */
export interface ListenOptions {
  /** 0 picks a free port. @defaultValue 8080 */
  port?: number;
  /** @defaultValue "127.0.0.1" (loopback only; pass 0.0.0.0 to serve the network) */
  host?: string;
}

/**
 * A listening server.
 *
 * @example
 * const server = await startServer(app, { port: 0 });
 * await fetch(`${server.url}/healthz`);
 * await server.close();
 */
export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  app: FastifyInstance;
  /** Graceful: stops accepting, waits for in-flight requests and jobs (idempotent). */
  close(): Promise<void>;
}

/**
 * Starts listening.
 *
 * @example
 * const { url } = await startServer(await buildApp(deps), { port: 8080, host: "127.0.0.1" });
 */
export async function startServer(app: FastifyInstance, options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port ?? 8080, host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    app,
    close: () => (closing ??= app.close()),
  };
}

/**
 * Closes `server` gracefully on the first SIGTERM or SIGINT, then runs `after` (release the model, close the
 * store); a second signal exits with code 130 at once. Resolves when all that is done.
 *
 * @param log - where progress lines go (stderr in the CLI)
 * @example
 * await closeOnSignals(server, async () => { await model.release(); await store.close(); });
 */
export function closeOnSignals(
  server: RunningServer,
  after: () => Promise<void>,
  log: (line: string) => void = () => {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(130);
      signalled = true;
      log(`${signal}: finishing requests in flight, then stopping (again to quit now)`);
      server
        .close()
        .then(after)
        .then(() => {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          log("stopped");
          resolve();
        }, reject);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
