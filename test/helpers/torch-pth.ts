/**
 * Writes training-style `.pth` files as the original VideoMAE / VideoMAE V2 code saves them: `torch.save` of
 * `{"model" | "module": state_dict, "epoch": …, "args": Namespace(…), "optimizer": {…}}` (or the bare state dict),
 * the state dict an OrderedDict with `_metadata`, every tensor float32 in its own storage.
 */
import {
  PickleWriter,
  type WrittenTensor,
  writeCheckpoint,
  writeTensor,
} from "../model/weights/torch-bin-writer.js";

/** Options of {@link writePth}. */
export interface PthOptions {
  /** Top-level key holding the state dict; null: the state dict is the whole pickle. */
  wrap: "model" | "module" | null;
  /** Prefix every key (e.g. `encoder.` for a pre-training checkpoint). */
  prefix?: string;
}

/** BINFLOAT: 8 bytes big-endian. */
function binFloat(w: PickleWriter, x: number): PickleWriter {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, false);
  return w.raw(0x47, ...b);
}

/**
 * The bytes of a `.pth` holding `tensors` (values with shapes).
 *
 * @example
 * const bytes = writePth(new Map([["head.bias", { shape: [2], data: new Float32Array(2) }]]), { wrap: "module" });
 */
export function writePth(
  tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
  options: PthOptions,
): Uint8Array {
  const storages: Record<string, Uint8Array> = {};
  const written: WrittenTensor[] = [];
  for (const [name, t] of tensors) {
    const storage = String(written.length);
    storages[storage] = new Uint8Array(
      t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength),
    );
    written.push({
      name: (options.prefix ?? "") + name,
      storage,
      storageType: "FloatStorage",
      shape: t.shape,
    });
  }
  const w = new PickleWriter().proto(2);
  if (options.wrap) w.raw(0x7d).mark().str(options.wrap);
  w.emptyOrderedDict().mark();
  for (const t of written) writeTensor(w.str(t.name), t, storages);
  w.raw(0x75).raw(0x7d).str("_metadata").emptyOrderedDict().raw(0x73, 0x62);
  if (options.wrap) {
    w.str("epoch").int(29);
    binFloat(w.str("optimizer").raw(0x7d).str("param_groups").raw(0x5d).raw(0x7d).str("lr"), 1e-3).raw(
      0x73,
      0x61,
      0x73,
    );
    w.str("args")
      .global("argparse", "Namespace")
      .raw(0x29, 0x81)
      .raw(0x7d)
      .str("model")
      .str("vit_base_patch16_224");
    w.raw(0x73, 0x62);
    w.raw(0x75);
  }
  return writeCheckpoint({ pickle: w.raw(0x2e).bytes(), storages, archive: "checkpoint" });
}
