/**
 * The chat widget's document (contracts/widget.ts), generated from the plan at synth: the regions'
 * own endpoints in the order the widget tries them, the plan's languages and the widget's words in
 * each, the hand-off documents it falls back to, and its timeout and probe interval. Pure: tested
 * directly and in a real browser.
 */
import type { Words } from '../../contracts/languages';
import { WIDGET_DOCUMENT_VERSION, WIDGET_PATHS, WIDGET_WORD_KEYS, WidgetDocument, WidgetEndpoint } from '../../contracts/widget';

export interface WidgetDocumentInput {
  /** The plan's languages, the default first. */
  readonly languages: readonly string[];
  /** The plan's fixed words per language. */
  readonly words: Readonly<Record<string, Words>>;
  /** Endpoints in the order they are tried (the primary first); https base URLs. */
  readonly endpoints: readonly WidgetEndpoint[];
  /** Hand-off documents tried in order when every endpoint fails. */
  readonly fallback: readonly string[];
  readonly timeoutSeconds: number;
  readonly probeIntervalSeconds: number;
}

export function renderWidgetDocument(input: WidgetDocumentInput): WidgetDocument {
  const problems: string[] = [];
  if (input.endpoints.length === 0) problems.push('endpoints must list at least one region, got none');
  for (const e of input.endpoints) if (!/^https:\/\/[^/]+$/.test(e.url)) problems.push(`endpoint urls must be https://host with no path, got: ${e.url}`);
  if (input.fallback.length === 0) problems.push('fallback must list at least one hand-off document, got none');
  if (problems.length) throw new Error(`chat widget document: ${problems.join('; ')}`);
  return {
    version: WIDGET_DOCUMENT_VERSION,
    languages: [...input.languages],
    words: Object.fromEntries(input.languages.map((l) => [l, Object.fromEntries(WIDGET_WORD_KEYS.map((k) => [k, input.words[l][k]]))])) as WidgetDocument['words'],
    endpoints: input.endpoints.map((e) => ({ ...e })),
    fallback: [...input.fallback],
    timeoutMs: input.timeoutSeconds * 1000,
    probeIntervalMs: input.probeIntervalSeconds * 1000,
  };
}

/**
 * The widget's files on the status site (object key → body): the script, its document and a copy
 * of the hand-off document (the status site is up when both chatbot regions are down, and the
 * fallback site's own copy is reachable on the public name only once DNS has failed over).
 */
export function widgetSiteFiles(script: string, doc: WidgetDocument, handoffJson: string): Record<string, string> {
  return {
    [WIDGET_PATHS.script]: script,
    [WIDGET_PATHS.document]: `${JSON.stringify(doc, null, 2)}\n`,
    [WIDGET_PATHS.handoff]: handoffJson,
  };
}
