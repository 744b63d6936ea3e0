import { examplePlanInput } from '../helpers/plan';
import { planSchema } from '../../lib/config';


function times5(text: string): string {
  return Array.from({ length: 5 }, () => text).join(' ');
}

/**
 * The example plan with every text people read five times as long: bilingual texts, FAQ questions
 * and answers, audience descriptions, alert contacts, and the incident templates (the example uses
 * the defaults, so they are written out). Runbooks are capped at the schema's 600 characters.
 */
export function fiveTimesPlanInput(): any {
  const input = examplePlanInput() as any;
  const defaults = planSchema.parse(input);
  input.incidents = {
    templates: defaults.incidents.templates,
    recoveringMessage: defaults.incidents.recoveringMessage,
    resolvedMessage: defaults.incidents.resolvedMessage,
    noEta: defaults.incidents.noEta,
    statusPage: defaults.incidents.statusPage,
  };
  // Texts are maps over the plan's languages; FAQ answers and audience descriptions are texts too.
  const TEXT_KEYS = new Set<string>([...(input.languages as string[]), 'answer', 'description']);
  const walk = (v: any, key: string): any => {
    if (typeof v === 'string') return TEXT_KEYS.has(key) ? times5(v) : v;
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' && (key === 'questions' || key === 'contacts') ? times5(x) : walk(x, key)));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  const out = walk(input, '');
  out.alerting.runbooks = Object.fromEntries(Object.entries(out.alerting.runbooks as Record<string, string>).map(([k, t]) => [k, times5(t).slice(0, 600)]));
  return out;
}
