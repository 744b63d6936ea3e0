import * as z from 'zod/mini';
import { defineFunctionConfig } from './function-config';
import { SERVICES } from './names';

/**
 * E-mail subscriptions to the status page (plan §7.2, §8.1): what the construct
 * (lib/incidents/status-subscriptions.ts), the page (lib/incidents/subscription-pages.ts) and the
 * functions (lambdas/subscriptions) agree on.
 */

/** Where the subscription API is served, on the status page's own distribution (so `connect-src 'self'`). */
export const SUBSCRIPTION_API_PATH = '/api/subscriptions';
/** The API's actions: `POST <path>/<action>`; `GET <path>/unsubscribe` redirects to the unsubscribe page. */
export const SUBSCRIPTION_ACTIONS = ['subscribe', 'confirm', 'unsubscribe'] as const;
export type SubscriptionAction = (typeof SUBSCRIPTION_ACTIONS)[number];
/** The pages that hold a confirm / unsubscribe button (the links in the e-mails lead there). */
export const SUBSCRIPTION_PAGES = { confirm: 'confirm.html', unsubscribe: 'unsubscribe.html', script: 'subscribe.js' } as const;

/** How long a confirmation link works, hours (the mails and the page say so). */
export const CONFIRMATION_TTL_HOURS = 24;
/** Largest request body the API reads, bytes; larger ones are answered 413 unread. */
export const SUBSCRIPTION_MAX_BODY_BYTES = 2048;
/** Tokens are 32 random bytes, base64url without padding: exactly 43 characters. */
export const SUBSCRIPTION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** SNS message attribute carrying a customer notice's idempotency key (`<incident>#<update>`). */
export const NOTICE_KEY_ATTRIBUTE = 'notice_key';
/** SNS message attribute on customer notices: JSON `{ <lang>: { subject, body } }`, one entry per plan language. */
export const NOTICE_TEXTS_ATTRIBUTE = 'notice_texts';

/** The e-mails' fixed words in one language (from the plan's word tables). */
export const subscriptionMailWordsSchema = z.object({
  confirmSubject: z.string(),
  confirmBody: z.string(),
  ignore: z.string(),
  footer: z.string(),
});
export type SubscriptionMailWords = z.output<typeof subscriptionMailWordsSchema>;

/** Texts the functions need, bundled next to them (they grow with the plan's languages). */
export const subscriptionTextsSchema = z.object({
  /** The plan's languages, the default first. */
  languages: z.array(z.string()).check(z.minLength(1, 'must list at least one language')),
  /** The status page's title per language (the e-mails' sender name). */
  title: z.record(z.string(), z.string()),
  words: z.record(z.string(), subscriptionMailWordsSchema),
});
export type SubscriptionTexts = z.output<typeof subscriptionTextsSchema>;
/** File name of the bundled texts. */
export const SUBSCRIPTION_TEXTS_FILE = 'subscription-texts.json';

const nonEmpty = z.string().check(z.minLength(1, 'must not be empty'));
const positiveInt = z.int('must be a whole number').check(z.gte(1, 'must be at least 1'));

/** The subscription functions' settings (API and delivery share them). */
export const subscriptionsConfig = defineFunctionConfig(SERVICES.subscriptions, {
  tableName: { env: 'TABLE_NAME', codec: 'text', schema: nonEmpty },
  /** The verified SES identity mails are sent from. */
  from: { env: 'MAIL_FROM', codec: 'text', schema: nonEmpty },
  /** The status page's https URL, without a trailing slash (links in the e-mails). */
  pageUrl: { env: 'PAGE_URL', codec: 'text', schema: nonEmpty },
  /** Requests per source IP per hour (all actions together). */
  perIpPerHour: { env: 'PER_IP_PER_HOUR', codec: 'number', schema: positiveInt },
  /** Confirmation mails per address per day. */
  mailsPerAddressPerDay: { env: 'MAILS_PER_ADDRESS_PER_DAY', codec: 'number', schema: positiveInt },
  /** SES configuration set for the mails (bounces, complaints). */
  configurationSet: { env: 'SES_CONFIGURATION_SET', codec: 'text', schema: nonEmpty, optional: true },
});
