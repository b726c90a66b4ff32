/**
 * One way to declare a route: its query and path parameters are zod schemas, parsed once here before the handler
 * runs (a bad value is a 400 naming the parameter), and the same declaration feeds the OpenAPI document, so the
 * document lists exactly the routes that exist with exactly the parameters they accept.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { invalidParameterError } from "../errors.js";
import { VERSION } from "../version.js";
import { HttpError } from "./http-errors.js";
import { errorSchema, pathBodySchema, uploadFieldsSchema } from "./schemas.js";
import { UPLOAD_FIELD } from "./uploads.js";

/**
 * A route: what it accepts, what it answers, and its handler, which gets the parsed query and path parameters.
 * `videoBody` routes take a multipart upload (`file`, `store`, `label`) or a JSON `{"path"}` body (read by the
 * handler, see video-request.ts).
 *
 * @example
 * routes.add(app, { method: "GET", url: "/v1/videos/:id", summary: "One video", params: videoIdParamsSchema,
 *   response: videoDetailSchema, errors: [400, 401, 404], handler: async ({ params }) => getVideo(params.id) });
 */
export interface RouteSpec<Q extends z.ZodType, P extends z.ZodType> {
  method: "GET" | "POST";
  url: string;
  summary: string;
  description?: string;
  query?: Q;
  params?: P;
  videoBody?: boolean;
  /** The 200 body: a JSON schema, or the media type of a non-JSON body. */
  response: z.ZodType | { mediaType: string };
  /** Error statuses the route can answer with. */
  errors: number[];
  /** Reachable without the API key (the page and the health check). @defaultValue false */
  open?: boolean;
  handler(input: {
    query: z.output<Q>;
    params: z.output<P>;
    request: FastifyRequest;
    reply: FastifyReply;
  }): Promise<unknown>;
}

/** `a.b[0]` from a zod issue path. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) =>
      typeof key === "number" ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key),
    "",
  );
}

/**
 * Parses one part of a request; the first problem becomes a 400 `E_INVALID_ARGUMENT` in the library's sentence
 * ("Expected <what> for <name> but received <value>"), or names an unknown parameter.
 *
 * @param where - what is parsed, for messages: `query`, `path` or `body`
 * @example
 * parseRequestPart(classifyQuerySchema, { k: "0" }, "query");
 * // throws 400: Expected integer in [1, 100] for k but received "0" of type string
 */
export function parseRequestPart<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === "unrecognized_keys")
    throw new HttpError(
      400,
      "E_INVALID_ARGUMENT",
      `Unknown ${where} parameter ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`,
    );
  let received: unknown = value;
  for (const key of issue.path) received = (received as Record<PropertyKey, unknown> | undefined)?.[key];
  const name = fieldName(issue.path) || where;
  throw new HttpError(
    400,
    "E_INVALID_ARGUMENT",
    invalidParameterError(name, issue.message, received).message,
  );
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad request: a parameter or the body is invalid",
  401: "Missing or wrong API key (Authorization: Bearer KEY)",
  403: "The path is outside the allowed roots",
  404: "Not found",
  413: "The upload is larger than the server accepts",
  415: "The body is neither multipart/form-data nor JSON",
  422: "The file is not a usable video, or exceeds the duration or pixel limit",
  501: "The server has no classifier",
  503: "The inference queue is full (see Retry-After) or the server is shutting down",
  504: "Processing took longer than the server's timeout",
};

/** A zod schema as a JSON Schema object for OpenAPI 3.1 (which uses JSON Schema 2020-12). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _draft, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** Query or path parameters of an object schema, in OpenAPI's list form. */
function parameters(schema: z.ZodType | undefined, location: "query" | "path"): object[] {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === "path" || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/**
 * The routes of one app: registers them and describes them as an OpenAPI document.
 *
 * @example
 * const routes = new RouteTable();
 * routes.add(app, spec);
 * routes.openApi(); // { openapi: "3.1.0", paths: { … } }
 */
export class RouteTable {
  private readonly specs: RouteSpec<z.ZodType, z.ZodType>[] = [];

  /** Registers `spec` on `app`. */
  add<Q extends z.ZodType, P extends z.ZodType>(app: FastifyInstance, spec: RouteSpec<Q, P>): void {
    this.specs.push(spec as unknown as RouteSpec<z.ZodType, z.ZodType>);
    app.route({
      method: spec.method,
      url: spec.url,
      config: { open: spec.open ?? false },
      handler: async (request, reply) => {
        const query = parseRequestPart(
          spec.query ?? z.strictObject({}),
          request.query,
          "query",
        ) as z.output<Q>;
        const params = parseRequestPart(spec.params ?? z.object({}), request.params, "path") as z.output<P>;
        return spec.handler({ query, params, request, reply });
      },
    });
  }

  /** The OpenAPI 3.1 document of every registered route. */
  openApi(): object {
    const paths: Record<string, Record<string, object>> = {};
    for (const spec of this.specs) {
      const path = spec.url.replace(/:(\w+)/g, "{$1}");
      const error = { content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
      const ok =
        "mediaType" in spec.response
          ? { content: { [spec.response.mediaType]: {} } }
          : { content: { "application/json": { schema: jsonSchema(spec.response, "output") } } };
      paths[path] ??= {};
      paths[path][spec.method.toLowerCase()] = {
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
        ...(spec.videoBody
          ? {
              requestBody: {
                required: true,
                content: {
                  "multipart/form-data": {
                    schema: {
                      type: "object",
                      properties: {
                        [UPLOAD_FIELD]: { type: "string", format: "binary" },
                        ...(jsonSchema(uploadFieldsSchema, "input").properties as object),
                      },
                      required: [UPLOAD_FIELD],
                    },
                  },
                  "application/json": { schema: jsonSchema(pathBodySchema, "input") },
                },
              },
            }
          : {}),
        responses: {
          200: { description: "OK", ...ok },
          ...Object.fromEntries(
            spec.errors.map((status) => [status, { description: STATUS_TEXT[status] ?? "Error", ...error }]),
          ),
        },
        security: spec.open ? [] : [{ bearer: [] }],
      };
    }
    return {
      openapi: "3.1.0",
      info: {
        title: "vidmae",
        version: VERSION,
        description:
          "Video classification, similarity and maps on VideoMAE embeddings. With an API key configured, every " +
          "route but the page, /docs and /healthz needs `Authorization: Bearer KEY` (video files also open to their " +
          "signed `mediaUrl`). Errors are JSON " +
          '`{"error": {"code", "message"}}`.',
      },
      paths,
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
        schemas: { Error: jsonSchema(errorSchema, "output") },
      },
    };
  }
}
