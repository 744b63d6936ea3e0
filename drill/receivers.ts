import * as http from 'http';
import type { AddressInfo } from 'net';

/** One webhook delivery a local receiver got. */
export interface Received {
  /** Secret name of the channel (the path the receiver is reached on). */
  readonly channel: string;
  readonly body: string;
  readonly answered: number;
}

/** What each platform answers when it accepts a message (see lambdas/notify/channels.ts platformAnswer). */
const ACCEPTED: Record<string, { status: number; body: string }> = {
  dingtalk: { status: 200, body: '{"errcode":0,"errmsg":"ok"}' },
  wecom: { status: 200, body: '{"errcode":0,"errmsg":"ok"}' },
  feishu: { status: 200, body: '{"code":0,"msg":"success"}' },
  pagerduty: { status: 202, body: '{"status":"success"}' },
  slack: { status: 200, body: 'ok' },
  teams: { status: 202, body: '' },
  webhook: { status: 200, body: '{}' },
};

/**
 * Local webhook receivers on 127.0.0.1, one path per channel secret, answering as the platform does.
 * A dead channel answers HTTP 500 to everything.
 */
export class WebhookReceivers {
  readonly received: Received[] = [];
  private readonly dead = new Set<string>();
  private readonly kinds = new Map<string, string>();
  private constructor(private readonly server: http.Server, readonly base: string) {}

  static async start(): Promise<WebhookReceivers> {
    let self: WebhookReceivers | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const channel = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]);
        const body = Buffer.concat(chunks).toString('utf8');
        const answer = self!.dead.has(channel) ? { status: 500, body: 'receiver down' } : (ACCEPTED[self!.kinds.get(channel) ?? 'webhook'] ?? ACCEPTED.webhook);
        self!.received.push({ channel, body, answered: answer.status });
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    self = new WebhookReceivers(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** The platform kind a channel answers as. */
  setKind(channel: string, kind: string): void {
    this.kinds.set(channel, kind);
  }

  urlOf(channel: string): string {
    return `${this.base}/${encodeURIComponent(channel)}`;
  }

  setDead(channel: string, dead: boolean): void {
    if (dead) this.dead.add(channel);
    else this.dead.delete(channel);
  }

  /** Deliveries received since index `from`. */
  since(from: number): Received[] {
    return this.received.slice(from);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
