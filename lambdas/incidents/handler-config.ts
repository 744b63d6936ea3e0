/** The file bundled next to the incident handler with the plan's message templates (too big for the 4 KB environment). */
export const INCIDENT_TEMPLATES_FILE = 'incident-templates.json';
