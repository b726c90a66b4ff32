/**
 * The objective of {@link import("./logistic-regression.js").LogisticRegression}: the L2-penalised log-loss and
 * its gradient over [W (k × d, row-major), b (k)]. Its data term (Σᵢ logloss and its gradient) is two matrix
 * products per evaluation, X Wᵀ + b and Rᵀ X for the residuals R, batched over all k score columns: on the
 * float64 JS kernels for small problems, and for large ones in one onnxruntime graph on its float64 GEMM (float64
 * as scipy's BLAS, so L-BFGS takes the same path up to summation order). The graph keeps X, Xᵀ and the one-hot
 * targets resident in the worker, so an evaluation ships only W and b and takes back the loss and gradient.
 */
import onnxProto from "onnx-proto";
import { GraphBuilder, int } from "../../model/onnx/graph.js";
import { BlockingSession, releaseResident } from "../../numeric/blocking-session.js";
import type { Objective } from "../../numeric/lbfgs.js";
import { multiplyABt, multiplyAtB, transpose } from "../../numeric/linalg.js";
import type { DenseMatrix } from "../../numeric/matrix.js";

type F64 = DenseMatrix<Float64Array>;

const DOUBLE = onnxProto.onnx.TensorProto.DataType.DOUBLE;

/**
 * Multiply-adds per product (n·d·k) from which the native graph is used: below it the JS kernels finish a whole
 * fit in about the time the worker takes to start.
 */
export const NATIVE_MIN_WORK = 2 ** 24;

/**
 * Σᵢ logloss for W (k × d) and bias b (zero when absent); writes ∂/∂W into `gradW` and ∂/∂b into `gradB`.
 * `release` frees what it holds outside the JS heap.
 */
interface DataTerm {
  (W: Float64Array, b: Float64Array | undefined, gradW: Float64Array, gradB: Float64Array): number;
  release(): void;
}

/** log(1 + eᶻ) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function jsDataTerm(X: F64, yIndex: Int32Array, k: number): DataTerm {
  const { rows: n, cols: d } = X;
  const scores: F64 = { data: new Float64Array(n * k), rows: n, cols: k };
  const s = scores.data;
  const term = (W: Float64Array, b: Float64Array | undefined, gradW: Float64Array, gradB: Float64Array) => {
    multiplyABt(X, { data: W, rows: k, cols: d }, b, scores);
    let loss = 0;
    // Turn scores into residuals (predicted probability minus target) in place.
    if (k === 1) {
      for (let i = 0; i < n; i++) {
        const z = s[i];
        const y = yIndex[i];
        loss += softplus(z) - y * z;
        s[i] = (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))) - y;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const o = i * k;
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, s[o + c]);
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp(s[o + c] - max);
          s[o + c] = e;
          sum += e;
        }
        const y = yIndex[i];
        loss += Math.log(sum) - Math.log(s[o + y]);
        for (let c = 0; c < k; c++) s[o + c] /= sum;
        s[o + y] -= 1;
      }
    }
    multiplyAtB(scores, X, { data: gradW, rows: k, cols: d });
    gradB.fill(0);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) gradB[c] += s[i * k + c];
    return loss;
  };
  return Object.assign(term, { release: () => undefined });
}

/**
 * The data term as one graph. Inputs x [n, d], xt [d, n], y [n, c] (one-hot, c = max(k, 2)), w [k, d], b [k];
 * outputs loss (scalar), gw = Xᵀ R [d, k] and gb = Σᵢ R [k]. A binary model's single score z is scored as the
 * two classes (0, z), whose softmax is the sigmoid; its residual is the second column.
 */
function dataTermGraph(binary: boolean): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input("x", DOUBLE, ["n", "d"]);
  const xt = g.input("xt", DOUBLE, ["d", "n"]);
  const y = g.input("y", DOUBLE, ["n", "c"]);
  const w = g.input("w", DOUBLE, ["k", "d"]);
  const b = g.input("b", DOUBLE, ["k"]);
  const rowsAxis = g.int64s("rows_axis", [0]);
  const classAxis = g.int64s("class_axis", [1]);
  let s = g.node("Gemm", [x, w, b], "z", { transB: int(1) });
  if (binary) s = g.node("Concat", [g.node("Sub", [s, s], "zero"), s], "s", { axis: int(1) });
  const max = g.node("ReduceMax", [s, classAxis], "max", { keepdims: int(1) });
  const e = g.node("Exp", [g.node("Sub", [s, max], "shifted")], "e");
  const sum = g.node("ReduceSum", [e, classAxis], "sum", { keepdims: int(1) });
  let r = g.node("Sub", [g.node("Div", [e, sum], "p"), y], "r");
  // logloss_i = log Σ_c e^(s_ic − max_i) + max_i − s_i,yᵢ
  const target = g.node("ReduceSum", [g.node("Mul", [s, y], "sy"), classAxis], "target", {
    keepdims: int(1),
  });
  const each = g.node("Sub", [g.node("Add", [g.node("Log", [sum], "log_sum"), max], "lse"), target], "each");
  g.output(g.node("ReduceSum", [each], "loss", { keepdims: int(0) }), DOUBLE, []);
  if (binary) r = g.node("Slice", [r, classAxis, g.int64s("end", [2]), classAxis], "r1");
  g.output(g.node("MatMul", [xt, r], "gw"), DOUBLE, ["d", "k"]);
  g.output(g.node("ReduceSum", [r, rowsAxis], "gb", { keepdims: int(0) }), DOUBLE, ["k"]);
  return g.toModel({ producer: "vidmae-classify", graphName: binary ? "logloss_binary" : "logloss" });
}

const sessions: Partial<Record<"binary" | "multinomial", BlockingSession>> = {};

function nativeDataTerm(X: F64, yIndex: Int32Array, k: number): DataTerm {
  const { rows: n, cols: d } = X;
  const binary = k === 1;
  const session = (sessions[binary ? "binary" : "multinomial"] ??= new BlockingSession(
    dataTermGraph(binary),
  ));
  // The worker loads onnxruntime and the session while this thread builds the resident inputs.
  session.prepare();
  const c = Math.max(k, 2);
  const oneHot = new Float64Array(n * c);
  for (let i = 0; i < n; i++) oneHot[i * c + yIndex[i]] = 1;
  // Fresh copies moved (not copied again) into the worker; the emptied arrays stay the keys of their uploads.
  const resident = {
    x: { data: X.data.slice(), dims: [n, d], resident: "move" as const },
    xt: { data: transpose(X).data, dims: [d, n], resident: "move" as const },
    y: { data: oneHot, dims: [n, c], resident: "move" as const },
  };
  const zeros = new Float64Array(k);
  const term = (W: Float64Array, b: Float64Array | undefined, gradW: Float64Array, gradB: Float64Array) => {
    const [loss, gw, gb] = session.run(
      { ...resident, w: { data: W, dims: [k, d] }, b: { data: b ?? zeros, dims: [k] } },
      ["loss", "gw", "gb"],
    );
    for (let cl = 0; cl < k; cl++) for (let j = 0; j < d; j++) gradW[cl * d + j] = gw[j * k + cl];
    gradB.set(gb);
    return loss[0];
  };
  const release = () => Object.values(resident).forEach((feed) => releaseResident(feed.data));
  return Object.assign(term, { release });
}

/**
 * The penalised log-loss Σᵢ logloss(xᵢ, yᵢ) + ‖W‖² / (2C) (intercept unpenalised) and its gradient, where k is 1
 * for a binary model (scoring the second class) and the number of classes otherwise.
 *
 * @param native - force onnxruntime on (true) or off (false); by default chosen by n·d·k ≥ {@link NATIVE_MIN_WORK}
 * @returns the objective, with `release()` to free the worker's copies of the data once the fit is done
 * @throws VidmaeError `E_INFERENCE` (from the objective) when onnxruntime fails
 * @example
 * const f = logLoss(X, yIndex, 3, 1, true);
 * const loss = f(w, grad); // w and grad of length 3 * X.cols + 3
 * f.release();
 */
export function logLoss(
  X: F64,
  yIndex: Int32Array,
  k: number,
  C: number,
  fitIntercept: boolean,
  native = X.rows * X.cols * k >= NATIVE_MIN_WORK,
): Objective & { release(): void } {
  const d = X.cols;
  const term = native ? nativeDataTerm(X, yIndex, k) : jsDataTerm(X, yIndex, k);
  const gradB = new Float64Array(k);
  const objective: Objective = (w, grad) => {
    const W = w.subarray(0, k * d);
    const loss = term(W, fitIntercept ? w.subarray(k * d) : undefined, grad.subarray(0, k * d), gradB);
    let norm = 0;
    for (let j = 0; j < k * d; j++) {
      norm += w[j] * w[j];
      grad[j] += w[j] / C;
    }
    if (fitIntercept) grad.set(gradB, k * d);
    return loss + (0.5 * norm) / C;
  };
  return Object.assign(objective, { release: term.release });
}
