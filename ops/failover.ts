import {
  GetHealthCheckCommand,
  ListHealthChecksCommand,
  ListTagsForResourcesCommand,
  Route53Client,
  UpdateHealthCheckCommand,
  UpdateHealthCheckCommandInput,
} from '@aws-sdk/client-route-53';
import { ENDPOINT_TAG_KEY, PLAN_TAG_KEY } from '../contracts';

/**
 * The operator's manual switch (drills, maintenance): Route 53 `Inverted` health checks. Inverting
 * the primary's check makes a healthy primary count as unhealthy, so DNS fails over to the standby
 * exactly as in a real outage; inverting both sends customers to the human-agent fallback.
 * `fail-back` clears every inversion. Runtime code (ops/ never imports aws-cdk-lib): importable
 * functions for the operator CLI (`scripts/failover.ts`).
 */
export const SWITCH_ACTIONS = ['fail-over', 'to-fallback', 'fail-back'] as const;
export type SwitchAction = (typeof SWITCH_ACTIONS)[number];
export type Endpoint = 'primary' | 'standby';

/** Tag every resource of a plan carries (lib/app.ts, contracts/names.ts); the CLI finds the plan's checks by it. */
export { PLAN_TAG_KEY };

export interface FoundHealthCheck {
  readonly endpoint: Endpoint;
  readonly id: string;
  readonly inverted: boolean;
}

/** Which checks must be inverted after an action. */
export function desiredInversion(action: SwitchAction): Record<Endpoint, boolean> {
  switch (action) {
    case 'fail-over':
      return { primary: true, standby: false };
    case 'to-fallback':
      return { primary: true, standby: true };
    case 'fail-back':
      return { primary: false, standby: false };
  }
}

/** What DNS answers for an inversion state, assuming the real endpoints are healthy. */
export function expectedTarget(inverted: Record<Endpoint, boolean>): 'primary' | 'standby' | 'fallback' {
  if (!inverted.primary) return 'primary';
  return inverted.standby ? 'fallback' : 'standby';
}

/**
 * The UpdateHealthCheck calls an action needs: only for checks whose `Inverted` differs from the
 * target state, so repeating an action changes nothing. Throws when a check is missing.
 */
export function switchCommands(action: SwitchAction, checks: readonly FoundHealthCheck[]): UpdateHealthCheckCommandInput[] {
  const want = desiredInversion(action);
  const out: UpdateHealthCheckCommandInput[] = [];
  for (const endpoint of ['primary', 'standby'] as const) {
    const found = checks.filter((c) => c.endpoint === endpoint);
    if (found.length !== 1) {
      throw new Error(`expected exactly one ${endpoint} health check tagged ${ENDPOINT_TAG_KEY}=${endpoint}, found ${found.length}; is the failover stack deployed for this plan?`);
    }
    if (found[0].inverted !== want[endpoint]) out.push({ HealthCheckId: found[0].id, Inverted: want[endpoint] });
  }
  return out;
}

/** Finds the plan's two health checks by their tags (contingency:plan, contingency:endpoint). */
export async function findHealthChecks(client: Route53Client, planName: string): Promise<FoundHealthCheck[]> {
  const ids: { id: string; inverted: boolean }[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListHealthChecksCommand({ ...(marker ? { Marker: marker } : {}) }));
    for (const hc of page.HealthChecks ?? []) ids.push({ id: hc.Id!, inverted: hc.HealthCheckConfig?.Inverted ?? false });
    marker = page.IsTruncated ? page.NextMarker : undefined;
  } while (marker);
  const found: FoundHealthCheck[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const batch = ids.slice(i, i + 10);
    const tags = await client.send(new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: batch.map((b) => b.id) }));
    for (const set of tags.ResourceTagSets ?? []) {
      const t = Object.fromEntries((set.Tags ?? []).map((x) => [x.Key, x.Value]));
      const endpoint = t[ENDPOINT_TAG_KEY];
      if (t[PLAN_TAG_KEY] === planName && (endpoint === 'primary' || endpoint === 'standby')) {
        found.push({ endpoint, id: set.ResourceId!, inverted: batch.find((b) => b.id === set.ResourceId)!.inverted });
      }
    }
  }
  return found;
}

export interface SwitchResult {
  readonly before: FoundHealthCheck[];
  readonly commands: UpdateHealthCheckCommandInput[];
  readonly executed: boolean;
  /** Inversion state after the action (as requested, or as read back when executed). */
  readonly after: Record<Endpoint, boolean>;
}

/** Plans an action and, with `execute`, applies it and reads the checks back. Dry run by default. */
export async function runSwitch(client: Route53Client, planName: string, action: SwitchAction, execute = false): Promise<SwitchResult> {
  const before = await findHealthChecks(client, planName);
  const commands = switchCommands(action, before);
  if (!execute) return { before, commands, executed: false, after: desiredInversion(action) };
  for (const input of commands) await client.send(new UpdateHealthCheckCommand(input));
  const after = { primary: false, standby: false };
  for (const c of before) {
    const hc = await client.send(new GetHealthCheckCommand({ HealthCheckId: c.id }));
    after[c.endpoint] = hc.HealthCheck?.HealthCheckConfig?.Inverted ?? false;
  }
  return { before, commands, executed: true, after };
}
