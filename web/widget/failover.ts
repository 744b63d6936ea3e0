/**
 * The widget's client-side failover, without DOM: it posts /chat to the endpoint in use and, on a
 * network error, a timeout or a server-side failure (5xx, 429), moves to the next endpoint at once
 * (no DNS involved); when every endpoint fails it switches to human mode with the hand-off document.
 * While it is not on the first endpoint (or in human mode) it probes the endpoints ahead on
 * WIDGET_HEALTH_PATH (the deep health check on a route of its own) and returns to the first healthy one. Timers and fetch are injected, so it runs in a
 * browser, in node and under fake timers alike.
 */
import { WIDGET_HEALTH_PATH, type WidgetChatReply, type WidgetDocument, type WidgetHandoff } from '../../contracts/widget';

export interface Transport {
  fetch(url: string, init: { method: string; headers?: Record<string, string>; body?: string; signal: AbortSignal }): Promise<{ status: number; json(): Promise<unknown> }>;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ChatRequest {
  readonly message: string;
  readonly lang: string;
  readonly conversationId?: string;
}

export type SendOutcome =
  | { readonly kind: 'reply'; readonly reply: WidgetChatReply; readonly endpoint: number }
  /** Every endpoint failed: the widget is in human mode; `handoff` is absent when no hand-off document could be read either. */
  | { readonly kind: 'human'; readonly handoff?: WidgetHandoff }
  /** The endpoint refused the message itself (HTTP 4xx other than 429): not a region failure. */
  | { readonly kind: 'rejected'; readonly status: number };

export interface FailoverState {
  readonly mode: 'bot' | 'human';
  /** Index of the endpoint in use (in bot mode). */
  readonly current: number;
  readonly handoff?: WidgetHandoff;
}

/** Statuses that say the region (not the message) failed: move to the next endpoint. */
export function isRegionFailure(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function isChatReply(v: unknown): v is WidgetChatReply {
  const r = v as Partial<WidgetChatReply> | null;
  return !!r && typeof r === 'object' && typeof r.answer === 'string' && typeof r.conversationId === 'string' && typeof r.lang === 'string' && typeof r.handoff === 'boolean';
}

function isHandoff(v: unknown): v is WidgetHandoff {
  const h = v as Partial<WidgetHandoff> | null;
  return !!h && typeof h === 'object' && h.mode === 'human' && typeof h.phone === 'string' && typeof h.chatUrl === 'string' && !!h.team && !!h.hours && !!h.notice;
}

export class FailoverClient {
  private state: FailoverState = { mode: 'bot', current: 0 };
  private probeTimer: unknown;
  private probing = false;
  private stopped = false;

  constructor(
    private readonly doc: WidgetDocument,
    /** URL the widget document was read from: relative fallback URLs resolve against it. */
    private readonly docUrl: string,
    private readonly transport: Transport,
    private readonly onChange: (state: FailoverState) => void = () => undefined,
  ) {
    if (doc.endpoints.length === 0) throw new Error('the widget document lists no endpoints');
  }

  get snapshot(): FailoverState {
    return this.state;
  }

  /** Runs `fn` with an abort signal that fires after `ms`; rejects on timeout. */
  private async timed<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const handle = this.transport.setTimeout(() => controller.abort(), ms);
    try {
      return await fn(controller.signal);
    } finally {
      this.transport.clearTimeout(handle);
    }
  }

  private setState(next: FailoverState): void {
    const changed = next.mode !== this.state.mode || next.current !== this.state.current || next.handoff !== this.state.handoff;
    this.state = next;
    if (changed) this.onChange(next);
    this.scheduleProbe();
  }

  /** Posts one message: the endpoint in use first, then each other endpoint once, then human mode. */
  async send(req: ChatRequest): Promise<SendOutcome> {
    const n = this.doc.endpoints.length;
    const start = this.state.mode === 'bot' ? this.state.current : 0;
    const body = JSON.stringify({ message: req.message, lang: req.lang, ...(req.conversationId ? { conversationId: req.conversationId } : {}) });
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const url = `${this.doc.endpoints[i].url.replace(/\/$/, '')}/chat`;
      try {
        const res = await this.timed(this.doc.timeoutMs, async (signal) => {
          const r = await this.transport.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
          return { status: r.status, body: r.status === 200 ? await r.json() : undefined };
        });
        if (res.status === 200 && isChatReply(res.body)) {
          this.setState({ mode: 'bot', current: i });
          return { kind: 'reply', reply: res.body, endpoint: i };
        }
        if (res.status !== 200 && !isRegionFailure(res.status)) return { kind: 'rejected', status: res.status };
        // A 200 that is not a reply, a 5xx, 429 or 408: this region failed; try the next at once.
      } catch {
        // Network error, CORS failure or timeout: the next endpoint at once.
      }
    }
    const handoff = await this.readHandoff();
    this.setState({ mode: 'human', current: 0, ...(handoff ? { handoff } : {}) });
    return { kind: 'human', ...(handoff ? { handoff } : {}) };
  }

  /** The first hand-off document that can be read, in the document's order. */
  async readHandoff(): Promise<WidgetHandoff | undefined> {
    for (const ref of this.doc.fallback) {
      try {
        const url = new URL(ref, this.docUrl).toString();
        const doc = await this.timed(this.doc.timeoutMs, async (signal) => {
          const r = await this.transport.fetch(url, { method: 'GET', signal });
          return r.status === 200 ? r.json() : undefined;
        });
        if (isHandoff(doc)) return doc;
      } catch {
        // Next fallback.
      }
    }
    return undefined;
  }

  /** Whether an endpoint answers GET WIDGET_HEALTH_PATH with 200 within the timeout. */
  async healthy(i: number): Promise<boolean> {
    try {
      const url = `${this.doc.endpoints[i].url.replace(/\/$/, '')}${WIDGET_HEALTH_PATH}`;
      const status = await this.timed(this.doc.timeoutMs, async (signal) => (await this.transport.fetch(url, { method: 'GET', signal })).status);
      return status === 200;
    } catch {
      return false;
    }
  }

  /**
   * One probe round: the endpoints ahead of the one in use (all of them in human mode), in order;
   * the first healthy one becomes the endpoint in use. Returns whether the state changed.
   */
  async probe(): Promise<boolean> {
    const limit = this.state.mode === 'human' ? this.doc.endpoints.length : this.state.current;
    for (let i = 0; i < limit; i++) {
      if (await this.healthy(i)) {
        this.setState({ mode: 'bot', current: i });
        return true;
      }
    }
    return false;
  }

  /** Probes run only while away from the first endpoint, one round at a time. */
  private scheduleProbe(): void {
    const away = this.state.mode === 'human' || this.state.current > 0;
    if (!away || this.stopped) {
      if (this.probeTimer !== undefined) this.transport.clearTimeout(this.probeTimer);
      this.probeTimer = undefined;
      return;
    }
    if (this.probeTimer !== undefined || this.probing) return;
    this.probeTimer = this.transport.setTimeout(async () => {
      this.probeTimer = undefined;
      this.probing = true;
      try {
        await this.probe();
      } finally {
        this.probing = false;
        this.scheduleProbe();
      }
    }, this.doc.probeIntervalMs);
  }

  /** Stops probing (the element left the page). */
  stop(): void {
    this.stopped = true;
    if (this.probeTimer !== undefined) this.transport.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  /** Resumes probing (the element came back). */
  resume(): void {
    this.stopped = false;
    this.scheduleProbe();
  }
}
