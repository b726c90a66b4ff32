/**
 * The estimator contract, modelled on scikit-learn's: matrices in, constructor options that are only stored,
 * `fit` that validates and learns state named with a trailing underscore, `getParams`/`setParams` with sklearn's
 * names, and a JSON envelope (library, version, estimator name) that the registry (registry.ts) revives by name.
 */
import { invalidParameterError } from "../errors.js";
import { VERSION } from "../version.js";
import { argmaxRows } from "../numeric/linalg.js";
import type { DenseMatrix, Matrix } from "../numeric/matrix.js";
import { checkParams, type ParamSchema, type ParamsOf } from "./params.js";

/** A class label: strings or numbers (never a mix within one target). */
export type Label = string | number;

/**
 * What every serialised estimator looks like. `state` is null for an unfitted estimator.
 *
 * @example
 * const json: EstimatorJSON = new StandardScaler().toJSON(); // { library: "vidmae", estimator: "StandardScaler", … }
 */
export interface EstimatorJSON {
  library: "vidmae";
  version: string;
  estimator: string;
  params: Record<string, unknown>;
  state: Record<string, unknown> | null;
}

/**
 * The part of the contract every estimator shares.
 *
 * @example
 * const e: Estimator = new PCA({ nComponents: 2 }); e.getParams().nComponents; // 2
 */
export interface Estimator {
  /** The class name as sklearn spells it (`LogisticRegression`), used in messages and JSON. */
  readonly estimatorName: string;
  /** Number of features seen by `fit`; undefined until fitted. */
  readonly nFeaturesIn_?: number;
  getParams(): Record<string, unknown>;
  setParams(params: Record<string, unknown>): this;
  toJSON(): EstimatorJSON;
}

/**
 * An estimator that maps feature matrices to feature matrices (scalers, PCA, LDA).
 *
 * @example
 * const Z = new StandardScaler().fitTransform([[1], [3]]); // Z.data: [-1, 1]
 */
export interface Transformer extends Estimator {
  /** Learns from `X`; `y` is ignored by unsupervised transformers and used by supervised ones (LDA). */
  fit(X: Matrix, y?: ArrayLike<Label>): this;
  transform(X: Matrix): DenseMatrix<Float64Array>;
  fitTransform(X: Matrix, y?: ArrayLike<Label>): DenseMatrix<Float64Array>;
}

/**
 * An estimator that predicts labels. Score matrices have one column per entry of `classes_`, except the
 * decision function of a two-class linear model, which has a single column scoring `classes_[1]` (as sklearn).
 *
 * @example
 * const clf: Classifier = new LogisticRegression().fit(X, y); clf.predict(X);
 */
export interface Classifier extends Estimator {
  /** Sorted distinct training labels; undefined until fitted. */
  readonly classes_?: Label[];
  fit(X: Matrix, y: ArrayLike<Label>): this;
  predict(X: Matrix): Label[];
  predictProba?(X: Matrix): DenseMatrix<Float64Array>;
  decisionFunction?(X: Matrix): DenseMatrix<Float64Array>;
}

/** A class that can revive its own JSON (every {@link BaseEstimator} subclass); listed in classify/registry.ts. */
export interface EstimatorClass {
  new (): Estimator;
  fromJSON(json: unknown): Estimator;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks the envelope of a serialised estimator (optionally that it holds `expected`) and returns it typed.
 *
 * @throws VidmaeError E_INVALID_ARGUMENT when `json` is not a vidmae estimator JSON, or is another estimator's
 * @example
 * const env = parseEstimatorJSON(JSON.parse(text), "PCA");
 */
export function parseEstimatorJSON(json: unknown, expected?: string): EstimatorJSON {
  if (!isRecord(json) || json.library !== "vidmae" || typeof json.estimator !== "string") {
    throw invalidParameterError("json", "a vidmae estimator JSON", json);
  }
  if (expected !== undefined && json.estimator !== expected) {
    throw invalidParameterError("json.estimator", JSON.stringify(expected), json.estimator);
  }
  if (!isRecord(json.params)) throw invalidParameterError("json.params", "an object", json.params);
  if (json.state !== null && !isRecord(json.state)) {
    throw invalidParameterError("json.state", "an object or null", json.state);
  }
  return json as unknown as EstimatorJSON;
}

/**
 * Encodes a float64 vector for JSON (plain numbers round-trip exactly).
 *
 * @example
 * encodeVector(new Float64Array([0.5])); // [0.5]
 */
export function encodeVector(v: Float64Array): number[] {
  return Array.from(v);
}

/**
 * Decodes a vector written by {@link encodeVector}, checking it holds `length` finite numbers when given.
 *
 * @example
 * decodeVector([0.5], "state.mean_"); // Float64Array [0.5]
 */
export function decodeVector(value: unknown, name: string, length?: number): Float64Array {
  const expected = `an array of ${length ?? "any number of"} finite numbers`;
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw invalidParameterError(name, expected, value);
  }
  if (!value.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw invalidParameterError(name, expected, value);
  }
  return Float64Array.from(value as number[]);
}

/**
 * Encodes a dense matrix for JSON.
 *
 * @example
 * encodeMatrix(zeros(1, 2)); // { rows: 1, cols: 2, data: [0, 0] }
 */
export function encodeMatrix(m: DenseMatrix<Float64Array>): { rows: number; cols: number; data: number[] } {
  return { rows: m.rows, cols: m.cols, data: Array.from(m.data) };
}

/**
 * Decodes a matrix written by {@link encodeMatrix}.
 *
 * @example
 * decodeMatrix({ rows: 1, cols: 2, data: [0, 0] }, "state.coef_");
 */
export function decodeMatrix(value: unknown, name: string): DenseMatrix<Float64Array> {
  if (!isRecord(value) || !Number.isSafeInteger(value.rows) || !Number.isSafeInteger(value.cols)) {
    throw invalidParameterError(name, "a { rows, cols, data } matrix", value);
  }
  const rows = value.rows as number;
  const cols = value.cols as number;
  return { rows, cols, data: decodeVector(value.data, `${name}.data`, rows * cols) };
}

/**
 * Decodes a list of class labels.
 *
 * @example
 * decodeLabels(["a", "b"], "state.classes_"); // ["a", "b"]
 */
export function decodeLabels(value: unknown, name: string): Label[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string" || typeof v === "number")) {
    throw invalidParameterError(name, "an array of string or number labels", value);
  }
  return value as Label[];
}

/**
 * Base class of vidmae's estimators: stores options checked against one schema, implements
 * `getParams`/`setParams`, the JSON envelope and `fromJSON`; subclasses supply `fit` and their state codec.
 *
 * @example
 * const SCHEMA = { withMean: param.boolean(true) } as const;
 * class Centerer extends BaseEstimator<typeof SCHEMA> {
 *   constructor(options: Partial<ParamsOf<typeof SCHEMA>> = {}) { super("Centerer", SCHEMA, options); }
 *   // fit, protected stateToJSON, protected restoreState …
 * }
 */
export abstract class BaseEstimator<S extends ParamSchema> implements Estimator {
  readonly estimatorName: string;
  /** Number of features seen by `fit`; undefined until fitted. */
  nFeaturesIn_?: number;
  protected params: ParamsOf<S>;
  private readonly schema: S;

  protected constructor(name: string, schema: S, options: Partial<ParamsOf<S>>) {
    this.estimatorName = name;
    this.schema = schema;
    const defaults: Record<string, unknown> = {};
    for (const key of Object.keys(schema)) defaults[key] = schema[key].default;
    this.params = defaults as ParamsOf<S>;
    this.setParams(options);
  }

  /** The hyper-parameters with sklearn's names (camelCase), as a copy. */
  getParams(): ParamsOf<S> {
    return { ...this.params };
  }

  /**
   * Sets hyper-parameters by name; values are checked at the next `fit`, as in sklearn.
   *
   * @throws VidmaeError E_INVALID_ARGUMENT for a name the estimator does not have
   */
  setParams(params: Partial<ParamsOf<S>> | Record<string, unknown>): this {
    const names = Object.keys(this.schema);
    for (const [key, value] of Object.entries(params)) {
      if (!names.includes(key)) {
        throw invalidParameterError(
          `${this.estimatorName} parameter name`,
          `one of: ${names.join(", ")}`,
          key,
        );
      }
      if (value !== undefined) (this.params as Record<string, unknown>)[key] = value;
    }
    return this;
  }

  /** Checks the hyper-parameters against the schema and returns them (call first thing in `fit`). */
  protected validParams(): ParamsOf<S> {
    checkParams(this.schema, this.params);
    return this.params;
  }

  /** Serialises options and learned state, stamped with the library version and estimator name. */
  toJSON(): EstimatorJSON {
    const fitted = this.nFeaturesIn_ !== undefined;
    return {
      library: "vidmae",
      version: VERSION,
      estimator: this.estimatorName,
      params: this.getParams(),
      state: fitted ? { nFeaturesIn_: this.nFeaturesIn_, ...this.stateToJSON() } : null,
    };
  }

  /**
   * Revives an estimator of this class from {@link BaseEstimator.toJSON} output.
   *
   * @throws VidmaeError E_INVALID_ARGUMENT for another estimator's JSON or a malformed one
   */
  static fromJSON<T extends BaseEstimator<ParamSchema>>(this: new () => T, json: unknown): T {
    const estimator = new this();
    const envelope = parseEstimatorJSON(json, estimator.estimatorName);
    estimator.setParams(envelope.params);
    if (envelope.state !== null) {
      const n = envelope.state.nFeaturesIn_;
      if (!Number.isSafeInteger(n) || (n as number) < 1) {
        throw invalidParameterError("json.state.nFeaturesIn_", "positive integer", n);
      }
      estimator.restoreState(envelope.state);
      estimator.nFeaturesIn_ = n as number;
    }
    return estimator;
  }

  /** The learned state (everything ending in `_` except `nFeaturesIn_`), JSON-ready. */
  protected abstract stateToJSON(): Record<string, unknown>;

  /** Sets the learned state from {@link stateToJSON} output, validating it. */
  protected abstract restoreState(state: Record<string, unknown>): void;
}

/**
 * Base class of transformers: `fitTransform` is `fit` then `transform` (subclasses may override it when fitting
 * already computes the transformed training data).
 *
 * @example
 * class Identity extends BaseTransformer<{}> { … }
 */
export abstract class BaseTransformer<S extends ParamSchema> extends BaseEstimator<S> implements Transformer {
  abstract fit(X: Matrix, y?: ArrayLike<Label>): this;
  abstract transform(X: Matrix): DenseMatrix<Float64Array>;

  /** Fits on `X` and returns `X` transformed. */
  fitTransform(X: Matrix, y?: ArrayLike<Label>): DenseMatrix<Float64Array> {
    return this.fit(X, y).transform(X);
  }
}

/**
 * Labels from per-class scores, as sklearn's classifiers pick them: the best column of each row, or, for a
 * single column scoring `classes[1]` (two classes), `classes[1]` where the score exceeds `threshold`.
 *
 * @param threshold - 0 for margins (decision functions), 0.5 for probabilities
 * @example
 * labelsFromScores({ data: Float64Array.of(-1, 2), rows: 2, cols: 1 }, ["a", "b"], 0); // ["a", "b"]
 */
export function labelsFromScores(
  scores: DenseMatrix<Float64Array>,
  classes: readonly Label[],
  threshold: number,
): Label[] {
  if (scores.cols === 1) return Array.from(scores.data, (s) => classes[s > threshold ? 1 : 0]);
  return Array.from(argmaxRows(scores), (k) => classes[k]);
}
