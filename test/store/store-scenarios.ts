/**
 * The store contract: the behaviour every {@link EmbeddingStore} must show, written once against the interface
 * and run against each backend by contract.test.ts. Each scenario gets a new, empty store.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import type { EmbeddingSpaceSpec } from "../../src/space/spec.js";
import type { EmbeddingStore, VideoEmbeddings } from "../../src/store/types.js";
import { SPEC, embeddings, vector, videoFile } from "./helpers.js";

/** A new empty store, how it is named in error messages, and how to open it again after closing it. */
export interface StoreUnderTest {
  store: EmbeddingStore;
  where: string;
  reopen: () => Promise<EmbeddingStore>;
}

function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function isError(code: string, message: string | RegExp) {
  return (e: unknown) =>
    e instanceof VidmaeError &&
    e.code === code &&
    (typeof message === "string" ? e.message === message : message.test(e.message));
}

/**
 * Registers the scenarios under `describe(name)`.
 *
 * @param fresh - a new empty store per call
 * @param skip - a reason to skip them all (the backend is not available)
 * @example
 * storeScenarios("SqliteStore", async () => { const store = await SqliteStore.open(path); ... });
 */
export function storeScenarios(
  name: string,
  fresh: () => Promise<StoreUnderTest>,
  skip?: string | false,
): void {
  /** Runs a scenario on a fresh store and closes it, whatever happens. */
  const scenario = (title: string, body: (t: StoreUnderTest) => Promise<void>) =>
    it(title, async () => {
      const t = await fresh();
      try {
        await body(t);
      } finally {
        await t.store.close();
      }
    });

  describe(name, { skip }, () => {
    scenario("keeps everything across close and reopen", async (t) => {
      const space = await t.store.ensureSpace(SPEC);
      const [video] = await t.store.upsertVideos([
        videoFile(1, { probe: { fps: 30, codec: "h264" }, label: "cat" }),
      ]);
      const saved = embeddings(video.id, SPEC.dim);
      await t.store.saveEmbeddings(space.id, [saved]);
      await t.store.close();

      const store = await t.reopen();
      try {
        assert.deepEqual(await store.getSpace(space.id), space);
        assert.deepEqual(await store.getSpace(space.key), space);
        assert.deepEqual(await store.listSpaces(), [space]);
        assert.deepEqual(await store.getVideo(video.id), video);
        assert.deepEqual(await store.getClips(space.id, video.id), saved.clips);
        const loaded = await store.loadVectors(space.id, { level: "video" });
        assert.deepEqual(loaded.rows, [{ videoId: video.id, path: "videos/1.mp4", label: "cat" }]);
        assert.deepEqual(bytes(loaded.data), bytes(saved.videoVector));
      } finally {
        await store.close();
      }
    });

    scenario("returns one space per key and keeps spaces apart", async ({ store }) => {
      const a = await store.ensureSpace(SPEC);
      assert.deepEqual(await store.ensureSpace({ ...SPEC, model: "./local-copy" }), a, "same weights");
      const b = await store.ensureSpace({ ...SPEC, pooling: "head", dim: 8 });
      assert.notEqual(b.id, a.id);
      assert.deepEqual(
        (await store.listSpaces()).map((s) => s.id),
        [a.id, b.id],
      );

      const [video] = await store.upsertVideos([videoFile(1)]);
      await store.saveEmbeddings(a.id, [embeddings(video.id, 4)]);
      assert.equal(await store.status(b.id, video.id), null, "not attempted in the other space");
      assert.deepEqual(await store.counts(b.id), { videos: 1, ok: 0, failed: 0, pending: 1, clips: 0 });
      assert.equal((await store.loadVectors(b.id, { level: "clip" })).rows.length, 0);

      const inB = embeddings(video.id, 8, 3);
      await store.saveEmbeddings(b.id, [inB]);
      const clipsA = await store.loadVectors(a.id, { level: "clip" });
      const clipsB = await store.loadVectors(b.id, { level: "clip" });
      assert.deepEqual([clipsA.dim, clipsA.rows.length, clipsB.dim, clipsB.rows.length], [4, 2, 8, 3]);
      assert.deepEqual(bytes(clipsB.data.subarray(16, 24)), bytes(inB.clips[2].vector));
    });

    scenario("writes each natural key once, however often it is delivered", async ({ store }) => {
      const space = await store.ensureSpace(SPEC);
      const [first] = await store.upsertVideos([videoFile(1)]);
      const [again] = await store.upsertVideos([videoFile(1)]);
      assert.equal(again.id, first.id);
      assert.equal((await store.listVideos(space.id)).length, 1);

      const result = embeddings(first.id, SPEC.dim, 3);
      await store.saveEmbeddings(space.id, [result, result]);
      await store.saveEmbeddings(space.id, [result]);
      assert.deepEqual(await store.counts(space.id), { videos: 1, ok: 1, failed: 0, pending: 0, clips: 3 });
      assert.equal((await store.status(space.id, first.id))?.attempts, 3);

      // A later result with fewer clips replaces the earlier one entirely.
      await store.saveEmbeddings(space.id, [embeddings(first.id, SPEC.dim, 1)]);
      assert.equal((await store.getClips(space.id, first.id)).length, 1);
    });

    scenario("keeps a renamed file's embeddings, found by content hash", async ({ store }) => {
      const space = await store.ensureSpace(SPEC);
      const [video] = await store.upsertVideos([videoFile(1, { label: "dog", probe: { fps: 25 } })]);
      await store.saveEmbeddings(space.id, [embeddings(video.id, SPEC.dim)]);

      const [moved] = await store.upsertVideos([videoFile(1, { path: "renamed/1.mp4", mtimeMs: 5 })]);
      assert.deepEqual(
        [moved.id, moved.path, moved.mtimeMs, moved.label, moved.probe],
        [video.id, "renamed/1.mp4", 5, "dog", { fps: 25 }],
        "omitted label and probe are kept",
      );
      assert.equal((await store.findVideoByHash("hash-1"))?.id, video.id);
      assert.equal((await store.findVideoByPath("renamed/1.mp4"))?.id, video.id);
      assert.deepEqual(
        moved.paths.map((p) => [p.path, p.label]),
        [
          ["renamed/1.mp4", "dog"],
          ["videos/1.mp4", "dog"],
        ],
        "every path given is kept, the new one first; it takes the video's label",
      );
      assert.equal((await store.findVideoByPath("videos/1.mp4"))?.id, video.id);
      assert.equal((await store.status(space.id, video.id))?.status, "ok");
      assert.equal((await store.loadVectors(space.id, { level: "video" })).rows[0].path, "renamed/1.mp4");
    });

    scenario("says which label the same content at another path replaces", async ({ store }) => {
      const [cat] = await store.upsertVideos([videoFile(1, { path: "a/x.mp4", label: "cat" })]);
      assert.equal(cat.replacedLabel, undefined, "new content replaces nothing");
      // The same bytes at b/x.mp4 labelled "dog": one video, the last label wins, and the store says so.
      const [dog, again] = await store.upsertVideos([
        videoFile(1, { path: "b/x.mp4", label: "dog" }),
        videoFile(1, { path: "b/x.mp4", label: "dog" }),
      ]);
      assert.equal(dog.id, cat.id);
      assert.deepEqual([dog.path, dog.label], ["b/x.mp4", "dog"]);
      assert.deepEqual(
        dog.paths.map((p) => [p.path, p.label]),
        [
          ["b/x.mp4", "dog"],
          ["a/x.mp4", "cat"],
        ],
        "both paths are kept, each with its label",
      );
      assert.deepEqual(dog.replacedLabel, { path: "a/x.mp4", label: "cat" });
      assert.equal(again.replacedLabel, undefined, "same path and label: nothing replaced");
      assert.deepEqual(await store.getVideo(cat.id), again);
      // Relabelling at the same path, keeping the label, or moving without one replaces nothing either.
      const [relabelled] = await store.upsertVideos([videoFile(1, { path: "b/x.mp4", label: "bird" })]);
      const [unlabelled] = await store.upsertVideos([videoFile(1, { path: "c/x.mp4" })]);
      const [same] = await store.upsertVideos([videoFile(1, { path: "d/x.mp4", label: "bird" })]);
      assert.deepEqual(
        [relabelled, unlabelled, same].map((v) => [v.label, v.replacedLabel]),
        [
          ["bird", undefined],
          ["bird", undefined],
          ["bird", undefined],
        ],
      );
      // Clearing the label from another path is a replacement too: nothing goes silently.
      const [cleared] = await store.upsertVideos([videoFile(1, { path: "e/x.mp4", label: null })]);
      assert.deepEqual(cleared.replacedLabel, { path: "d/x.mp4", label: "bird" });
    });

    scenario("keeps every path of the same content with its own label", async ({ store }) => {
      const space = await store.ensureSpace(SPEC);
      const [cat] = await store.upsertVideos([videoFile(1, { path: "a/x.mp4", label: "cat" })]);
      await store.saveEmbeddings(space.id, [embeddings(cat.id, SPEC.dim)]);
      const [dog] = await store.upsertVideos([videoFile(1, { path: "b/x.mp4", label: "dog" })]);
      const pathsOf = (v: { paths: { path: string; label: string | null }[] } | null) =>
        v?.paths.map((p) => `${p.path}=${p.label}`);
      assert.equal(dog.id, cat.id, "one content, one video");
      assert.deepEqual([dog.path, dog.label], ["b/x.mp4", "dog"], "the primary path and label: given last");
      assert.deepEqual(pathsOf(dog), ["b/x.mp4=dog", "a/x.mp4=cat"]);
      // A path given again without a label keeps its own; a new one takes the video's.
      const [again, copy] = await store.upsertVideos([
        videoFile(1, { path: "a/x.mp4" }),
        videoFile(1, { path: "c/x.mp4" }),
      ]);
      assert.deepEqual(pathsOf(again), ["a/x.mp4=cat", "b/x.mp4=dog"]);
      assert.deepEqual([copy.path, copy.label], ["c/x.mp4", "dog"]);
      const [listed] = await store.listVideos(space.id);
      assert.deepEqual(pathsOf(listed), ["c/x.mp4=dog", "b/x.mp4=dog", "a/x.mp4=cat"]);
      const { status: _status, ...record } = listed;
      assert.deepEqual(await store.getVideo(cat.id), record, "listed and read alike");
      assert.equal((await store.findVideoByPath("a/x.mp4"))?.id, cat.id);
      assert.deepEqual((await store.loadVectors(space.id, { level: "video" })).rows, [
        { videoId: cat.id, path: "c/x.mp4", label: "dog" },
      ]);

      // A path whose file now holds other content moves to that content; the old video keeps the rest.
      const [other] = await store.upsertVideos([videoFile(2, { path: "c/x.mp4" })]);
      assert.notEqual(other.id, cat.id);
      assert.deepEqual(
        [pathsOf(other), other.label],
        [["c/x.mp4=null"], null],
        "labels describe content: the moved path takes its new video's label (none)",
      );
      const left = await store.getVideo(cat.id);
      assert.deepEqual([left?.path, left?.label], ["b/x.mp4", "dog"], "the newest remaining path is primary");
      assert.deepEqual(pathsOf(left), ["b/x.mp4=dog", "a/x.mp4=cat"]);
      // When no remaining path has the video's label, it takes the newest labelled remaining path's.
      await store.upsertVideos([videoFile(3, { path: "b/x.mp4" })]);
      const last = await store.getVideo(cat.id);
      assert.deepEqual([last?.path, last?.label, pathsOf(last)], ["a/x.mp4", "cat", ["a/x.mp4=cat"]]);

      // setLabel labels the video and every one of its paths.
      await store.upsertVideos([videoFile(1, { path: "d/x.mp4", label: "bird" })]);
      await store.setLabel(cat.id, "fish");
      assert.deepEqual(pathsOf(await store.getVideo(cat.id)), ["d/x.mp4=fish", "a/x.mp4=fish"]);
      assert.equal((await store.getVideo(cat.id))?.label, "fish");
    });

    scenario("lets a path go to new content and keeps the old content's vectors", async ({ store }) => {
      const space = await store.ensureSpace(SPEC);
      const [old] = await store.upsertVideos([videoFile(1)]);
      await store.saveEmbeddings(space.id, [embeddings(old.id, SPEC.dim)]);

      const [replacement] = await store.upsertVideos([videoFile(2, { path: "videos/1.mp4" })]);
      assert.notEqual(replacement.id, old.id);
      assert.equal((await store.getVideo(old.id))?.path, null);
      assert.deepEqual(
        (await store.listVideos(space.id)).map((v) => v.id),
        [replacement.id],
      );
      assert.equal((await store.loadVectors(space.id, { level: "video" })).rows.length, 0);
      assert.deepEqual(await store.counts(space.id), { videos: 1, ok: 0, failed: 0, pending: 1, clips: 0 });

      const [back] = await store.upsertVideos([videoFile(1, { path: "elsewhere/1.mp4" })]);
      assert.equal(back.id, old.id);
      assert.equal((await store.loadVectors(space.id, { level: "video" })).rows[0].path, "elsewhere/1.mp4");
    });

    scenario("records a failure and replaces it when a retry succeeds", async ({ store }) => {
      const space = await store.ensureSpace(SPEC);
      const [a, b] = await store.upsertVideos([videoFile(1), videoFile(2)]);
      const failed = await store.saveFailure(space.id, a.id, {
        code: "E_VIDEO",
        message: "moov atom not found",
      });
      assert.deepEqual(
        { ...failed, updatedAt: "" },
        {
          spaceId: space.id,
          videoId: a.id,
          status: "failed",
          errorCode: "E_VIDEO",
          errorMessage: "moov atom not found",
          attempts: 1,
          tooShort: false,
          updatedAt: "",
        },
      );
      assert.ok(!Number.isNaN(Date.parse(failed.updatedAt)), "an ISO timestamp");
      assert.deepEqual(
        (await store.listVideos(space.id, { status: "failed" })).map((v) => [v.id, v.status?.errorCode]),
        [[a.id, "E_VIDEO"]],
      );
      assert.deepEqual(
        (await store.listVideos(space.id, { status: "pending" })).map((v) => v.id),
        [b.id],
      );

      await store.saveEmbeddings(space.id, [{ ...embeddings(a.id, SPEC.dim), tooShort: true }]);
      const retried = await store.status(space.id, a.id);
      assert.deepEqual(
        [retried?.status, retried?.errorCode, retried?.errorMessage, retried?.attempts, retried?.tooShort],
        ["ok", null, null, 2, true],
      );
      assert.deepEqual(
        (await store.listVideos(space.id, { status: "ok" })).map((v) => v.id),
        [a.id],
      );

      // A failure after success leaves no vectors behind: `ok` and vectors always go together.
      await store.saveFailure(space.id, a.id, { code: "E_INFERENCE", message: "out of memory" });
      assert.deepEqual(await store.counts(space.id), { videos: 2, ok: 0, failed: 1, pending: 1, clips: 0 });
      assert.equal((await store.loadVectors(space.id, { level: "video" })).rows.length, 0);
    });

    scenario(
      "loads vectors bit for bit, ordered by video, clip and crop, across pages",
      async ({ store }) => {
        const spec: EmbeddingSpaceSpec = { ...SPEC, sampling: { ...SPEC.sampling, crops: 3 }, dim: 3 };
        const space = await store.ensureSpace(spec);
        const videos = await store.upsertVideos(
          Array.from({ length: 800 }, (_, i) => videoFile(i, { label: `c${i % 3}` })),
        );
        const pathOf = new Map(videos.map((v) => [v.id, v]));
        // Arbitrary bit patterns (NaN payloads, -0, subnormals, infinities) must come back unchanged.
        const random = new Uint32Array(spec.dim);
        const batch: VideoEmbeddings[] = videos.map((v) => {
          const e = embeddings(v.id, spec.dim, 2, 3);
          for (const clip of e.clips) {
            for (let j = 0; j < random.length; j++) random[j] = (Math.random() * 2 ** 32) >>> 0;
            clip.vector = new Float32Array(random.slice().buffer);
          }
          return { ...e, clips: [...e.clips].reverse() };
        });
        // Saved newest video first, so insertion order differs from the expected order.
        for (let i = batch.length - 100; i >= 0; i -= 100)
          await store.saveEmbeddings(space.id, batch.slice(i, i + 100));

        const loaded = await store.loadVectors(space.id, { level: "clip" });
        assert.equal(loaded.rows.length, 800 * 6, "more rows than one page");
        const expected = batch.flatMap((e) => [...e.clips].reverse().map((c) => ({ e, c })));
        assert.deepEqual(
          loaded.rows,
          expected.map(({ e, c }) => ({
            videoId: e.videoId,
            path: pathOf.get(e.videoId)!.path,
            label: pathOf.get(e.videoId)!.label,
            clipIndex: c.clipIndex,
            crop: c.crop,
            startSec: c.startSec,
            endSec: c.endSec,
          })),
        );
        assert.ok(bytes(loaded.data).equals(Buffer.concat(expected.map(({ c }) => bytes(c.vector)))));

        const perVideo = await store.loadVectors(space.id, { level: "video" });
        assert.ok(bytes(perVideo.data).equals(Buffer.concat(batch.map((e) => bytes(e.videoVector)))));
        assert.deepEqual(perVideo.rows[0], { videoId: videos[0].id, path: "videos/0.mp4", label: "c0" });
      },
    );

    scenario("stores probe metadata and labels", async ({ store, where }) => {
      const [video] = await store.upsertVideos([videoFile(1, { probe: { fps: 29.97, size: [640, 480] } })]);
      assert.deepEqual(video.probe, { fps: 29.97, size: [640, 480] });
      assert.equal(video.label, null);
      await store.setLabel(video.id, "walking");
      assert.equal((await store.getVideo(video.id))?.label, "walking");
      const [cleared] = await store.upsertVideos([videoFile(1, { probe: null, label: null })]);
      assert.equal(cleared.probe, null);
      assert.equal(cleared.label, null);
      await assert.rejects(store.setLabel(999, "x"), isError("E_STORE", `No video with id 999 in ${where}`));
    });

    scenario("rejects bad input with messages that name the field", async ({ store, where }) => {
      const space = await store.ensureSpace(SPEC);
      const [video] = await store.upsertVideos([videoFile(1)]);
      const good = embeddings(video.id, SPEC.dim);

      await assert.rejects(
        store.saveEmbeddings(space.id, [{ ...good, clips: [{ ...good.clips[0], vector: vector(3, 0) }] }]),
        isError(
          "E_SHAPE",
          `Vector batch[0].clips[0].vector has 3 values but space ${space.id} has dimension 4`,
        ),
      );
      await assert.rejects(
        store.saveEmbeddings(space.id, [{ ...good, clips: [] }]),
        isError(
          "E_INVALID_ARGUMENT",
          "Expected non-empty array for batch[0].clips but received an array of length 0",
        ),
      );
      await assert.rejects(
        store.saveEmbeddings(space.id, [{ ...good, videoVector: [1, 2, 3, 4] as unknown as Float32Array }]),
        isError(
          "E_INVALID_ARGUMENT",
          "Expected Float32Array for batch[0].videoVector but received an array of length 4",
        ),
      );
      await assert.rejects(
        store.upsertVideos([videoFile(2, { sizeBytes: -1 })]),
        isError(
          "E_INVALID_ARGUMENT",
          "Expected non-negative integer for files[0].sizeBytes but received -1 of type number",
        ),
      );
      await assert.rejects(
        store.loadVectors(space.id, { level: "frame" as "video" }),
        isError(
          "E_INVALID_ARGUMENT",
          'Expected one of: video, clip for level but received "frame" of type string',
        ),
      );
      await assert.rejects(
        store.listVideos(space.id, { status: "done" as "ok" }),
        isError(
          "E_INVALID_ARGUMENT",
          'Expected one of: ok, failed, pending for status but received "done" of type string',
        ),
      );
      await assert.rejects(
        store.loadVectors(42, { level: "video" }),
        isError("E_STORE", `No embedding space with id 42 in ${where}`),
      );
      // The driver's own wording of the foreign key violation follows the prefix.
      const prefix = `Cannot save embeddings in space ${space.id} in ${where}: `;
      await assert.rejects(
        store.saveEmbeddings(space.id, [embeddings(999, SPEC.dim)]),
        isError("E_STORE", new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*foreign key`, "i")),
      );
      assert.deepEqual(
        await store.counts(space.id),
        { videos: 1, ok: 0, failed: 0, pending: 1, clips: 0 },
        "nothing half-saved",
      );
    });
  });
}
