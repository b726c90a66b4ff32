import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stepProgress } from "../../src/cli/progress.js";

/** A stream that records what is written; `isTTY` says whether it pretends to be a terminal. */
function fakeStream(isTTY: boolean): { isTTY: boolean; text: string; write(s: string): boolean } {
  return {
    isTTY,
    text: "",
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

describe("stepProgress", () => {
  test("on a TTY draws a bar with the label and the count, and stops at the total", () => {
    const stderr = fakeStream(true);
    const p = stepProgress({ stderr }, "folds", 3);
    p.tick();
    p.tick(2);
    const drawn = stderr.text;
    assert.match(drawn, /folds \[/);
    assert.match(drawn, /3\/3/);
    p.tick();
    p.done();
    assert.equal(stderr.text.includes("4/3"), false, "nothing is drawn once the total is reached");
  });

  test("update starts a bar of unknown length as a 'label…' line and replaces that line with the bar", () => {
    const stderr = fakeStream(true);
    const p = stepProgress({ stderr }, "fitting tsne", 0);
    assert.equal(stderr.text, "fitting tsne…");
    p.update(10, 1000);
    assert.match(stderr.text, /^fitting tsne…\r\x1b\[K/);
    assert.match(stderr.text, /10\/1000/);
    p.update(1000, 1000);
    assert.match(stderr.text, /1000\/1000/);
    p.done();
  });

  test("a 'label…' line that never gets a total is erased by done", () => {
    const stderr = fakeStream(true);
    const p = stepProgress({ stderr }, "loading vectors", 0);
    p.done();
    p.done();
    assert.equal(stderr.text, "loading vectors…\r\x1b[K");
  });

  test("the label is escaped: it cannot move the cursor", () => {
    const stderr = fakeStream(true);
    stepProgress({ stderr }, "evil\x1b[2Jname", 0).done();
    assert.equal(stderr.text.includes("\x1b[2J"), false);
  });

  test("writes nothing when stderr is not a TTY, or with --json", () => {
    for (const [isTTY, json] of [
      [false, false],
      [true, true],
    ]) {
      const stderr = fakeStream(isTTY);
      const p = stepProgress({ stderr }, "rows", 0, { json });
      p.update(1, 4);
      p.tick(3);
      p.done();
      assert.equal(stderr.text, "", `isTTY ${isTTY}, json ${json}`);
    }
  });
});
