import { readBundledJson } from '../shared/bundled';
import { SUBSCRIPTION_TEXTS_FILE, subscriptionsConfig, subscriptionTextsSchema, type SubscriptionTexts } from '../../contracts';
import type { ApiSettings } from './api';

/** The settings from the environment and the texts bundled next to the handler; one clear line when they do not match. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env, texts: SubscriptionTexts | undefined = readBundledJson<SubscriptionTexts>(SUBSCRIPTION_TEXTS_FILE)): ApiSettings & { tableName: string } {
  const c = subscriptionsConfig.fromEnvironment(env);
  if (!texts) throw new Error(`${SUBSCRIPTION_TEXTS_FILE} is not bundled next to the handler; deploy the function with its construct (lib/incidents/status-subscriptions.ts)`);
  const parsed = subscriptionTextsSchema.safeParse(texts);
  if (!parsed.success) throw new Error(`${SUBSCRIPTION_TEXTS_FILE} does not match its contract: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { tableName: c.tableName, from: c.from, pageUrl: c.pageUrl.replace(/\/+$/, ''), perIpPerHour: c.perIpPerHour, mailsPerAddressPerDay: c.mailsPerAddressPerDay, texts: parsed.data, ...(c.configurationSet ? { configurationSet: c.configurationSet } : {}) };
}

