import type { Plan } from '../config/schema';
import type { ContactVolumes } from './usage';

/**
 * What the cost report needs from a plan that no template holds: the contacts alerts reach (usage
 * drivers) and the webhook secrets the operator creates (fixed items). Used by `contingency cost`
 * and written into the plan document's record, so both price the same things.
 */

/** The plan's contacts, as the usage drivers need them. */
export function contactVolumes(plan: Pick<Plan, 'audiences' | 'alerting'>): ContactVolumes {
  const audiences = Object.values(plan.audiences).filter((a): a is NonNullable<typeof a> => !!a);
  const smsNumbers = [...new Set(audiences.flatMap((a) => a.sms))];
  const emails = [...new Set(audiences.flatMap((a) => a.email))];
  const voice = plan.alerting.voice;
  const opsSms = plan.audiences.opsOnCall?.sms ?? [];
  return {
    smsNumbers,
    emails,
    ...(voice ? { voice: { phones: voice.phones.length ? voice.phones : opsSms, maxPricePerMinuteUsd: Number(voice.maxPricePerMinute) } } : {}),
  };
}

/** Webhook secrets the plan names, in every region a notifier reads them (primary, standby, us-east-1). */
export function planSecrets(plan: Pick<Plan, 'audiences' | 'regions'>): { name: string; region: string }[] {
  const names = [...new Set(Object.values(plan.audiences).flatMap((a) => a?.webhooks.map((w) => w.secretName) ?? []))];
  const regions = [...new Set([plan.regions.primary, plan.regions.standby, 'us-east-1'])];
  return regions.flatMap((region) => names.map((name) => ({ name, region })));
}
