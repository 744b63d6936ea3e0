import type { Plan } from './schema';

/** 'primary' | 'standby' */
type Role = 'primary' | 'standby';

/** A region's own name, which the chat widget calls it by: the plan's `widget.regionNames.<role>`, else `<region>.<dns.name>`. */
export function regionNameOf(plan: Plan, role: Role): string {
  return plan.widget.regionNames[role] ?? `${plan.regions[role]}.${plan.dns.name}`;
}

/** Origins whose pages may call the chat API (CORS): the plan's `widget.allowedOrigins`, else https://<zone> and https://www.<zone>. */
export function widgetOrigins(plan: Plan): string[] {
  const zone = plan.dns.zone.name;
  return plan.widget.allowedOrigins ?? [`https://${zone}`, `https://www.${zone}`];
}
