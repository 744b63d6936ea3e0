import { randomUUID } from 'crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createPowertools } from '../shared/powertools';
import { chatbotConfig, METRICS } from '../../contracts';
import { BotPhrases, HandoffContacts, respond } from './bot';
import { CheckResult, evaluateHealth, timedCheck } from './health';
import { ChatStore, KnowledgeBaseRecord, RegionControl } from './store';
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
}

/**
 * The function's configuration, parsed at cold start with the contract the ChatbotApi construct
 * built it with (contracts/functions.ts): a mismatch fails with one line naming the variable.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ChatbotConfig & { readonly tableName: string } {
  const c = chatbotConfig.fromEnvironment(env);
  return { ...c, kbCacheMs: 60_000, healthDeadlineMs: 1_500 };
}

const MAX_MESSAGE_CHARS = 1000;
const CONVERSATION_ID = /^[A-Za-z0-9-]{8,64}$/;

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
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
  if (p.message.length > MAX_MESSAGE_CHARS) return { error: `message must be at most ${MAX_MESSAGE_CHARS} characters, got ${p.message.length}` };
  if (p.conversationId !== undefined && (typeof p.conversationId !== 'string' || !CONVERSATION_ID.test(p.conversationId))) {
    return { error: 'conversationId must be 8-64 letters, digits or dashes (as returned by a previous reply)' };
  }
  if (p.lang !== undefined && (typeof p.lang !== 'string' || !languages.includes(p.lang))) {
    return { error: `lang must be one of the plan's languages: ${languages.map((l) => `"${l}"`).join(', ')}` };
  }
  return { message: p.message, ...(p.conversationId ? { conversationId: p.conversationId as string } : {}), ...(p.lang ? { lang: p.lang as Lang } : {}) };
}

/** Builds the HTTP handler around a store and config, so tests can point it at moto or mocks. */
export function createHandler(store: ChatStore, config: ChatbotConfig, now: () => Date = () => new Date()) {
  let kbCache: { at: number; record: KnowledgeBaseRecord } | undefined;

  async function knowledgeBase(): Promise<KnowledgeBaseRecord | undefined> {
    const t = now().getTime();
    if (kbCache && t - kbCache.at < config.kbCacheMs) return kbCache.record;
    const record = await store.getKnowledgeBase();
    if (record) kbCache = { at: t, record };
    return record;
  }

  async function health(): Promise<APIGatewayProxyStructuredResultV2> {
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
    const degraded: CheckResult = !control
      ? { name: 'notDegraded', ok: false, detail: 'unknown: table unreachable' }
      : { name: 'notDegraded', ok: !control.degraded, ...(control.degraded ? { detail: `marked degraded${control.reason ? `: ${control.reason}` : ''}` } : {}) };
    const result = evaluateHealth([table, kb, degraded], { token: config.healthToken, region: config.region, role: config.role });
    if (result.statusCode !== 200) logger.warn('health check failing', { checks: result.body.checks });
    return json(result.statusCode, result.body);
  }

  async function chat(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const req = parseChatRequest(event.body, event.isBase64Encoded, config.phrases.languages);
    if ('error' in req) return json(400, { error: req.error });
    const conversationId = req.conversationId ?? randomUUID();
    const [kb, control, history] = await Promise.all([
      knowledgeBase(),
      store.getRegionControl(config.region),
      req.conversationId ? store.getTurns(conversationId) : Promise.resolve([]),
    ]);
    const reply = respond({
      message: req.message,
      ...(req.lang ? { lang: req.lang } : {}),
      history,
      knowledgeBase: kb?.entries ?? [],
      degraded: control.degraded || !kb,
      threshold: config.threshold,
      contacts: config.contacts,
      phrases: config.phrases,
    });
    await store.appendTurns(
      conversationId,
      [
        { role: 'customer', text: req.message, lang: reply.lang, region: config.region },
        { role: 'bot', text: reply.answer, lang: reply.lang, ...(reply.faqId ? { faqId: reply.faqId } : {}), handoff: reply.handoff, region: config.region },
      ],
      now(),
      config.ttlHours,
    );
    metrics.addMetric(reply.handoff ? METRICS.chatbot.handedOff : METRICS.chatbot.answered, MetricUnit.Count, 1);
    // Never log the customer's message: it may hold personal data (plan §1.2.1).
    logger.info('reply', { faqId: reply.faqId, handoff: reply.handoff, reason: reply.handoffReason, score: Number(reply.score.toFixed(3)), turn: history.length / 2 + 1 });
    return json(200, { conversationId, turn: Math.floor(history.length / 2) + 1, region: config.region, ...reply });
  }

  return async (event: APIGatewayProxyEventV2, _context?: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = `${event.requestContext.http.method} ${event.rawPath}`;
    try {
      if (route === 'GET /health') return await health();
      if (route === 'POST /chat') return await chat(event);
      return json(404, { error: `no route ${route}; use POST /chat or GET /health` });
    } catch (e) {
      logger.error('request failed', { route, error: (e as Error).name, message: (e as Error).message });
      return json(500, { error: 'internal error', handoff: true, contacts: config.contacts });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

let cached: ReturnType<typeof createHandler> | undefined;

/** Lambda entry point: config and clients are built once per cold start. */
export const handler = async (event: APIGatewayProxyEventV2, context: Context) => {
  if (!cached) {
    const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
    const config = configFromEnv();
    cached = createHandler(new ChatStore(client, config.tableName), config);
  }
  return cached(event, context);
};
