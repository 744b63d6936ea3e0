import type { Bilingual, ComponentState, Incident, ResponseLevel } from './model';
import { zonedTime } from '../shared/time';
import { textIn } from '../../contracts/languages';

import type { TemplateVar } from '../../contracts';
import type { SurveyTemplates } from '../../contracts/survey';
export { placeholdersOf, TEMPLATE_PLACEHOLDERS } from '../../contracts';
export type { TemplateVar } from '../../contracts';

/** The message templates and page texts the plan's `incidents` section provides. */
export interface MessageTemplates {
  /** The plan's languages, the default first: every text below has each of them. */
  readonly languages: readonly string[];
  /** Name of each response level per language (for {level}). */
  readonly levelNames: Record<ResponseLevel, Bilingual>;
  readonly levels: Record<ResponseLevel, { readonly chatbot: ComponentState; readonly title: Bilingual; readonly message: Bilingual }>;
  readonly recovering: Bilingual;
  readonly resolved: Bilingual;
  readonly noEta: Bilingual;
  readonly contacts: { readonly team: Bilingual; readonly phone: string; readonly chatUrl: string };
  /** IANA time zone for times in messages. */
  readonly timeZone: string;
  /** What the Atom feed needs besides the texts above: the page title and the update-status words per language. @default - no feed */
  readonly feed?: FeedTexts;
  /** The satisfaction survey (§10.2): the resolved notice links it, the report summarises it. @default - no survey */
  readonly survey?: SurveyTemplates;
}

/** Words the feed shows for each update status (and a scheduled maintenance), per language. */
export type FeedWordKey = 'investigating' | 'identified' | 'monitoring' | 'resolved' | 'maintenance';
export interface FeedTexts {
  readonly title: Bilingual;
  readonly words: Readonly<Record<string, Readonly<Record<FeedWordKey, string>>>>;
}

export function renderTemplate(template: string, vars: Record<TemplateVar, string>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => (name in vars ? vars[name as TemplateVar] : whole));
}

/** `2026-11-23 08:05 (Asia/Hong_Kong)`: a time customers can read, in the plan's time zone. */
export function formatTime(iso: string, timeZone: string): string {
  return zonedTime(iso, timeZone);
}

function vars(incident: Pick<Incident, 'currentLevel' | 'openedAt' | 'scope' | 'eta'>, t: MessageTemplates, lang: string): Record<TemplateVar, string> {
  return {
    level: textIn(t.levelNames[incident.currentLevel], lang),
    start: formatTime(incident.openedAt, t.timeZone),
    scope: incident.scope.regions.join(', '),
    eta: incident.eta ? formatTime(incident.eta, t.timeZone) : textIn(t.noEta, lang),
    team: textIn(t.contacts.team, lang),
    phone: t.contacts.phone,
    chatUrl: t.contacts.chatUrl,
  };
}

/** Renders a template for an incident in every plan language. */
export function renderTexts(template: Bilingual, incident: Pick<Incident, 'currentLevel' | 'openedAt' | 'scope' | 'eta'>, t: MessageTemplates): Bilingual {
  return Object.fromEntries(t.languages.map((lang) => [lang, renderTemplate(textIn(template, lang), vars(incident, t, lang))]));
}
