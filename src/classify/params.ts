/**
 * Hyper-parameter contracts, declared once per estimator as sklearn's `_parameter_constraints` are: a rule per
 * parameter (default, test, expected phrase) and the one check `fit` runs. Apart from validation.ts so that
 * base.ts (which needs the schema types) and validation.ts (which needs the estimator types) form no cycle.
 */
import { invalidParameterError } from "../errors.js";

/**
 * One hyper-parameter's contract, as sklearn's `_parameter_constraints` declares it: its default, a test, and
 * the phrase that completes "Expected <expected> for <name> …" when the test fails.
 */
export interface ParamRule<T> {
  readonly default: T;
  readonly expected: string;
  readonly test: (value: unknown) => boolean;
}

/** Every hyper-parameter of one estimator, by its sklearn name in camelCase. */
export type ParamSchema = Readonly<Record<string, ParamRule<unknown>>>;

/** The parameter values a schema describes, e.g. `{ C: number; maxIter: number }`. */
export type ParamsOf<S extends ParamSchema> = {
  -readonly [K in keyof S]: S[K] extends ParamRule<infer T> ? T : never;
};

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Builders for {@link ParamRule}s covering the constraint kinds sklearn uses.
 *
 * @example
 * const SCHEMA = { C: param.positiveFloat(1), norm: param.oneOf("l2", ["l1", "l2", "max"]) } as const;
 */
export const param = {
  /** A finite number > 0 (sklearn `Interval(Real, 0, None, closed="neither")`). */
  positiveFloat: (def: number): ParamRule<number> => ({
    default: def,
    expected: "positive float",
    test: (v) => isNumber(v) && v > 0,
  }),
  /** A finite number ≥ 0. */
  nonNegativeFloat: (def: number): ParamRule<number> => ({
    default: def,
    expected: "non-negative float",
    test: (v) => isNumber(v) && v >= 0,
  }),
  /** An integer ≥ 1. */
  positiveInt: (def: number): ParamRule<number> => ({
    default: def,
    expected: "positive integer",
    test: (v) => Number.isSafeInteger(v) && (v as number) >= 1,
  }),
  /** `true` or `false`. */
  boolean: (def: boolean): ParamRule<boolean> => ({
    default: def,
    expected: "boolean",
    test: (v) => typeof v === "boolean",
  }),
  /** One of a fixed set of strings (sklearn `StrOptions`). */
  oneOf: <T extends string>(def: T, values: readonly T[]): ParamRule<T> => ({
    default: def,
    expected: `one of: ${values.join(", ")}`,
    test: (v) => (values as readonly unknown[]).includes(v),
  }),
  /** A seed for the estimator's random generator: a non-negative integer, or null for the fixed default seed. */
  randomState: (): ParamRule<number | null> => ({
    default: null,
    expected: "non-negative integer or null",
    test: (v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 0),
  }),
  /** Anything else: the caller supplies the test and its description. */
  custom: <T>(def: T, expected: string, test: (value: unknown) => boolean): ParamRule<T> => ({
    default: def,
    expected,
    test,
  }),
};

/**
 * Checks every parameter against its rule (sklearn's `_validate_params`, run at the start of `fit`).
 *
 * @throws VidmaeError E_INVALID_ARGUMENT "Expected positive float for C but received -1 of type number"
 * @example
 * checkParams({ C: param.positiveFloat(1) }, { C: -1 }); // throws
 */
export function checkParams<S extends ParamSchema>(schema: S, params: ParamsOf<S>): void {
  for (const name of Object.keys(schema)) {
    const rule = schema[name];
    const value = (params as Record<string, unknown>)[name];
    if (!rule.test(value)) throw invalidParameterError(name, rule.expected, value);
  }
}
