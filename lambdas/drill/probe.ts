/**
 * Which region serves the public name: resolve it (and each region's target host) and ask
 * `GET /health` through it. Pure apart from the two ports, so the observer, the drill runner and
 * the tabletop share it and tests drive it without a network.
 */
export interface ProbePorts {
  /** IPv4 addresses of a host name ([] when it does not resolve). */
  resolve(host: string): Promise<string[]>;
  /** GET a URL with a deadline: status and parsed JSON body (undefined body when not JSON). */
  getJson(url: string): Promise<{ status: number; body: unknown }>;
}

export type ServingRole = 'primary' | 'standby' | 'none';

export interface ProbeResult {
  /** Region that answered /health healthy through the public name. */
  readonly servingRegion?: string;
  readonly role: ServingRole;
  /** Which regional target the public name resolves to (shared addresses), if any. */
  readonly resolvedTo?: 'primary' | 'standby';
  /** Why nothing is serving, in one line (never a body echoed back). */
  readonly problem?: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export async function probePublicName(
  publicName: string,
  regions: { primary: string; standby: string },
  ports: ProbePorts,
  targets?: { primary: string; standby: string },
): Promise<ProbeResult> {
  let resolvedTo: ProbeResult['resolvedTo'];
  if (targets) {
    const [pub, p, s] = await Promise.all([publicName, targets.primary, targets.standby].map((h) => ports.resolve(h).catch(() => [] as string[])));
    const overlap = (a: string[]) => pub.some((ip) => a.includes(ip));
    resolvedTo = overlap(s) && !overlap(p) ? 'standby' : overlap(p) && !overlap(s) ? 'primary' : undefined;
  }
  const base = { ...(resolvedTo ? { resolvedTo } : {}) };
  let res: { status: number; body: unknown };
  try {
    res = await ports.getJson(`https://${publicName}/health`);
  } catch (e) {
    return { ...base, role: 'none', problem: `GET /health failed (${(e as Error).name || 'error'})` };
  }
  const region = res.body && typeof res.body === 'object' ? (res.body as Record<string, unknown>).region : undefined;
  if (res.status !== 200) return { ...base, role: 'none', problem: `GET /health answered ${res.status}${typeof region === 'string' && REGION.test(region) ? ` from ${region}` : ''}` };
  if (typeof region !== 'string' || !REGION.test(region)) return { ...base, role: 'none', problem: 'GET /health answered 200 without a region (not the chatbot: the fallback page?)' };
  const role: ServingRole = region === regions.primary ? 'primary' : region === regions.standby ? 'standby' : 'none';
  return { ...base, servingRegion: region, role, ...(role === 'none' ? { problem: `answered by ${region}, neither the primary nor the standby` } : {}) };
}

/** Ports on the real network (Node's resolver and fetch with a 5 s deadline). */
export function networkPorts(timeoutMs = 5000): ProbePorts {
  return {
    async resolve(host) {
      const { promises } = await import('dns');
      return promises.resolve4(host).catch(() => []);
    },
    async getJson(url) {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { 'cache-control': 'no-cache' } });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, body };
    },
  };
}
