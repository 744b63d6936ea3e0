/**
 * What the chat widget's browser tests and bench run against: two local HTTP servers standing in
 * for the two regions, each running the real chatbot handler (lambdas/chatbot) over one shared
 * in-memory table (the global table both regions read), answering CORS like API Gateway does for
 * the plan's origins; a status server with the widget's files (script, document, hand-off copy)
 * served cross-origin; and a customer page server that embeds the widget under a strict CSP.
 * A region can be killed (connections refused), hung (connections accepted, never answered) and
 * revived, on the same port.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import * as path from 'path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHandler } from '../../lambdas/chatbot/handler';
import type { ChatStore, KnowledgeBaseRecord, RegionControl } from '../../lambdas/chatbot/store';
import type { Turn } from '../../lambdas/chatbot/bot';
import { WIDGET_PATHS, WidgetDocument } from '../../contracts/widget';
import { botPhrases, type Plan } from '../../lib/config';
import { renderFallbackSite } from '../../lib/fallback';
import { buildWidgetScript, renderWidgetDocument } from '../../lib/widget';

/** The conversation table both regions read (a DynamoDB global table in the real deployment). */
export class MemoryTable {
  readonly turns = new Map<string, Turn[]>();
  private readonly counters = new Map<string, number>();
  constructor(private readonly kb: KnowledgeBaseRecord) {}

  store(): ChatStore {
    const t = this;
    const fake = {
      getKnowledgeBase: async () => t.kb,
      hasKnowledgeBase: async () => true,
      getRegionControl: async (): Promise<RegionControl> => ({ degraded: false }),
      getTurns: async (id: string) => (t.turns.get(id) ?? []).slice(-10),
      nextTurn: async (id: string) => {
        const n = (t.counters.get(id) ?? 0) + 1;
        t.counters.set(id, n);
        return n;
      },
      appendTurns: async (id: string, _n: number, turns: readonly Turn[]) => {
        t.turns.set(id, [...(t.turns.get(id) ?? []), ...turns]);
      },
    };
    return fake as unknown as ChatStore;
  }
}

async function listen(server: http.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export type RegionMode = 'up' | 'dead' | 'hung';

/** One region: the real handler behind a local server on a fixed port, with the API's CORS rules. */
export class RegionServer {
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly handler: ReturnType<typeof createHandler>;
  port = 0;
  mode: RegionMode = 'up';
  /** Requests answered, by route. */
  readonly hits: string[] = [];

  constructor(
    readonly region: string,
    readonly role: 'primary' | 'standby',
    plan: Plan,
    table: MemoryTable,
    private readonly allowedOrigins: () => readonly string[],
  ) {
    this.handler = createHandler(table.store(), {
      region,
      role,
      healthToken: plan.chatbot.healthToken,
      threshold: plan.chatbot.matchThreshold,
      ttlHours: plan.chatbot.conversationTtlHours,
      contacts: plan.handoff,
      phrases: botPhrases(plan),
      kbCacheMs: 60_000,
      healthDeadlineMs: 1_500,
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.serve(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.port = await listen(server, this.port);
    this.server = server;
    this.mode = 'up';
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.mode === 'hung') return; // accepted, never answered
    const origin = req.headers.origin;
    const cors: Record<string, string> = origin && this.allowedOrigins().includes(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};
    if (req.method === 'OPTIONS') {
      // API Gateway's CORS preflight: only for the configured origins, methods and headers.
      res.writeHead(204, { ...cors, ...(cors['access-control-allow-origin'] ? { 'access-control-allow-methods': 'GET,POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '3600' } : {}) }).end();
      return;
    }
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const event = {
      rawPath: url.pathname,
      requestContext: { http: { method: req.method ?? 'GET' } },
      body: body || undefined,
      isBase64Encoded: false,
      headers: {},
    } as unknown as APIGatewayProxyEventV2;
    const out = await this.handler(event);
    if (this.mode !== 'up') return;
    this.hits.push(`${req.method} ${url.pathname}`);
    res.writeHead(out.statusCode ?? 200, { ...(out.headers as Record<string, string>), ...cors }).end(out.body);
  }

  /** The region dies: its port refuses connections and open connections are reset. */
  async kill(): Promise<void> {
    this.mode = 'dead';
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** The region hangs: connections are accepted and never answered (a black hole). */
  hang(): void {
    this.mode = 'hung';
  }

  /** The region comes back on the same port. */
  async revive(): Promise<void> {
    if (this.server) {
      this.mode = 'up';
      return;
    }
    await this.start();
  }

  async stop(): Promise<void> {
    this.mode = 'dead';
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Content-Security-Policy of the customer page: only the status site's script, no inline anything, no eval. */
export function customerPageCsp(statusOrigin: string, regions: readonly string[], self: string): string {
  return [
    "default-src 'none'",
    `script-src ${statusOrigin} ${self}`,
    `connect-src ${statusOrigin} ${regions.join(' ')}`,
    "style-src 'none'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

const AXE = path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js');

export interface WidgetRig {
  readonly plan: Plan;
  readonly table: MemoryTable;
  readonly primary: RegionServer;
  readonly standby: RegionServer;
  /** The status site (widget script, document, hand-off copy). */
  readonly statusUrl: string;
  /** The customer page embedding the widget. */
  readonly pageUrl: string;
  readonly doc: WidgetDocument;
  /** Changes the widget document (e.g. probe interval) served from now on. */
  setDocument(patch: Partial<WidgetDocument>): void;
  close(): Promise<void>;
}

/** Starts the two regions, the status site and the customer page. */
export async function startWidgetRig(plan: Plan, opts: { timeoutMs?: number; probeIntervalMs?: number } = {}): Promise<WidgetRig> {
  const table = new MemoryTable({ version: 'test', entries: plan.knowledgeBase.map((e) => ({ id: e.id, texts: e.texts, handoff: e.handoff })) });
  let pageOrigin = '';
  const primary = new RegionServer(plan.regions.primary, 'primary', plan, table, () => [pageOrigin]);
  const standby = new RegionServer(plan.regions.standby, 'standby', plan, table, () => [pageOrigin]);
  await primary.start();
  await standby.start();

  const fallback = renderFallbackSite({ languages: plan.languages, words: plan.words, ...plan.handoff, ...(plan.title ? { title: plan.title } : {}), ...(plan.failover.fallbackNotice ? { notice: plan.failover.fallbackNotice } : {}) });
  let doc: WidgetDocument = renderWidgetDocument({
    languages: plan.languages,
    words: plan.words,
    // Local https is not available: the regions are http on 127.0.0.1 (the generator requires https, so patch after).
    endpoints: [
      { role: 'primary', region: plan.regions.primary, url: 'https://primary.invalid' },
      { role: 'standby', region: plan.regions.standby, url: 'https://standby.invalid' },
    ],
    fallback: ['handoff.json'],
    timeoutSeconds: 5,
    probeIntervalSeconds: 60,
  });
  doc = {
    ...doc,
    endpoints: [
      { ...doc.endpoints[0], url: primary.url },
      { ...doc.endpoints[1], url: standby.url },
    ],
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.probeIntervalMs ? { probeIntervalMs: opts.probeIntervalMs } : {}),
  };
  const script = buildWidgetScript();
  const statusFiles = (): Record<string, [string, string]> => ({
    [`/${WIDGET_PATHS.script}`]: ['text/javascript; charset=utf-8', script],
    [`/${WIDGET_PATHS.document}`]: ['application/json', JSON.stringify(doc)],
    [`/${WIDGET_PATHS.handoff}`]: ['application/json', fallback['handoff.json']],
  });
  const status = http.createServer((req, res) => {
    const f = statusFiles()[(req.url ?? '/').split('?')[0]];
    // Like the status site's CloudFront policy: GET/HEAD readable from any origin, no credentials.
    const headers = { 'access-control-allow-origin': '*', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
    if (!f) return void res.writeHead(404, headers).end('not found');
    res.writeHead(200, { ...headers, 'content-type': f[0] }).end(f[1]);
  });
  const statusPort = await listen(status);
  const statusUrl = `http://127.0.0.1:${statusPort}`;

  const axe = fs.readFileSync(AXE, 'utf8');
  const page = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0];
    const self = `http://localhost:${pagePort}`;
    const csp = customerPageCsp(statusUrl, [primary.url, standby.url], self);
    if (p === '/axe.min.js') return void res.writeHead(200, { 'content-type': 'text/javascript', 'content-security-policy': csp }).end(axe);
    if (p !== '/') return void res.writeHead(404).end();
    const lang = new URL(req.url ?? '/', self).searchParams.get('lang') ?? 'en';
    const html = [
      '<!doctype html>',
      `<html lang="${lang}">`,
      '<head><meta charset="utf-8"><title>Shop</title>',
      `<script src="${statusUrl}/${WIDGET_PATHS.script}" defer></script>`,
      '</head>',
      '<body><main><h1>Shop</h1>',
      `<contingency-chat plan-url="${statusUrl}/${WIDGET_PATHS.document}"><p>Call us.</p></contingency-chat>`,
      '</main></body></html>',
    ].join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'x-content-type-options': 'nosniff' }).end(html);
  });
  // The page is on "localhost", the regions and status site on 127.0.0.1: every call is cross-origin.
  const pagePort = await listen(page);
  pageOrigin = `http://localhost:${pagePort}`;

  return {
    plan,
    table,
    primary,
    standby,
    statusUrl,
    pageUrl: `${pageOrigin}/`,
    get doc() {
      return doc;
    },
    setDocument(patch) {
      doc = { ...doc, ...patch };
    },
    async close() {
      await primary.stop();
      await standby.stop();
      await new Promise<void>((r) => status.close(() => r()));
      await new Promise<void>((r) => page.close(() => r()));
    },
  };
}
