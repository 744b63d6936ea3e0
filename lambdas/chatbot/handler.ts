import { randomUUID } from 'crypto';
import { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createPowertools } from '../shared/powertools';
import { CANARY_HEADER, chatbotConfig, METRICS } from '../../contracts';
import { WIDGET_HEALTH_PATH } from '../../contracts/widget';
import { BotPhrases, failureReply, HandoffContacts, replyLang, respond, withStorageHandoff } from './bot';
import { CheckResult, evaluateHealth, timedCheck } from './health';
import { withDeadline } from './deadline';
import { ChatStore, KnowledgeBaseRecord, RegionControl, STORE_DEADLINE_MS } from './store';

/** Budget for storing one turn (BatchWriteItem and its retries of unprocessed items). */
const WRITE_BUDGET_MS = 1500;
import type { Lang } from './matcher';

const { logger, metrics, tracer } = createPowertools(chatbotConfig.service);

export interface ChatbotConfig {
  readonly region: string;
  readonly role: string;
  readonly healthToken: string;
  readonly threshold: number;
  readonly ttlHours: number;
  readonly contacts: HandoffContacts;
  /** The plan's languages and hand-off phrases in each. */
  readonly phrases: BotPhrases;
  /** How long a loaded knowledge base is reused before it is read again. */
  readonly kbCacheMs: number;
  readonly healthDeadlineMs: number;
  /** Origins of the chat widget's pages: answers to them carry Access-Control-Allow-Origin. */
  readonly allowedOrigins?: readonly string[];
}

/**
 * The function's configuration, parsed at cold start with the contract the ChatbotApi construct
 * built it with (contracts/functions.ts): a mismatch fails with one line naming the variable.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ChatbotConfig & { readonly tableName: string } {
  const c = chatbotConfig.fromEnvironment(env);
  return { ...c, kbCacheMs: 60_000, healthDeadlineMs: 1_500 };
}

/**
 * Longest message accepted, in characters as a person counts them: grapheme clusters (Intl.Segmenter),
 * so an emoji, a flag or a letter with combining marks is one character, not two or more UTF-16 units.
 */
export const MAX_MESSAGE_CHARS = 1000;
/** No grapheme cluster a person types is longer than this many UTF-16 units; longer input is refused before segmenting. */
const MAX_UNITS_PER_CHAR = 32;
const CONVERSATION_ID = /^[A-Za-z0-9-]{8,64}$/;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Characters as a person sees them (grapheme clusters). */
export function visibleLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** A proxy response: the same shape for REST API (payload 1.0) and HTTP API (2.0) integrations. */
export interface ApiResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The event shapes the function answers: the REST API's (what the chatbot API sends) and the HTTP API's. */
export type ApiEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** What the handler reads of a request, whichever API sent it. */
export interface ApiRequest {
  readonly method: string;
  /** The route's path without the stage: `/chat` or `/health`. */
  readonly path: string;
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
  /** The Origin header, when a browser sent one. */
  readonly origin?: string;
  /** The conversation canary's name (header x-contingency-canary), when a canary sent the request. */
  readonly canary?: string;
}

/**
 * Reads method, path and body from an API Gateway proxy event: a REST API event (payload 1.0:
 * `httpMethod`, and `resource`, the matched resource path without the stage) or an HTTP API event
 * (payload 2.0: `requestContext.http.method`, `rawPath`). Undefined for anything else.
 */
export function apiRequestOf(event: unknown): ApiRequest | undefined {
  if (!event || typeof event !== 'object') return undefined;
  const e = event as Record<string, unknown> & { requestContext?: { http?: { method?: unknown } } };
  const body = typeof e.body === 'string' ? e.body : undefined;
  const isBase64Encoded = e.isBase64Encoded === true;
  if (typeof e.httpMethod === 'string') {
    const path = typeof e.resource === 'string' ? e.resource : e.path;
    return typeof path === 'string' ? { method: e.httpMethod, path, body, isBase64Encoded, ...originOf(e.headers), ...canaryOf(e.headers) } : undefined;
  }
  const method = e.requestContext?.http?.method;
  if (typeof method === 'string' && typeof e.rawPath === 'string') return { method, path: e.rawPath, body, isBase64Encoded, ...originOf(e.headers), ...canaryOf(e.headers) };
  return undefined;
}

/** The request's Origin header (browsers send it on cross-origin calls), whatever its case. */
function originOf(headers: unknown): { origin?: string } {
  if (!headers || typeof headers !== 'object') return {};
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (k.toLowerCase() === 'origin' && typeof v === 'string') return { origin: v };
  return {};
}

/** The conversation canary's header, whatever its case (anyone may send it: it only moves the turn to the CanaryTurns metric). */
function canaryOf(headers: unknown): { canary?: string } {
  if (!headers || typeof headers !== 'object') return {};
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (k.toLowerCase() === CANARY_HEADER && typeof v === 'string' && v !== '') return { canary: v.slice(0, 64) };
  return {};
}

/**
 * CORS for the chat widget: a REST API proxy integration passes the function's headers through, so
 * the function names the caller's origin when (and only when) it is one of the plan's.
 */
export function withCors(result: ApiResult, origin: string | undefined, allowed: readonly string[] | undefined): ApiResult {
  if (!origin || !allowed?.includes(origin)) return result;
  return { ...result, headers: { ...result.headers, 'access-control-allow-origin': origin, vary: 'Origin' } };
}

function json(statusCode: number, body: unknown): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

interface ChatRequest {
  message: string;
  conversationId?: string;
  lang?: Lang;
}

/** Validates a /chat body; returns the parsed request or a 400 with the rule that failed. */
export function parseChatRequest(body: string | undefined, isBase64: boolean | undefined, languages: readonly Lang[]): ChatRequest | { error: string } {
  const langs = languages.map((l) => `"${l}"`).join('|');
  if (!body) return { error: `body is required: {"message": "...", "conversationId"?: "...", "lang"?: ${langs}}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(isBase64 ? Buffer.from(body, 'base64').toString('utf8') : body);
  } catch {
    return { error: 'body must be JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { error: 'body must be a JSON object' };
  const p = parsed as Record<string, unknown>;
  if (typeof p.message !== 'string' || p.message.trim() === '') return { error: 'message must be a non-empty string' };
  if (p.message.length > MAX_MESSAGE_CHARS * MAX_UNITS_PER_CHAR) return { error: `message must be at most ${MAX_MESSAGE_CHARS} characters, got far more` };
  const chars = visibleLength(p.message);
  if (chars > MAX_MESSAGE_CHARS) return { error: `message must be at most ${MAX_MESSAGE_CHARS} characters, got ${chars}` };
  if (p.conversationId !== undefined && (typeof p.conversationId !== 'string' || !CONVERSATION_ID.test(p.conversationId))) {
    return { error: 'conversationId must be 8-64 letters, digits or dashes (as returned by a previous reply)' };
  }
  if (p.lang !== undefined && (typeof p.lang !== 'string' || !languages.includes(p.lang))) {
    return { error: `lang must be one of the plan's languages: ${languages.map((l) => `"${l}"`).join(', ')}` };
  }
  return { message: p.message, ...(p.conversationId ? { conversationId: p.conversationId as string } : {}), ...(p.lang ? { lang: p.lang as Lang } : {}) };
}

/** What failed, for the logs: the error's name and text (never the customer's message). */
function failure(e: unknown): { name: string; detail: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, detail: err.message };
}

/** Builds the HTTP handler around a store and config, so tests can point it at moto or mocks. */
export function createHandler(store: ChatStore, config: ChatbotConfig, now: () => Date = () => new Date()) {
  let kbCache: { at: number; record: KnowledgeBaseRecord } | undefined;
  let lastControl: RegionControl | undefined;

  /**
   * The knowledge base: cached for `kbCacheMs`; when the table fails, the last copy this instance
   * read is used however old it is (an outage is no time to refuse a known answer).
   */
  async function knowledgeBase(): Promise<KnowledgeBaseRecord | undefined> {
    const t = now().getTime();
    if (kbCache && t - kbCache.at < config.kbCacheMs) return kbCache.record;
    try {
      const record = await store.getKnowledgeBase();
      if (record) kbCache = { at: t, record };
      return record;
    } catch (e) {
      if (!kbCache) throw e;
      logger.warn('knowledge base read failed; answering from the cached copy', { failed: 'GetItem knowledge base', error: failure(e), cachedAgeSeconds: Math.round((t - kbCache.at) / 1000) });
      return kbCache.record;
    }
  }

  /** The region's degraded flag; when the table fails, the last value read (not degraded if none). */
  async function regionControl(): Promise<RegionControl> {
    try {
      lastControl = await store.getRegionControl(config.region);
      return lastControl;
    } catch (e) {
      logger.warn('region control read failed; using the last known flag', { failed: 'GetItem region control', error: failure(e), known: lastControl !== undefined });
      return lastControl ?? { degraded: false };
    }
  }

  async function health(): Promise<ApiResult> {
    const deadline = config.healthDeadlineMs;
    let control: RegionControl | undefined;
    const [table, kb] = await Promise.all([
      // The control read doubles as the table reachability check (a key lookup, never a scan).
      timedCheck('table', deadline, async () => {
        control = await store.getRegionControl(config.region);
        return { ok: true };
      }),
      timedCheck('knowledgeBase', deadline, async () => ((await store.hasKnowledgeBase()) ? { ok: true } : { ok: false, detail: 'not seeded' })),
    ]);
    // /health is public: the operator's free-text reason stays in the logs, never in the body.
    const degraded: CheckResult = !control
      ? { name: 'notDegraded', ok: false, detail: 'unknown: table unreachable' }
      : { name: 'notDegraded', ok: !control.degraded, ...(control.degraded ? { detail: 'marked degraded' } : {}) };
    const result = evaluateHealth([table, kb, degraded], { token: config.healthToken, region: config.region, role: config.role });
    if (result.statusCode !== 200) logger.warn('health check failing', { checks: result.body.checks, ...(control?.reason ? { degradedReason: control.reason } : {}) });
    return json(result.statusCode, result.body);
  }

  async function chat(req: ChatRequest, canary?: string): Promise<ApiResult> {
    const conversationId = req.conversationId ?? randomUUID();
    const started = now();
    // Phase 1, in parallel, each call with its deadline: what the reply needs, and a turn number.
    const [kbR, control, historyR, turnR] = await Promise.all([
      knowledgeBase().then(
        (v) => ({ ok: true as const, v }),
        (e: unknown) => ({ ok: false as const, e }),
      ),
      regionControl(),
      (req.conversationId ? store.getTurns(conversationId) : Promise.resolve([])).then(
        (v) => ({ ok: true as const, v }),
        (e: unknown) => ({ ok: false as const, e }),
      ),
      store.nextTurn(conversationId, started, config.ttlHours).then(
        (v) => ({ ok: true as const, v }),
        (e: unknown) => ({ ok: false as const, e }),
      ),
    ]);
    const kb = kbR.ok ? kbR.v : undefined;
    if (!kbR.ok) logger.error('knowledge base unavailable and nothing cached; handing off', { failed: 'GetItem knowledge base', error: failure(kbR.e) });
    const history = historyR.ok ? historyR.v : [];
    let reply = respond({
      message: req.message,
      ...(req.lang ? { lang: req.lang } : {}),
      history,
      knowledgeBase: kb?.entries ?? [],
      degraded: control.degraded || !kb,
      threshold: config.threshold,
      contacts: config.contacts,
      phrases: config.phrases,
    });
    // Phase 2: store the turn under its number (only when the conversation could be read and numbered).
    let storageError: { failed: string; error: unknown } | undefined;
    if (!historyR.ok) storageError = { failed: 'Query conversation', error: historyR.e };
    else if (!turnR.ok) storageError = { failed: 'UpdateItem turn counter', error: turnR.e };
    else {
      try {
        // One budget for the whole write, retries of unprocessed items included: phase 1 (1 s) plus
        // this stays under 3 s even when every call runs to its deadline.
        await withDeadline('storing the turn', WRITE_BUDGET_MS, () =>
          store.appendTurns(
            conversationId,
            turnR.v,
            [
              { role: 'customer', text: req.message, lang: reply.lang, region: config.region },
              { role: 'bot', text: reply.answer, lang: reply.lang, ...(reply.faqId ? { faqId: reply.faqId } : {}), handoff: reply.handoff, region: config.region },
            ],
            started,
            config.ttlHours,
          ),
        );
      } catch (e) {
        storageError = { failed: 'BatchWriteItem turns', error: e };
      }
    }
    if (storageError) {
      // The customer still gets an answer (cached knowledge base or hand-off) with the human contacts.
      reply = withStorageHandoff(reply, config.contacts);
      metrics.addMetric(METRICS.chatbot.storageFailures, MetricUnit.Count, 1);
      logger.error('conversation storage failed; answered with a hand-off', { failed: storageError.failed, error: failure(storageError.error) });
    }
    // A canary's turn is not a customer's: it goes to its own metric, not to Answered/HandedOff.
    metrics.addMetric(canary ? METRICS.chatbot.canaryTurns : reply.handoff ? METRICS.chatbot.handedOff : METRICS.chatbot.answered, MetricUnit.Count, 1);
    const turn = turnR.ok ? turnR.v : undefined;
    // Never log the customer's message: it may hold personal data (plan §1.2.1).
    logger.info('reply', { faqId: reply.faqId, handoff: reply.handoff, reason: reply.handoffReason, score: Number(reply.score.toFixed(3)), turn, stored: !storageError, ...(canary ? { canary } : {}) });
    return json(200, { conversationId, ...(turn !== undefined ? { turn } : {}), stored: !storageError, region: config.region, ...reply });
  }

  return async (event: ApiEvent, context?: Context): Promise<ApiResult> => withCors(await answer(event, context), apiRequestOf(event)?.origin, config.allowedOrigins);

  async function answer(event: ApiEvent, _context?: Context): Promise<ApiResult> {
    const request = apiRequestOf(event);
    if (!request) {
      logger.warn('not an API Gateway proxy request: no httpMethod/resource (REST API) or requestContext.http.method/rawPath (HTTP API)', {
        keys: event && typeof event === 'object' ? Object.keys(event).slice(0, 10) : typeof event,
      });
      return json(400, { error: 'not an API Gateway request: this function answers API Gateway REST API (payload 1.0) and HTTP API (payload 2.0) proxy events for POST /chat and GET /health' });
    }
    const { method, path } = request;
    const route = `${method} ${path}`;
    let req: ChatRequest | undefined;
    try {
      // GET /widget/health: the same check for chat widgets probing their way back to a region, on
      // a route (and throttle bucket) of its own so they never crowd out Route 53's GET /health.
      if (route === 'GET /health' || route === `GET ${WIDGET_HEALTH_PATH}`) return await health();
      if (route === 'POST /chat') {
        const parsed = parseChatRequest(request.body, request.isBase64Encoded, config.phrases.languages);
        if ('error' in parsed) return json(400, { error: parsed.error });
        req = parsed;
        return await chat(req, request.canary);
      }
      return json(404, { error: `no route ${route}; use POST /chat, GET /health or GET ${WIDGET_HEALTH_PATH}` });
    } catch (e) {
      logger.error('request failed', { route, error: failure(e) });
      const languages = config.phrases.languages;
      const lang: Lang = req ? replyLang({ message: req.message, history: [], ...(req.lang ? { lang: req.lang } : {}) }, languages) : languages[0];
      return json(500, { error: 'internal error', region: config.region, ...failureReply(lang, config.contacts, config.phrases) });
    } finally {
      metrics.publishStoredMetrics();
    }
  }
}

/**
 * The DynamoDB client the function uses: short connection and request timeouts and one retry, so
 * a dead or hanging table fails fast; each store call also has its own deadline (ChatStore).
 */
export function chatClientConfig(): DynamoDBClientConfig {
  return { maxAttempts: 2, requestHandler: { connectionTimeout: 300, requestTimeout: STORE_DEADLINE_MS } };
}

let cached: ReturnType<typeof createHandler> | undefined;

/** Lambda entry point: config and clients are built once per cold start. */
export const handler = async (event: ApiEvent, context: Context) => {
  if (!cached) {
    const client = tracer.captureAWSv3Client(new DynamoDBClient(chatClientConfig()));
    const config = configFromEnv();
    cached = createHandler(new ChatStore(client, config.tableName), config);
  }
  return cached(event, context);
};
