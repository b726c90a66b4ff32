/**
 * The pipeline SPEC of `vidmae train/evaluate`: a comma list of steps written with scikit-learn's parameter
 * names, e.g. `standard-scaler,pca(n_components=64),logistic-regression(C=1.0)`, turned into an unfitted
 * {@link Pipeline}. Names are checked here; values are checked by the estimators (at `fit`), so every bad value
 * gets the estimator's one sentence.
 *
 * Parsed by hand: the grammar is a dozen lines, and no maintained library parses Python-style call lists.
 */
import { VidmaeError } from "../errors.js";
import type { Estimator } from "./base.js";
import { KNeighborsClassifier } from "./neighbors/k-neighbors.js";
import { LinearDiscriminantAnalysis } from "./discriminant/lda.js";
import { LinearSVC } from "./linear/linear-svc.js";
import { LogisticRegression } from "./linear/logistic-regression.js";
import { MLPClassifier } from "./neural-network/mlp.js";
import { NearestCentroid } from "./neighbors/nearest-centroid.js";
import { Normalizer } from "./preprocessing/normalizer.js";
import { PCA } from "./decomposition/pca.js";
import { Pipeline, type PipelineStep } from "./pipeline.js";
import { StandardScaler } from "./preprocessing/standard-scaler.js";

/** The pipeline `vidmae train` and `vidmae evaluate` use when `--pipeline` is not given. */
export const DEFAULT_PIPELINE_SPEC = "standard-scaler,logistic-regression";

/** A parameter value as a SPEC can write it. */
export type SpecValue = number | boolean | string | null | SpecValue[];

/**
 * One parsed step: its SPEC name and its parameters with scikit-learn's (snake_case) names.
 *
 * @example
 * const step: SpecStep = { step: "pca", params: { n_components: 64 } };
 */
export interface SpecStep {
  step: string;
  params: Record<string, SpecValue>;
}

const FACTORIES = {
  "standard-scaler": () => new StandardScaler(),
  normalizer: () => new Normalizer(),
  pca: () => new PCA(),
  lda: () => new LinearDiscriminantAnalysis(),
  "logistic-regression": () => new LogisticRegression(),
  "linear-svc": () => new LinearSVC(),
  "k-neighbors": () => new KNeighborsClassifier(),
  "nearest-centroid": () => new NearestCentroid(),
  mlp: () => new MLPClassifier(),
} satisfies Record<string, () => Estimator>;

/** The step names a SPEC may use, in the order the README lists them. */
export const PIPELINE_STEPS = Object.keys(FACTORIES) as (keyof typeof FACTORIES)[];

/**
 * scikit-learn's name of a vidmae option: `nComponents` → `n_components`, `beta1` → `beta_1`, `C` → `C`.
 *
 * @example
 * sklearnName("hiddenLayerSizes"); // "hidden_layer_sizes"
 */
export function sklearnName(option: string): string {
  if (option === option.toUpperCase()) return option;
  return option.replace(/([a-z])([A-Z0-9])/g, "$1_$2").toLowerCase();
}

function syntaxError(spec: string, at: number, expected: string): VidmaeError {
  const found = at < spec.length ? `"${spec[at]}"` : "the end";
  return new VidmaeError(
    "E_INVALID_ARGUMENT",
    `Cannot parse pipeline spec "${spec}": expected ${expected} at character ${at + 1} but found ${found}`,
  );
}

/** A recursive-descent reader over the SPEC text; `at` is the next character. */
class Reader {
  at = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  /** Consumes `char` (after spaces) when it comes next. */
  accept(char: string): boolean {
    this.skipSpace();
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  expect(char: string, what = `"${char}"`): void {
    if (!this.accept(char)) throw syntaxError(this.text, this.at, what);
  }

  /** A name: letters, digits, `_` and `-`, starting with a letter or `_`. */
  name(what: string): string {
    this.skipSpace();
    const match = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.at));
    if (!match) throw syntaxError(this.text, this.at, what);
    this.at += match[0].length;
    return match[0];
  }

  value(): SpecValue {
    this.skipSpace();
    const open = this.text[this.at];
    if (open === "(" || open === "[") return this.list(open === "(" ? ")" : "]");
    if (open === "'" || open === '"') {
      const end = this.text.indexOf(open, this.at + 1);
      if (end < 0) throw syntaxError(this.text, this.text.length, `a closing ${open}`);
      const text = this.text.slice(this.at + 1, end);
      this.at = end + 1;
      return text;
    }
    const match = /^[^\s,()[\]'"=]+/.exec(this.text.slice(this.at));
    if (!match) throw syntaxError(this.text, this.at, "a value");
    this.at += match[0].length;
    return atom(match[0]);
  }

  /** `(a, b)`, `(a,)` or `[a, b]`: Python's tuple and list literals. */
  list(close: string): SpecValue[] {
    this.at++;
    const items: SpecValue[] = [];
    while (!this.accept(close)) {
      items.push(this.value());
      if (!this.accept(",")) {
        this.expect(close, `"," or "${close}"`);
        break;
      }
    }
    return items;
  }
}

/** A bare word: a number, a boolean, None/null, or else the word itself as a string. */
function atom(word: string): SpecValue {
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(word)) return Number(word);
  if (word === "true" || word === "True") return true;
  if (word === "false" || word === "False") return false;
  if (word === "None" || word === "none" || word === "null") return null;
  return word;
}

/**
 * Parses a SPEC into its steps, checking step and parameter names (not values).
 *
 * @throws VidmaeError E_INVALID_ARGUMENT for a syntax error (naming the character), an unknown step, an unknown
 *   parameter ("Unknown parameter foo for step pca; expected one of: n_components, whiten") or one given twice
 * @example
 * parsePipelineSpec("standard-scaler,mlp(hidden_layer_sizes=(100,50))");
 * // [{ step: "standard-scaler", params: {} }, { step: "mlp", params: { hidden_layer_sizes: [100, 50] } }]
 */
export function parsePipelineSpec(spec: string): SpecStep[] {
  const reader = new Reader(spec);
  const steps: SpecStep[] = [];
  do {
    const step = reader.name("a step name");
    const factory = (FACTORIES as Record<string, () => Estimator>)[step];
    if (factory === undefined) {
      throw new VidmaeError(
        "E_INVALID_ARGUMENT",
        `Unknown step ${step} in pipeline spec "${spec}"; expected one of: ${PIPELINE_STEPS.join(", ")}`,
      );
    }
    const known = Object.keys(factory().getParams()).map(sklearnName);
    const params: Record<string, SpecValue> = {};
    if (reader.accept("(") && !reader.accept(")")) {
      do {
        const name = reader.name("a parameter name");
        if (!known.includes(name)) {
          throw new VidmaeError(
            "E_INVALID_ARGUMENT",
            `Unknown parameter ${name} for step ${step}; expected one of: ${known.join(", ")}`,
          );
        }
        if (Object.hasOwn(params, name)) {
          throw new VidmaeError("E_INVALID_ARGUMENT", `Parameter ${name} is given twice for step ${step}`);
        }
        reader.expect("=");
        params[name] = reader.value();
      } while (reader.accept(","));
      reader.expect(")", '"," or ")"');
    }
    steps.push({ step, params });
  } while (reader.accept(","));
  reader.skipSpace();
  if (reader.at < spec.length) throw syntaxError(spec, reader.at, '"," or "("');
  return steps;
}

function isClassifier(estimator: Estimator): boolean {
  return typeof (estimator as { predict?: unknown }).predict === "function";
}

function isTransformer(estimator: Estimator): boolean {
  return typeof (estimator as { transform?: unknown }).transform === "function";
}

/**
 * Builds the unfitted classification pipeline a SPEC describes. Steps are named after their SPEC name (`pca`,
 * a repeated one `pca-2`), so `pipeline.getParams()["pca__nComponents"]` works.
 *
 * @throws VidmaeError E_INVALID_ARGUMENT as {@link parsePipelineSpec}, and when a step before the last is not a
 *   transformer or the last step is not a classifier
 * @example
 * const model = pipelineFromSpec("standard-scaler,pca(n_components=64),logistic-regression(C=1.0)").fit(X, y);
 */
export function pipelineFromSpec(spec: string = DEFAULT_PIPELINE_SPEC): Pipeline {
  const parsed = parsePipelineSpec(spec);
  const seen = new Map<string, number>();
  const steps = parsed.map(({ step, params }, index): PipelineStep => {
    const estimator = FACTORIES[step as keyof typeof FACTORIES]();
    const options = Object.fromEntries(
      Object.keys(estimator.getParams())
        .filter((option) => Object.hasOwn(params, sklearnName(option)))
        .map((option) => [option, params[sklearnName(option)]]),
    );
    estimator.setParams(options);
    const last = index === parsed.length - 1;
    if (!last && !isTransformer(estimator)) {
      throw new VidmaeError(
        "E_INVALID_ARGUMENT",
        `Step ${step} of pipeline spec "${spec}" is not a transformer; only the last step may be a classifier`,
      );
    }
    if (last && !isClassifier(estimator)) {
      throw new VidmaeError(
        "E_INVALID_ARGUMENT",
        `The last step of pipeline spec "${spec}" must be a classifier (${PIPELINE_STEPS.filter((s) => isClassifier(FACTORIES[s]())).join(", ")}); ${step} is not`,
      );
    }
    const count = (seen.get(step) ?? 0) + 1;
    seen.set(step, count);
    return [count === 1 ? step : `${step}-${count}`, estimator];
  });
  return new Pipeline(steps);
}
