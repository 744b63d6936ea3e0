import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { EXAMPLE_PLAN_PATH, LoadedPlan, parsePlan, PlanInput } from '../../lib/config';

/** The example plan as written (before defaults), freshly parsed so tests may mutate it. */
export function examplePlanInput(): PlanInput {
  return parse(fs.readFileSync(EXAMPLE_PLAN_PATH, 'utf8')) as PlanInput;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object' || Array.isArray(base)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out;
}

/** The example plan with a deep patch applied (arrays are replaced), validated. */
export function loadedPlan(patch: DeepPartial<PlanInput> = {}): LoadedPlan {
  const raw = merge(examplePlanInput(), patch);
  const dir = path.dirname(EXAMPLE_PLAN_PATH);
  return { plan: parsePlan(raw, 'test plan', dir), source: 'test plan', dir };
}

/** The example plan with a deep patch applied, as raw input (not validated). */
export function patchedInput(patch: Record<string, unknown>): unknown {
  return merge(examplePlanInput(), patch);
}

/** The example plan changed by a function (for changes a deep merge cannot express), validated. */
export function loadedPlanWith(change: (input: any) => void): LoadedPlan {
  const raw = examplePlanInput();
  change(raw);
  const dir = path.dirname(EXAMPLE_PLAN_PATH);
  return { plan: parsePlan(raw, 'test plan', dir), source: 'test plan', dir };
}
