/**
 * Pipeline: named transformers followed by a final estimator, fitted and applied as one model, with sklearn's
 * `step__param` parameter routing and one JSON document that revives every step through the registry.
 */
import { NotFittedError, VidmaeError, invalidParameterError } from "../errors.js";
import { VERSION } from "../version.js";
import {
  parseEstimatorJSON,
  type Classifier,
  type Estimator,
  type EstimatorJSON,
  type Label,
  type Transformer,
} from "./base.js";
import { type DenseMatrix, type Matrix } from "../numeric/matrix.js";
import { cloneEstimator } from "./clone.js";

/**
 * A named step.
 *
 * @example
 * const step: PipelineStep = ["scaler", new StandardScaler()];
 */
export type PipelineStep = [name: string, estimator: Estimator];

/** What a final step may offer; the pipeline exposes each method only through the final step's. */
type AnyStep = Estimator & {
  fit(X: Matrix, y?: ArrayLike<Label>): Estimator;
  transform?(X: Matrix): DenseMatrix<Float64Array>;
  fitTransform?(X: Matrix, y?: ArrayLike<Label>): DenseMatrix<Float64Array>;
  predict?(X: Matrix): Label[];
  predictProba?(X: Matrix): DenseMatrix<Float64Array>;
  decisionFunction?(X: Matrix): DenseMatrix<Float64Array>;
  readonly classes_?: Label[];
};

function isTransformer(estimator: Estimator): estimator is Transformer {
  const e = estimator as Partial<Transformer>;
  return typeof e.fit === "function" && typeof e.transform === "function";
}

/**
 * A chain of transformers ending in an estimator (sklearn's `Pipeline`).
 *
 * @example
 * const model = new Pipeline([
 *   ["scaler", new StandardScaler()],
 *   ["pca", new PCA({ nComponents: 8 })],
 *   ["clf", new LogisticRegression()],
 * ]).fit(X, y);
 * model.setParams({ pca__nComponents: 16 }).fit(X, y).predict(Xtest);
 */
export class Pipeline implements Classifier {
  readonly estimatorName = "Pipeline";
  /** The steps, in order; replace them with `setParams({ steps })` or `setParams({ name: estimator })`. */
  steps: PipelineStep[];

  /** @param steps - `[name, estimator]` pairs; every step but the last must be a transformer. */
  constructor(steps: PipelineStep[] = []) {
    this.steps = steps;
  }

  /** The steps by name. */
  get namedSteps(): Record<string, Estimator> {
    return Object.fromEntries(this.steps);
  }

  /** Features seen by the first step's `fit`; undefined until fitted. */
  get nFeaturesIn_(): number | undefined {
    return this.steps[0]?.[1].nFeaturesIn_;
  }

  /** The final step's classes; undefined until fitted or when the final step is not a classifier. */
  get classes_(): Label[] | undefined {
    return this.final().classes_;
  }

  private final(): AnyStep {
    const last = this.steps[this.steps.length - 1];
    if (last === undefined)
      throw invalidParameterError("steps", "a non-empty list of [name, estimator]", this.steps);
    return last[1] as AnyStep;
  }

  private validateSteps(): void {
    const final = this.final();
    const names = new Set<string>();
    for (const [index, step] of this.steps.entries()) {
      if (
        !Array.isArray(step) ||
        typeof step[0] !== "string" ||
        typeof step[1] !== "object" ||
        step[1] === null
      ) {
        throw invalidParameterError(`steps[${index}]`, "a [name, estimator] pair", step);
      }
      const [name, estimator] = step;
      if (names.has(name)) throw invalidParameterError("steps", "unique step names", name);
      if (name.includes("__") || name === "steps" || name === "") {
        throw invalidParameterError("step name", "a non-empty name without '__', other than 'steps'", name);
      }
      names.add(name);
      if (index < this.steps.length - 1 && !isTransformer(estimator)) {
        throw new VidmaeError(
          "E_INVALID_ARGUMENT",
          `All intermediate steps should be transformers and implement fit and transform; '${name}' (${estimator.estimatorName}) doesn't`,
        );
      }
    }
    if (typeof final.fit !== "function") {
      throw new VidmaeError(
        "E_INVALID_ARGUMENT",
        `The last step of a Pipeline must implement fit; '${final.estimatorName}' doesn't`,
      );
    }
  }

  private transformers(): Transformer[] {
    return this.steps.slice(0, -1).map(([, estimator]) => estimator as Transformer);
  }

  /** Runs `X` through every step but the last, checking the pipeline is fitted. */
  private transformThrough(X: Matrix): Matrix {
    if (this.steps.length === 0 || this.final().nFeaturesIn_ === undefined)
      throw new NotFittedError(this.estimatorName);
    return this.transformers().reduce<Matrix>((Xt, step) => step.transform(Xt), X);
  }

  /** Fits each transformer on the output of the previous one (`fitTransform`), then the final step. */
  fit(X: Matrix, y?: ArrayLike<Label>): this {
    this.validateSteps();
    const Xt = this.transformers().reduce<Matrix>((data, step) => step.fitTransform(data, y), X);
    this.final().fit(Xt, y);
    return this;
  }

  private finalMethod<K extends "predict" | "predictProba" | "decisionFunction" | "transform">(
    method: K,
  ): NonNullable<AnyStep[K]> {
    const final = this.final();
    const fn = final[method];
    if (typeof fn !== "function") {
      throw new VidmaeError(
        "E_INVALID_ARGUMENT",
        `This 'Pipeline' has no method '${method}': its final step ${final.estimatorName} does not implement it`,
      );
    }
    return fn.bind(final) as NonNullable<AnyStep[K]>;
  }

  /** Labels predicted by the final step on the transformed `X`. */
  predict(X: Matrix): Label[] {
    const predict = this.finalMethod("predict");
    return predict(this.transformThrough(X));
  }

  /** Class probabilities from the final step (one column per entry of `classes_`). */
  predictProba(X: Matrix): DenseMatrix<Float64Array> {
    const predictProba = this.finalMethod("predictProba");
    return predictProba(this.transformThrough(X));
  }

  /** Decision scores from the final step. */
  decisionFunction(X: Matrix): DenseMatrix<Float64Array> {
    const decisionFunction = this.finalMethod("decisionFunction");
    return decisionFunction(this.transformThrough(X));
  }

  /** Applies every step as a transformer (the final step must be one too). */
  transform(X: Matrix): DenseMatrix<Float64Array> {
    const transform = this.finalMethod("transform");
    return transform(this.transformThrough(X));
  }

  /** Fits the pipeline and returns the final transformer's output on `X`. */
  fitTransform(X: Matrix, y?: ArrayLike<Label>): DenseMatrix<Float64Array> {
    this.finalMethod("transform");
    return this.fit(X, y).transform(X);
  }

  /**
   * The parameters: `steps`, and with `deep` (default) every step by name and its parameters as `name__param`.
   *
   * @example
   * pipe.getParams()["pca__nComponents"]; // 8
   */
  getParams(options: { deep?: boolean } = {}): Record<string, unknown> {
    const params: Record<string, unknown> = {
      steps: this.steps.map(([name, e]) => [name, e] as PipelineStep),
    };
    if (options.deep === false) return params;
    for (const [name, estimator] of this.steps) {
      params[name] = estimator;
      for (const [key, value] of Object.entries(estimator.getParams())) params[`${name}__${key}`] = value;
    }
    return params;
  }

  /**
   * Sets `steps`, replaces a step by name, or routes `name__param` to that step's `setParams`.
   *
   * @throws VidmaeError E_INVALID_ARGUMENT for a name that is neither `steps`, a step, nor `step__param`
   * @example
   * pipe.setParams({ pca__nComponents: 16, clf: new KNeighborsClassifier() });
   */
  setParams(params: Record<string, unknown>): this {
    if (params.steps !== undefined) {
      if (!Array.isArray(params.steps))
        throw invalidParameterError("steps", "a list of [name, estimator]", params.steps);
      this.steps = params.steps as PipelineStep[];
    }
    const nested = new Map<string, Record<string, unknown>>();
    for (const [key, value] of Object.entries(params)) {
      if (key === "steps") continue;
      const split = key.indexOf("__");
      const name = split < 0 ? key : key.slice(0, split);
      const index = this.steps.findIndex(([stepName]) => stepName === name);
      if (index < 0) {
        const valid = ["steps", ...this.steps.map(([stepName]) => stepName)];
        throw invalidParameterError(
          "Pipeline parameter name",
          `one of: ${valid.join(", ")} (or step__param)`,
          key,
        );
      }
      if (split < 0) this.steps[index] = [name, value as Estimator];
      else nested.set(name, { ...nested.get(name), [key.slice(split + 2)]: value });
    }
    for (const [name, stepParams] of nested) this.namedSteps[name].setParams(stepParams);
    return this;
  }

  /**
   * An unfitted pipeline with a clone of every step (sklearn's `clone`).
   *
   * @example
   * const fresh = pipe.clone(); // same steps and parameters, nothing fitted
   */
  clone(): Pipeline {
    return new Pipeline(this.steps.map(([name, estimator]) => [name, cloneEstimator(estimator)]));
  }

  /**
   * Serialises every step (with its learned state) in one envelope stamped with the library version.
   *
   * @example
   * fs.writeFileSync("model.json", JSON.stringify(pipe.toJSON()));
   */
  toJSON(): EstimatorJSON {
    const fitted = this.steps.length > 0 && this.final().nFeaturesIn_ !== undefined;
    return {
      library: "vidmae",
      version: VERSION,
      estimator: this.estimatorName,
      params: { steps: this.steps.map(([name, estimator]) => [name, estimator.toJSON()]) },
      state: fitted ? { nFeaturesIn_: this.nFeaturesIn_ } : null,
    };
  }

  /**
   * Revives a pipeline from {@link Pipeline.toJSON} output, each step through `reviveStep` (the registry's
   * `estimatorFromJSON`, which is how pipelines are normally revived).
   *
   * @throws VidmaeError E_INVALID_ARGUMENT for a malformed JSON or an unknown step estimator
   * @example
   * const pipe = Pipeline.fromJSON(JSON.parse(fs.readFileSync("model.json", "utf8")), estimatorFromJSON);
   */
  static fromJSON(json: unknown, reviveStep: (json: unknown) => Estimator): Pipeline {
    const { params } = parseEstimatorJSON(json, "Pipeline");
    const steps = params.steps;
    const isStep = (s: unknown): s is [string, unknown] =>
      Array.isArray(s) && s.length === 2 && typeof s[0] === "string";
    if (!Array.isArray(steps) || !steps.every(isStep)) {
      throw invalidParameterError("json.params.steps", "a list of [name, estimator JSON]", steps);
    }
    return new Pipeline(steps.map(([name, stepJSON]) => [name, reviveStep(stepJSON)]));
  }
}
