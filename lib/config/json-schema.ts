import { z } from 'zod';
import { planSchema } from './schema';

/**
 * The JSON Schema editors use for plan files (plans/plan.schema.json), generated from the zod schema
 * so the two never drift. Describes the plan as written: keys with defaults are optional.
 */
export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(planSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'Chatbot contingency plan', $id: 'plan.schema.json' };
}

export function renderPlanJsonSchema(): string {
  return `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
}
