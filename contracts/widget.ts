/**
 * The chat widget's contract (plan §7.1 "online chat"): the document the widget reads from its
 * `plan-url` (generated from the plan at synth and published next to the widget script), and the
 * fixed words it shows. No AWS, no lib/: the generator in lib/widget and the widget in web/widget
 * both import it, so the two cannot drift.
 */
import type { Texts } from './languages';

/** Version of the widget document's shape; bump it on an incompatible change. */
export const WIDGET_DOCUMENT_VERSION = 1;

/**
 * Path the widget probes a region on (GET): the chatbot's deep health check on a route of its own,
 * throttled apart from GET /health, which Route 53 probes (many widgets off the primary must not
 * crowd out the health checks that decide DNS failover).
 */
export const WIDGET_HEALTH_PATH = '/widget/health';

/** Object keys (paths on the status site) of the widget files. */
export const WIDGET_PATHS = {
  script: 'widget/contingency-chat.js',
  document: 'widget/plan.json',
  handoff: 'widget/handoff.json',
} as const;

/** The fixed words the widget shows (keys of the plan's word tables). */
export const WIDGET_WORD_KEYS = [
  'languageName',
  'widget.title',
  'widget.language',
  'widget.log',
  'widget.message',
  'widget.send',
  'widget.sending',
  'widget.you',
  'widget.bot',
  'widget.handoff',
  'widget.error',
  'page.phone',
  'page.chat',
  'page.email',
  'page.hours',
  'page.startChat',
] as const;
export type WidgetWordKey = (typeof WIDGET_WORD_KEYS)[number];

/** One region's own endpoint: the base URL the widget posts `/chat` to and probes `/health` on. */
export interface WidgetEndpoint {
  /** 'primary' or 'standby'. */
  readonly role: string;
  /** AWS region, shown nowhere; for logs and tests. */
  readonly region: string;
  /** https base URL of the region's own name, e.g. https://ap-southeast-1.chat.example.com */
  readonly url: string;
}

/** What the widget reads from `plan-url`. */
export interface WidgetDocument {
  readonly version: number;
  /** The plan's languages (BCP 47), the default first. */
  readonly languages: readonly string[];
  /** Fixed words per language. */
  readonly words: Readonly<Record<string, Readonly<Record<WidgetWordKey, string>>>>;
  /** Endpoints in the order they are tried: the primary first. */
  readonly endpoints: readonly WidgetEndpoint[];
  /**
   * Hand-off documents (the fallback site's /handoff.json shape), tried in order when every endpoint
   * fails; relative URLs resolve against the widget document's own URL.
   */
  readonly fallback: readonly string[];
  /** How long one /chat request may take before the widget moves to the next endpoint. */
  readonly timeoutMs: number;
  /** While not on the primary: how often the endpoints ahead of the current one are probed on WIDGET_HEALTH_PATH. */
  readonly probeIntervalMs: number;
}

/** The hand-off document's fields the widget uses (lib/fallback/render.ts writes it). */
export interface WidgetHandoff {
  readonly mode: 'human';
  readonly languages: readonly string[];
  readonly notice: Texts;
  readonly team: Texts;
  readonly phone: string;
  readonly chatUrl: string;
  readonly email?: string;
  readonly hours: Texts;
}

/** The fields of a /chat reply the widget uses (lambdas/chatbot/handler.ts). */
export interface WidgetChatReply {
  readonly conversationId: string;
  readonly lang: string;
  readonly answer: string;
  readonly handoff: boolean;
  readonly region?: string;
  readonly contacts?: { team: string; phone: string; chatUrl: string; email?: string; hours: string };
}
