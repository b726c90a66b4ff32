/**
 * `preprocessor_config.json` as Hugging Face saves it for VideoMAE, parsed once into typed values. Absent fields
 * take `VideoMAEImageProcessor`'s class defaults; unknown fields are ignored; a wrong one is an `E_CONFIG` error
 * naming the file and the field.
 */
import { z } from "zod";
import { VidmaeError } from "../errors.js";
import type { ResampleFilter } from "./resize.js";

/** Target of the resize step: shortest edge to a length (aspect kept), or an exact size. */
export type ResizeTarget = { shortestEdge: number } | { height: number; width: number };

/**
 * The processor's settings, camelCased, every field present.
 *
 * @example
 * const c: PreprocessorConfig = parsePreprocessorConfig({ size: { shortest_edge: 160 } }, "preprocessor_config.json");
 * c.size; // { shortestEdge: 160 }
 */
export interface PreprocessorConfig {
  doResize: boolean;
  size: ResizeTarget;
  resample: ResampleFilter;
  doCenterCrop: boolean;
  cropSize: { height: number; width: number };
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  imageMean: [number, number, number];
  imageStd: [number, number, number];
}

const positiveInt = z.number().int().positive();
const heightWidth = z.strictObject({ height: positiveInt, width: positiveInt });
/** `[height, width]`, as HF's `get_size_dict` reads a list. */
const heightWidthList = z
  .tuple([positiveInt, positiveInt])
  .transform(([height, width]) => ({ height, width }));
/** One number for all channels, or one per channel (HF `normalize` accepts both). */
const perChannel = z.union([
  z.number().transform((v): [number, number, number] => [v, v, v]),
  z.tuple([z.number(), z.number(), z.number()]),
]);

/** PIL's `Resampling` enum values that convolve; 0 (NEAREST) is not among them. */
const PIL_FILTERS = { 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming" } as const;

// HF's IMAGENET_STANDARD_MEAN/STD: the class default, although hub checkpoints ship ImageNet's own values.
const IMAGENET_STANDARD: [number, number, number] = [0.5, 0.5, 0.5];

const schema = z
  .object({
    do_resize: z.boolean().default(true).describe("boolean"),
    size: z
      .union([
        // A bare int means the shortest edge here (`get_size_dict(..., default_to_square=False)`).
        positiveInt.transform((shortestEdge) => ({ shortestEdge })),
        heightWidthList,
        // HF keeps a longest_edge beside shortest_edge valid, and VideoMAE's resize ignores it.
        z
          .strictObject({ shortest_edge: positiveInt, longest_edge: positiveInt.optional() })
          .transform((s) => ({ shortestEdge: s.shortest_edge })),
        heightWidth,
      ])
      .default({ shortestEdge: 224 })
      .describe('{"shortest_edge": n} or {"height": h, "width": w} with positive integers'),
    resample: z
      .literal([1, 2, 3, 4, 5])
      .transform((v): ResampleFilter => PIL_FILTERS[v])
      .default("bilinear")
      .describe(
        "1 (LANCZOS), 2 (BILINEAR), 3 (BICUBIC), 4 (BOX) or 5 (HAMMING); 0 (NEAREST) is not supported",
      ),
    do_center_crop: z.boolean().default(true).describe("boolean"),
    crop_size: z
      .union([positiveInt.transform((n) => ({ height: n, width: n })), heightWidthList, heightWidth])
      .default({ height: 224, width: 224 })
      .describe('{"height": h, "width": w} with positive integers'),
    do_rescale: z.boolean().default(true).describe("boolean"),
    rescale_factor: z
      .number()
      .default(1 / 255)
      .describe("number"),
    do_normalize: z.boolean().default(true).describe("boolean"),
    image_mean: perChannel.default(IMAGENET_STANDARD).describe("array of 3 numbers"),
    image_std: perChannel.default(IMAGENET_STANDARD).describe("array of 3 numbers"),
  })
  .transform((c): PreprocessorConfig => ({
    doResize: c.do_resize,
    size: c.size,
    resample: c.resample,
    doCenterCrop: c.do_center_crop,
    cropSize: c.crop_size,
    doRescale: c.do_rescale,
    rescaleFactor: c.rescale_factor,
    doNormalize: c.do_normalize,
    imageMean: c.image_mean,
    imageStd: c.image_std,
  }));

/**
 * Validates a parsed `preprocessor_config.json`; `file` names it in errors.
 *
 * @throws VidmaeError `E_CONFIG`, e.g. "preprocessor_config.json: field image_mean: expected array of 3 numbers"
 * @example
 * parsePreprocessorConfig({}, "preprocessor_config.json").cropSize; // { height: 224, width: 224 }
 */
export function parsePreprocessorConfig(json: unknown, file: string): PreprocessorConfig {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0].path[0];
  if (typeof field !== "string") throw new VidmaeError("E_CONFIG", `${file}: expected a JSON object`);
  const expected = schema.in.shape[field as keyof typeof schema.in.shape].description;
  throw new VidmaeError("E_CONFIG", `${file}: field ${field}: expected ${expected}`);
}

/** The settings of a config that sets nothing: HF `VideoMAEImageProcessor()`. */
export const DEFAULT_PREPROCESSOR_CONFIG: PreprocessorConfig = parsePreprocessorConfig({}, "defaults");
