/**
 * The service's request and response shapes as zod schemas: requests are parsed with them once at the edge (see
 * route.ts), and the OpenAPI document at `/docs` is generated from the same schemas, so the two cannot drift.
 */
import { z } from "zod";
import { MAP_METHODS } from "../map/project.js";
import { COLOR_BY } from "../map/map-data.js";
import { METRICS } from "../search/validate.js";

/** An integer query value in [min, max], given as text. */
const intParam = (min: number, max: number) => {
  const expected = `integer in [${min}, ${max}]`;
  return z.coerce
    .number({ error: expected })
    .int({ error: expected })
    .min(min, { error: expected })
    .max(max, { error: expected });
};

/** `1`/`true` or `0`/`false`, as a query flag. */
const flag = z
  .enum(["1", "true", "0", "false"], { error: "one of: 1, true, 0, false" })
  .transform((v) => v === "1" || v === "true");

const label = z
  .string({ error: "string of 1 to 200 characters" })
  .min(1, { error: "string of 1 to 200 characters" })
  .max(200, { error: "string of 1 to 200 characters" });

/** Query of `POST /v1/embed`: store the video (with a label) or not. */
export const embedQuerySchema = z.strictObject({ store: flag.optional(), label: label.optional() });

/**
 * Text fields an upload form may carry besides `file`: those of the `POST /v1/embed` query.
 *
 * @example
 * uploadFieldsSchema.parse({ store: "1", label: "cat" }); // { store: true, label: "cat" }
 */
export const uploadFieldsSchema = embedQuerySchema;

/** JSON body of the video routes: a file under an allowed root (`store`/`label` for `/v1/embed`). */
export const pathBodySchema = z.strictObject(
  {
    path: z.string({ error: "non-empty string" }).min(1, { error: "non-empty string" }),
    store: z.boolean({ error: "boolean" }).optional(),
    label: label.optional(),
  },
  { error: "JSON object" },
);

/** Query of `POST /v1/classify`. */
export const classifyQuerySchema = z.strictObject({ k: intParam(1, 100).default(5) });

const metric = z.enum(METRICS, { error: `one of: ${METRICS.join(", ")}` });
const level = z.enum(["video", "clip"], { error: "one of: video, clip" });
const method = z.enum(MAP_METHODS, { error: `one of: ${MAP_METHODS.join(", ")}` });

/** Query of the similarity routes; `map` (POST only) also places the video on that map. */
export const similarQuerySchema = z.strictObject({
  k: intParam(1, 100).default(10),
  metric: metric.default("cosine"),
  level: level.default("video"),
});

/** Query of `POST /v1/similar`. */
export const similarUploadQuerySchema = similarQuerySchema.extend({ map: method.optional() });

/** Path parameter `:id`. */
export const videoIdParamsSchema = z.strictObject({ id: intParam(1, Number.MAX_SAFE_INTEGER) });

/** Query of `GET /v1/videos`: filters (status, exact label, text in the path), order by date added, a page. */
export const listQuerySchema = z.strictObject({
  status: z.enum(["ok", "failed", "pending"], { error: "one of: ok, failed, pending" }).optional(),
  label: label.optional(),
  q: label.optional(),
  sort: z.enum(["added-asc", "added-desc"], { error: "one of: added-asc, added-desc" }).default("added-asc"),
  limit: intParam(1, 1000).default(100),
  offset: intParam(0, Number.MAX_SAFE_INTEGER).default(0),
});

/**
 * Query of `POST /v1/analyze`: neighbour count and measure, a map to place the video on, and storing.
 *
 * @example
 * analyzeQuerySchema.parse({ k: "3", map: "pca" }); // { k: 3, metric: "cosine", map: "pca" }
 */
export const analyzeQuerySchema = z.strictObject({
  k: intParam(1, 100).default(6),
  metric: metric.default("cosine"),
  map: method.optional(),
  ...embedQuerySchema.shape,
});

/**
 * Query of `GET /v1/videos/:id/file`: a signed token stands in for the API key (a `<video>` sends no header).
 *
 * @example
 * mediaQuerySchema.parse({ token: "1767225600.Xq…" });
 */
export const mediaQuerySchema = z.strictObject({
  token: z
    .string({ error: "token of up to 200 characters" })
    .max(200, { error: "token of up to 200 characters" })
    .optional(),
});

/** Query of `GET /v1/map`. */
export const mapQuerySchema = z.strictObject({
  method: method.default("pca"),
  level: level.default("video"),
  seed: intParam(0, 0xffffffff).default(0),
  color: z.enum(COLOR_BY, { error: `one of: ${COLOR_BY.join(", ")}` }).default("label"),
});

/** No query parameters. */
export const emptyQuerySchema = z.strictObject({});

// Responses (documentation and types).

/** Every error response. */
export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const labelScore = z.object({ label: z.string(), score: z.number() });

/** What probing found, as responses show it. */
export const videoInfoSchema = z.object({
  durationSec: z.number(),
  fps: z.number(),
  frameCount: z.number(),
  width: z.number(),
  height: z.number(),
  codec: z.string(),
  container: z.string(),
});

/** A stored video in listings. */
export const videoSummarySchema = z.object({
  id: z.number(),
  path: z.string(),
  name: z.string(),
  label: z.string().nullable(),
  status: z.enum(["ok", "failed", "pending"]),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  sizeBytes: z.number(),
  durationSec: z.number().nullable(),
  addedAt: z.string(),
});

/** `GET /v1/videos`. */
export const videoListSchema = z.object({
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  videos: z.array(videoSummarySchema),
  /** Every label of the collection (whatever the filters) with its count. */
  labels: z.array(z.object({ label: z.string(), count: z.number() })),
});

const clipSchema = z.object({
  clipIndex: z.number(),
  crop: z.number(),
  startSec: z.number(),
  endSec: z.number(),
  frameIndices: z.array(z.number()),
});

/** `GET /v1/videos/:id`. */
export const videoDetailSchema = videoSummarySchema.extend({
  contentHash: z.string(),
  probe: z.record(z.string(), z.unknown()).nullable(),
  clips: z.array(clipSchema),
  /** Where a browser plays the file (`GET /v1/videos/:id/file`, with a signed token when the server has a key). */
  mediaUrl: z.string(),
});

/** `POST /v1/embed`. */
export const embedResponseSchema = z.object({
  name: z.string(),
  stored: z.boolean(),
  video: videoSummarySchema.nullable(),
  space: z.object({ id: z.number(), key: z.string() }),
  dim: z.number(),
  vector: z.array(z.number()),
  clips: z.array(clipSchema.extend({ vector: z.array(z.number()) })),
  info: videoInfoSchema,
});

/** `POST /v1/classify`: the checkpoint's head and/or the trained classifier. */
export const classifyResponseSchema = z.object({
  name: z.string(),
  head: z.array(labelScore).nullable(),
  classifier: z
    .object({ label: z.string(), scores: z.array(labelScore).nullable(), pipeline: z.string() })
    .nullable(),
  info: videoInfoSchema,
});

const hitSchema = z.object({
  videoId: z.number(),
  path: z.string(),
  name: z.string(),
  label: z.string().nullable(),
  distance: z.number(),
  clipIndex: z.number().optional(),
  crop: z.number().optional(),
  startSec: z.number().optional(),
  endSec: z.number().optional(),
});

/** `GET /v1/videos/:id/similar`. */
export const similarResponseSchema = z.object({ videoId: z.number(), hits: z.array(hitSchema) });

/** `POST /v1/similar`: neighbours, and the video's place on the map when asked. */
export const similarUploadResponseSchema = z.object({
  name: z.string(),
  hits: z.array(hitSchema),
  point: z.object({ method: method, x: z.number(), y: z.number() }).nullable(),
  info: videoInfoSchema,
});

const momentSchema = hitSchema.extend({
  clipIndex: z.number(),
  crop: z.number(),
  startSec: z.number(),
  endSec: z.number(),
  queryStartSec: z.number(),
  queryEndSec: z.number(),
});

/**
 * `POST /v1/analyze`: one upload, every answer.
 *
 * @example
 * const body: z.infer<typeof analyzeResponseSchema> = res.json(); // { labels, hits, moments, point, stored, … }
 */
export const analyzeResponseSchema = z.object({
  name: z.string(),
  labels: classifyResponseSchema.pick({ head: true, classifier: true }).nullable(),
  hits: z.array(hitSchema),
  moments: z.array(momentSchema),
  point: similarUploadResponseSchema.shape.point,
  stored: videoSummarySchema.nullable(),
  info: videoInfoSchema,
});

/**
 * `GET /v1/info`: what the page needs to know about the server.
 *
 * @example
 * serverInfoSchema.parse(await (await fetch("/v1/info")).json()).storesUploads; // true
 */
export const serverInfoSchema = z.object({
  version: z.string(),
  space: z.object({ id: z.number(), key: z.string() }),
  head: z.boolean(),
  classifier: z.string().nullable(),
  storesUploads: z.boolean(),
  maxUploadBytes: z.number(),
});

/** `GET /v1/map` (see `MapData` in src/map). */
export const mapResponseSchema = z.object({
  method: method,
  seed: z.number(),
  level: level,
  colorBy: z.enum(COLOR_BY),
  dim: z.number(),
  legend: z.array(z.object({ name: z.string(), color: z.string(), count: z.number() })),
  points: z.array(
    z
      .object({
        x: z.number(),
        y: z.number(),
        videoId: z.number(),
        name: z.string(),
        label: z.string().nullable(),
        group: z.number(),
      })
      .loose(),
  ),
});

/** `GET /healthz`. */
export const healthSchema = z.object({
  status: z.enum(["ok", "shutting-down"]),
  version: z.string(),
  uptimeSec: z.number(),
  queue: z.object({
    running: z.number(),
    waiting: z.number(),
    concurrency: z.number(),
    maxWaiting: z.number(),
  }),
});
