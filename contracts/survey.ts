/**
 * The customer-satisfaction survey after an incident (plan §10.2), shared by the survey function
 * (lambdas/survey), the incident publisher (report summary, notice link), the status page and the
 * constructs. No AWS, no lib/.
 *
 * Survey table layout (partition key `pk`, sort key `sk`, TTL `expiresAt`):
 *   ANSWER#<incident> / <time>#<random>   one answer: rating 1–5, optional comment, page language
 *   COUNT             / <incident>        answers stored for the incident (`answers`, an atomic ADD)
 *   LIMIT#A#<hash>    / <hour>            answers from one salted address hash in that hour
 *   LIMIT#I#<incident>/ <hour>            answers for one incident in that hour
 *   SALT              / <day>             the day's random salt for the address hashes (kept 2 days)
 * No address, name or e-mail is ever stored: only the salted hash, whose salt expires.
 */

/** The survey's API path on the status site (CloudFront behaviour `/api/survey/*`). */
export const SURVEY_API_PREFIX = 'api/survey';
export const SURVEY_API_PATTERN = `/${SURVEY_API_PREFIX}/*`;
/** The survey page on the status site. */
export const SURVEY_PAGE = 'survey.html';
export const SURVEY_TTL_ATTRIBUTE = 'expiresAt';
export const RATING_MIN = 1;
export const RATING_MAX = 5;
/** Largest request body the function reads, bytes (a comment at its longest is far smaller). */
export const SURVEY_MAX_BODY_BYTES = 8192;
/** How long a rate-limit counter and a salt are kept (TTL), seconds. */
export const SURVEY_LIMIT_TTL_SECONDS = 2 * 3600;
export const SURVEY_SALT_TTL_SECONDS = 2 * 86400;

/** Defaults of the plan's `incidents.statusPage.survey` section, stated once (schema and docs read them). */
export const SURVEY_DEFAULTS = {
  enabled: true,
  windowDays: 30,
  retentionDays: 365,
  commentMaxLength: 500,
  perAddressPerHour: 5,
  perIncidentPerHour: 500,
  rateLimit: 5,
  burstLimit: 10,
} as const;

export const SURVEY_KEYS = {
  answerPk: (incident: string) => `ANSWER#${incident}`,
  countPk: 'COUNT',
  addressLimitPk: (hash: string) => `LIMIT#A#${hash}`,
  incidentLimitPk: (incident: string) => `LIMIT#I#${incident}`,
  saltPk: 'SALT',
} as const;

/** Incident ids as the incident function makes them (`INC-` + compact time). */
export const INCIDENT_ID_PATTERN = /^INC-[0-9TZ]{8,20}$/;

/** The survey page's address for an incident, relative to the status site's root. */
export function surveyPath(incident: string, lang: string): string {
  return `${SURVEY_PAGE}?incident=${encodeURIComponent(incident)}&lang=${encodeURIComponent(lang)}`;
}

/** One stored answer, as the publisher reads it for the report. */
export interface SurveyAnswer {
  readonly rating: number;
  readonly comment?: string;
  readonly lang: string;
  readonly time: string;
}

/** The report's summary of an incident's answers. */
export interface SurveySummary {
  readonly count: number;
  /** Mean rating, two decimals; null without answers. */
  readonly average: number | null;
  /** Answers per rating, 1 to 5. */
  readonly distribution: Readonly<Record<1 | 2 | 3 | 4 | 5, number>>;
  /** Comments, oldest first. */
  readonly comments: readonly { readonly time: string; readonly lang: string; readonly rating: number; readonly text: string }[];
}

export function summarise(answers: readonly SurveyAnswer[]): SurveySummary {
  const distribution = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } as Record<1 | 2 | 3 | 4 | 5, number>;
  let sum = 0;
  for (const a of answers) {
    distribution[a.rating as 1 | 2 | 3 | 4 | 5] += 1;
    sum += a.rating;
  }
  const comments = [...answers]
    .filter((a) => a.comment && a.comment.trim())
    .sort((a, b) => a.time.localeCompare(b.time))
    .map((a) => ({ time: a.time, lang: a.lang, rating: a.rating, text: a.comment!.trim() }));
  return { count: answers.length, average: answers.length ? Math.round((sum / answers.length) * 100) / 100 : null, distribution, comments };
}

/** The words the report and notices need, per language (from the plan's word tables). */
export interface SurveyWords {
  readonly link: string;
  readonly report: string;
  readonly answers: string;
  readonly average: string;
  readonly distribution: string;
  readonly comments: string;
  readonly none: string;
}

/** What the incident publisher gets about the survey (in its message templates). */
export interface SurveyTemplates {
  readonly windowDays: number;
  readonly words: Readonly<Record<string, SurveyWords>>;
}
