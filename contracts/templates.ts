import type * as z from 'zod/mini';
import type { incidentPublisherSchema, messageTemplatesSchema } from './functions';

/** Placeholders an incident message template may use; anything else is rejected by the plan rules. */
export const TEMPLATE_PLACEHOLDERS = ['level', 'start', 'scope', 'eta', 'team', 'phone', 'chatUrl'] as const;
export type TemplateVar = (typeof TEMPLATE_PLACEHOLDERS)[number];

/** Placeholders used by a template, e.g. `{start}` → 'start'. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
}

/** The incident message templates and page texts, as the construct passes them to the publisher. */
export type MessageTemplatesInput = z.input<typeof messageTemplatesSchema>;
/** The publisher's settings, as the construct passes them. */
export type IncidentPublisherInput = z.input<typeof incidentPublisherSchema>;
