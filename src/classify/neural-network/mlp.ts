/**
 * MLPClassifier trained with Adam, following scikit-learn 1.2 step for step: Glorot-uniform initialisation,
 * per-epoch shuffling, mini-batches of min(200, n), softmax (or, for two classes, one logistic unit) with
 * log-loss plus an L2 penalty, and sklearn's stopping rules. Random draws replay numpy's `RandomState`, so a
 * given `randomState` starts from sklearn's exact initial weights and batch order; the runs then differ only
 * by floating-point summation order.
 */
import { VidmaeError, invalidParameterError } from "../../errors.js";
import {
  BaseEstimator,
  decodeLabels,
  decodeMatrix,
  decodeVector,
  encodeMatrix,
  encodeVector,
  type Classifier,
  type Label,
  labelsFromScores,
} from "../base.js";
import { type DenseMatrix, type Matrix } from "../../numeric/matrix.js";
import { takeRows } from "../model-selection/cross-validation.js";
import { multiplyABt, multiplyAtB, softmaxRows } from "../../numeric/linalg.js";
import { warnConvergence } from "../linear/linear.js";
import { accuracyScore } from "../metrics/classification.js";
import { RandomState } from "../../numeric/random-state.js";
import { stratifiedShuffleSplit } from "../model-selection/stratified-shuffle-split.js";
import { checkClassificationTargets, checkXy, checkFittedInput } from "../validation.js";
import { param, type ParamsOf } from "../params.js";

type Activation = "identity" | "logistic" | "tanh" | "relu";
type F64 = DenseMatrix<Float64Array>;

const isUnitInterval = (v: unknown, closedLow: boolean): boolean =>
  typeof v === "number" && (closedLow ? v >= 0 : v > 0) && v < 1;

const SCHEMA = {
  hiddenLayerSizes: param.custom<number[]>(
    [100],
    "array of positive integers",
    (v) => Array.isArray(v) && v.every((n) => Number.isSafeInteger(n) && n >= 1),
  ),
  activation: param.oneOf<Activation>("relu", ["identity", "logistic", "tanh", "relu"]),
  solver: param.oneOf<"adam">("adam", ["adam"]),
  alpha: param.nonNegativeFloat(1e-4),
  batchSize: param.custom<"auto" | number>(
    "auto",
    '"auto" or positive integer',
    (v) => v === "auto" || (Number.isSafeInteger(v) && (v as number) >= 1),
  ),
  learningRateInit: param.positiveFloat(1e-3),
  maxIter: param.positiveInt(200),
  tol: param.nonNegativeFloat(1e-4),
  nIterNoChange: param.positiveInt(10),
  earlyStopping: param.boolean(false),
  validationFraction: param.custom(0.1, "float in (0, 1)", (v) => isUnitInterval(v, false)),
  beta1: param.custom(0.9, "float in [0, 1)", (v) => isUnitInterval(v, true)),
  beta2: param.custom(0.999, "float in [0, 1)", (v) => isUnitInterval(v, true)),
  epsilon: param.positiveFloat(1e-8),
  shuffle: param.boolean(true),
  randomState: param.randomState(),
} as const;

/**
 * Options of {@link MLPClassifier}, sklearn's names in camelCase and sklearn's defaults. Only the `adam` solver
 * is implemented. `randomState` null means seed 0 (sklearn's None would draw a fresh seed).
 *
 * @example
 * new MLPClassifier({ hiddenLayerSizes: [256, 64], earlyStopping: true, randomState: 1 });
 */
export type MLPClassifierParams = ParamsOf<typeof SCHEMA>;

/** Applies the hidden activation in place. */
function activate(values: Float64Array, activation: Activation): void {
  for (let i = 0; i < values.length; i++) {
    const z = values[i];
    if (activation === "relu") values[i] = z > 0 ? z : 0;
    else if (activation === "tanh") values[i] = Math.tanh(z);
    else if (activation === "logistic") values[i] = 1 / (1 + Math.exp(-z));
  }
}

/** Multiplies `delta` in place by the activation's derivative, written in terms of the activation output `a`. */
function applyDerivative(delta: Float64Array, a: Float64Array, activation: Activation): void {
  for (let i = 0; i < delta.length; i++) {
    if (activation === "relu") {
      if (a[i] === 0) delta[i] = 0;
    } else if (activation === "tanh") delta[i] *= 1 - a[i] * a[i];
    else if (activation === "logistic") delta[i] *= a[i] * (1 - a[i]);
  }
}

/** `A B` for row-major A (n × k) and B (k × m), skipping zero entries of A (the back-propagated deltas). */
function multiplyAB(A: F64, B: F64, out: F64): void {
  const { rows: n, cols: k } = A;
  const m = B.cols;
  out.data.fill(0);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let p = 0; p < k; p++) {
      const a = A.data[i * k + p];
      if (a === 0) continue;
      const b = p * m;
      for (let j = 0; j < m; j++) out.data[o + j] += a * B.data[b + j];
    }
  }
}

/** A view of the first `rows` rows of a buffer as a matrix with `cols` columns. */
function view(buffer: Float64Array, rows: number, cols: number): F64 {
  return { data: buffer.subarray(0, rows * cols), rows, cols };
}

/** Row-major transpose. */
function transpose(M: F64): F64 {
  const { data, rows, cols } = M;
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return { data: out, rows: cols, cols: rows };
}

/**
 * The network during training: weights kept transposed (fanOut × fanIn) so both the forward pass and the weight
 * gradient run as contiguous dot products, with reusable per-batch buffers.
 */
class Network {
  readonly layers: number;
  /** Transposed weights per layer, then biases per layer (the order Adam walks its parameters in). */
  readonly params: Float64Array[];
  readonly grads: Float64Array[];
  private readonly units: number[];
  private readonly activations: Float64Array[];
  private readonly deltas: Float64Array[];

  constructor(
    units: number[],
    rng: RandomState,
    private readonly activation: Activation,
    private readonly alpha: number,
    batchSize: number,
  ) {
    this.units = units;
    this.layers = units.length - 1;
    const weights: Float64Array[] = [];
    const biases: Float64Array[] = [];
    for (let l = 0; l < this.layers; l++) {
      const fanIn = units[l];
      const fanOut = units[l + 1];
      // Glorot uniform; sklearn uses factor 2 for logistic units, 6 otherwise, and draws in (fanIn, fanOut) order.
      const bound = Math.sqrt((activation === "logistic" ? 2 : 6) / (fanIn + fanOut));
      const w = new Float64Array(fanIn * fanOut);
      for (let i = 0; i < fanIn; i++)
        for (let j = 0; j < fanOut; j++) w[j * fanIn + i] = rng.uniform(-bound, bound);
      const b = new Float64Array(fanOut);
      for (let j = 0; j < fanOut; j++) b[j] = rng.uniform(-bound, bound);
      weights.push(w);
      biases.push(b);
    }
    this.params = [...weights, ...biases];
    this.grads = this.params.map((p) => new Float64Array(p.length));
    this.activations = units.slice(1).map((u) => new Float64Array(batchSize * u));
    this.deltas = units.slice(1).map((u) => new Float64Array(batchSize * u));
  }

  weight(l: number): F64 {
    return { data: this.params[l], rows: this.units[l + 1], cols: this.units[l] };
  }

  bias(l: number): Float64Array {
    return this.params[this.layers + l];
  }

  /** Forward pass of a batch into the activation buffers; returns the output layer. */
  forward(X: F64): F64 {
    let input = X;
    for (let l = 0; l < this.layers; l++) {
      const out = view(this.activations[l], X.rows, this.units[l + 1]);
      multiplyABt(input, this.weight(l), this.bias(l), out);
      if (l < this.layers - 1) activate(out.data, this.activation);
      else outputActivation(out);
      input = out;
    }
    return input;
  }

  /**
   * Penalised log-loss of the batch and its gradients (into `grads`), as sklearn's `_backprop`: the output
   * delta is `probabilities − targets`, each weight gradient `(aᵀ δ + α W) / n`, each bias gradient `mean(δ)`.
   */
  backprop(X: F64, targets: F64): number {
    const n = X.rows;
    const output = this.forward(X);
    let loss = logLoss(targets, output);
    let squares = 0;
    for (let l = 0; l < this.layers; l++) for (const w of this.params[l]) squares += w * w;
    loss += (0.5 * this.alpha * squares) / n;
    const last = this.layers - 1;
    const outDelta = view(this.deltas[last], n, this.units[this.layers]);
    for (let i = 0; i < outDelta.data.length; i++) outDelta.data[i] = output.data[i] - targets.data[i];
    for (let l = last; l >= 0; l--) {
      const delta = view(this.deltas[l], n, this.units[l + 1]);
      const input = l === 0 ? X : view(this.activations[l - 1], n, this.units[l]);
      const W = this.weight(l);
      const gradW = { data: this.grads[l], rows: W.rows, cols: W.cols };
      multiplyAtB(delta, input, gradW);
      for (let i = 0; i < gradW.data.length; i++)
        gradW.data[i] = (gradW.data[i] + this.alpha * W.data[i]) / n;
      const gradB = this.grads[this.layers + l];
      gradB.fill(0);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < delta.cols; j++) gradB[j] += delta.data[i * delta.cols + j];
      for (let j = 0; j < gradB.length; j++) gradB[j] /= n;
      if (l > 0) {
        const previous = view(this.deltas[l - 1], n, this.units[l]);
        multiplyAB(delta, W, previous);
        applyDerivative(previous.data, input.data, this.activation);
      }
    }
    return loss;
  }
}

/** Softmax over several outputs; the logistic function of a single one (two classes). */
function outputActivation(out: F64): void {
  if (out.cols > 1) softmaxRows(out);
  else activate(out.data, "logistic");
}

/** Mean cross-entropy with probabilities clipped to [ε, 1 − ε], as sklearn's log_loss / binary_log_loss. */
function logLoss(targets: F64, probabilities: F64): number {
  const eps = Number.EPSILON;
  const { data: t } = targets;
  const { data: p } = probabilities;
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - eps, Math.max(eps, p[i]));
    if (t[i] !== 0) sum += t[i] * Math.log(q);
    if (probabilities.cols === 1 && t[i] !== 1) sum += (1 - t[i]) * Math.log(1 - q);
  }
  return -sum / probabilities.rows;
}

/** sklearn's Adam: bias-corrected step size, updates applied after each batch. */
class Adam {
  private t = 0;
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];

  constructor(
    private readonly params: Float64Array[],
    private readonly learningRate: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
  ) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  update(grads: Float64Array[]): void {
    this.t++;
    const { beta1, beta2, epsilon } = this;
    const step = (this.learningRate * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    this.params.forEach((p, k) => {
      const g = grads[k];
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < p.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        p[i] += (-step * m[i]) / (Math.sqrt(v[i]) + epsilon);
      }
    });
  }
}

/** Copies the given rows of `X` and of the one-hot targets into batch buffers. */
function gather(
  X: F64,
  targets: F64,
  rows: ArrayLike<number>,
  bx: Float64Array,
  by: Float64Array,
): [F64, F64] {
  const { cols: d } = X;
  const k = targets.cols;
  for (let i = 0; i < rows.length; i++) {
    bx.set(X.data.subarray(rows[i] * d, (rows[i] + 1) * d), i * d);
    by.set(targets.data.subarray(rows[i] * k, (rows[i] + 1) * k), i * k);
  }
  return [view(bx, rows.length, d), view(by, rows.length, k)];
}

/**
 * Multi-layer perceptron classifier.
 *
 * @example
 * const mlp = new MLPClassifier({ hiddenLayerSizes: [100], maxIter: 200, randomState: 0 }).fit(X, y);
 * mlp.predict(Xtest);
 * mlp.lossCurve_.at(-1); // final training loss
 */
export class MLPClassifier extends BaseEstimator<typeof SCHEMA> implements Classifier {
  /** Sorted distinct training labels. */
  classes_?: Label[];
  /** Weight matrix of each layer, fanIn × fanOut (sklearn's layout). */
  coefs_?: F64[];
  /** Bias vector of each layer. */
  intercepts_?: Float64Array[];
  /** Training loss after each epoch. */
  lossCurve_?: number[];
  /** Final training loss. */
  loss_?: number;
  /** Lowest training loss seen (null with early stopping). */
  bestLoss_?: number | null;
  /** Validation accuracy after each epoch (early stopping only, else null). */
  validationScores_?: number[] | null;
  /** Best validation accuracy (early stopping only, else null). */
  bestValidationScore_?: number | null;
  /** Epochs run. */
  nIter_?: number;
  /** Training samples seen by the optimizer (epochs × rows). */
  t_?: number;
  /** Number of layers, input and output included. */
  nLayers_?: number;
  /** Output units: one per class, or one for two classes. */
  nOutputs_?: number;
  /** `softmax`, or `logistic` for two classes. */
  outActivation_?: "softmax" | "logistic";

  constructor(options: Partial<MLPClassifierParams> = {}) {
    super("MLPClassifier", SCHEMA, options);
  }

  /** Trains the network with Adam on mini-batches until sklearn's stopping rule or `maxIter` epochs. */
  fit(X: Matrix, y: ArrayLike<Label>): this {
    const p = this.validParams();
    const data = checkXy(X, y, this.estimatorName);
    const { classes, yIndex } = checkClassificationTargets(data.y);
    const nOut = classes.length === 2 ? 1 : classes.length;
    const targets = oneHot(yIndex, nOut);
    const rng = new RandomState(p.randomState ?? 0);
    const units = [data.X.cols, ...p.hiddenLayerSizes, nOut];
    const nSamples = data.X.rows;
    // The network is created before the validation split, so the weights use the first draws, as in sklearn.
    let trainX = data.X;
    let trainTargets = targets;
    let validation: { X: F64; y: Label[] } | undefined;
    const batchSize = Math.min(p.batchSize === "auto" ? 200 : p.batchSize, nSamples);
    const net = new Network(units, rng, p.activation, p.alpha, batchSize);
    if (p.earlyStopping) {
      const split = validationSplit(yIndex, nOut, Math.ceil(p.validationFraction * nSamples), rng);
      trainX = takeRows(data.X, split.train);
      trainTargets = takeRows(targets, split.train);
      validation = { X: takeRows(data.X, split.test), y: split.test.map((i) => data.y[i]) };
    }
    this.classes_ = classes;
    this.nFeaturesIn_ = data.X.cols;
    this.nLayers_ = units.length;
    this.nOutputs_ = nOut;
    this.outActivation_ = nOut === 1 ? "logistic" : "softmax";
    this.train(net, trainX, trainTargets, validation, rng, batchSize);
    return this;
  }

  private train(
    net: Network,
    X: F64,
    targets: F64,
    validation: { X: F64; y: Label[] } | undefined,
    rng: RandomState,
    batchSize: number,
  ): void {
    const p = this.params;
    const n = X.rows;
    const adam = new Adam(net.params, p.learningRateInit, p.beta1, p.beta2, p.epsilon);
    const bx = new Float64Array(batchSize * X.cols);
    const by = new Float64Array(batchSize * targets.cols);
    let order = Int32Array.from({ length: n }, (_, i) => i);
    const lossCurve: number[] = [];
    const validationScores: number[] = [];
    let bestLoss = Infinity;
    let bestScore = -Infinity;
    let best: Float64Array[] | undefined;
    let noImprovement = 0;
    let epoch = 0;
    while (epoch < p.maxIter) {
      if (p.shuffle) {
        const permutation = rng.permutation(n);
        order = permutation.map((i) => order[i]);
      }
      let total = 0;
      for (let start = 0; start < n; start += batchSize) {
        const [Xb, Yb] = gather(X, targets, order.subarray(start, Math.min(n, start + batchSize)), bx, by);
        total += net.backprop(Xb, Yb) * Xb.rows;
        adam.update(net.grads);
      }
      epoch++;
      const loss = total / n;
      lossCurve.push(loss);
      if (validation !== undefined) {
        this.setWeights(net);
        const score = accuracyScore(validation.y, this.predict(validation.X));
        validationScores.push(score);
        noImprovement = score < bestScore + p.tol ? noImprovement + 1 : 0;
        if (score > bestScore) {
          bestScore = score;
          best = net.params.map((w) => w.slice());
        }
      } else {
        noImprovement = loss > bestLoss - p.tol ? noImprovement + 1 : 0;
        bestLoss = Math.min(bestLoss, loss);
      }
      if (noImprovement > p.nIterNoChange) break;
      if (epoch === p.maxIter) {
        warnConvergence(
          `Stochastic Optimizer: Maximum iterations (${p.maxIter}) reached and the optimization hasn't converged yet.`,
        );
      }
    }
    if (best !== undefined) best.forEach((w, k) => net.params[k].set(w));
    this.setWeights(net);
    this.lossCurve_ = lossCurve;
    this.loss_ = lossCurve[lossCurve.length - 1];
    this.bestLoss_ = validation === undefined ? bestLoss : null;
    this.validationScores_ = validation === undefined ? null : validationScores;
    this.bestValidationScore_ = validation === undefined ? null : bestScore;
    this.nIter_ = epoch;
    this.t_ = epoch * n;
  }

  /** Publishes the network's weights as `coefs_` (sklearn layout) and `intercepts_`. */
  private setWeights(net: Network): void {
    this.coefs_ = Array.from({ length: net.layers }, (_, l) => transpose(net.weight(l)));
    this.intercepts_ = Array.from({ length: net.layers }, (_, l) => net.bias(l).slice());
  }

  /** Output-layer activations for `X` (n × nOutputs_). */
  private forward(X: Matrix): F64 {
    let input = checkFittedInput(this, X);
    const coefs = this.coefs_!;
    coefs.forEach((coef, l) => {
      const out = multiplyABt(input, transpose(coef), this.intercepts_![l]);
      if (l < coefs.length - 1) activate(out.data, this.params.activation);
      else outputActivation(out);
      input = out;
    });
    return input;
  }

  /** Class probabilities (columns in `classes_` order). */
  predictProba(X: Matrix): F64 {
    const out = this.forward(X);
    if (out.cols > 1) return out;
    const proba = new Float64Array(out.rows * 2);
    out.data.forEach((q, i) => {
      proba[2 * i] = 1 - q;
      proba[2 * i + 1] = q;
    });
    return { data: proba, rows: out.rows, cols: 2 };
  }

  /** The most probable class (for two classes: `classes_[1]` when its probability exceeds 0.5). */
  predict(X: Matrix): Label[] {
    return labelsFromScores(this.forward(X), this.classes_!, 0.5);
  }

  protected stateToJSON(): Record<string, unknown> {
    return {
      classes_: this.classes_,
      coefs_: this.coefs_!.map(encodeMatrix),
      intercepts_: this.intercepts_!.map(encodeVector),
      lossCurve_: this.lossCurve_,
      loss_: this.loss_,
      bestLoss_: this.bestLoss_,
      validationScores_: this.validationScores_,
      bestValidationScore_: this.bestValidationScore_,
      nIter_: this.nIter_,
      t_: this.t_,
    };
  }

  protected restoreState(state: Record<string, unknown>): void {
    const classes = decodeLabels(state.classes_, "state.classes_");
    if (!Array.isArray(state.coefs_) || !Array.isArray(state.intercepts_)) {
      throw invalidParameterError("state.coefs_", "arrays of layer weights and biases", state.coefs_);
    }
    const coefs = state.coefs_.map((c, l) => decodeMatrix(c, `state.coefs_[${l}]`));
    const intercepts = state.intercepts_.map((b, l) =>
      decodeVector(b, `state.intercepts_[${l}]`, coefs[l]?.cols),
    );
    const nOut = classes.length === 2 ? 1 : classes.length;
    let fanIn = state.nFeaturesIn_ as number;
    for (const coef of coefs) {
      if (coef.rows !== fanIn)
        throw invalidParameterError("state.coefs_", `a layer with ${fanIn} inputs`, coef.rows);
      fanIn = coef.cols;
    }
    if (coefs.length === 0 || coefs.length !== intercepts.length || fanIn !== nOut) {
      throw new VidmaeError(
        "E_INVALID_ARGUMENT",
        `Expected state.coefs_ to end in ${nOut} outputs for ${classes.length} classes`,
      );
    }
    this.classes_ = classes;
    this.coefs_ = coefs;
    this.intercepts_ = intercepts;
    this.lossCurve_ = state.lossCurve_ as number[];
    this.loss_ = state.loss_ as number;
    this.bestLoss_ = state.bestLoss_ as number | null;
    this.validationScores_ = state.validationScores_ as number[] | null;
    this.bestValidationScore_ = state.bestValidationScore_ as number | null;
    this.nIter_ = state.nIter_ as number;
    this.t_ = state.t_ as number;
    this.nLayers_ = coefs.length + 1;
    this.nOutputs_ = nOut;
    this.outActivation_ = nOut === 1 ? "logistic" : "softmax";
  }
}

/**
 * The early-stopping hold-out, drawn as sklearn's `train_test_split` inside MLPClassifier: stratified only when
 * the binarized target has a single column (two classes); with more classes sklearn's "don't stratify
 * multilabel" rule applies to the one-hot matrix, so the split is a plain random permutation.
 */
function validationSplit(
  yIndex: Int32Array,
  nOut: number,
  nTest: number,
  rng: RandomState,
): { train: number[]; test: number[] } {
  if (nOut === 1) return stratifiedShuffleSplit(Array.from(yIndex), nTest, rng);
  const permutation = Array.from(rng.permutation(yIndex.length));
  return { train: permutation.slice(nTest), test: permutation.slice(0, nTest) };
}

/** One-hot targets (n × k), or a single 0/1 column scoring the second class when k = 1. */
function oneHot(yIndex: Int32Array, k: number): F64 {
  const data = new Float64Array(yIndex.length * k);
  yIndex.forEach((c, i) => {
    if (k === 1) data[i] = c;
    else data[i * k + c] = 1;
  });
  return { data, rows: yIndex.length, cols: k };
}
