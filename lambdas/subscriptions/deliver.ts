import type { SNSEvent } from 'aws-lambda';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { NOTICE_KEY_ATTRIBUTE, NOTICE_TEXTS_ATTRIBUTE } from '../../contracts';
import { MailSettings, send, updateMail } from './mail';
import { SubscriptionStore } from './store';

/** How long a sent marker is kept (SNS and Lambda retries happen within hours). */
const SENT_KEEP_DAYS = 7;
/** Mails in flight at once (SES's default sending rate is 14 a second in production). */
const PARALLEL = 4;

export interface DeliveryResult {
  readonly notices: number;
  readonly sent: number;
  readonly skipped: number;
  /** Failures, without addresses: `<notice key>: <error name>` per mail. */
  readonly failures: string[];
}

type Texts = Record<string, { subject: string; body: string }>;

/**
 * The texts of one notice per language: the `notice_texts` attribute the incident publisher adds,
 * else the SNS subject and message (every language together) for every language.
 */
export function noticeTexts(record: SNSEvent['Records'][number], languages: readonly string[]): Texts {
  const raw = record.Sns.MessageAttributes?.[NOTICE_TEXTS_ATTRIBUTE]?.Value;
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as Texts;
      if (parsed && typeof parsed === 'object' && languages.every((l) => typeof parsed[l]?.subject === 'string' && typeof parsed[l]?.body === 'string')) return parsed;
    } catch {
      // fall through to the combined text
    }
  }
  return Object.fromEntries(languages.map((l) => [l, { subject: record.Sns.Subject ?? '', body: record.Sns.Message }]));
}

/**
 * Mails each customer notice to every confirmed subscriber, in the subscriber's language, with the
 * unsubscribe link and List-Unsubscribe headers. Each (notice, subscriber) is claimed once, so a
 * retried invocation mails only those not sent yet; a mail SES refused is given back for the retry.
 */
export async function deliver(event: SNSEvent, store: SubscriptionStore, ses: Pick<SESv2Client, 'send'>, s: MailSettings, clock: () => number = Date.now): Promise<DeliveryResult> {
  let sent = 0;
  let skipped = 0;
  const failures: string[] = [];
  const records = event.Records ?? [];
  if (!records.length) return { notices: 0, sent, skipped, failures };
  const subscribers = (await store.confirmed()).filter((x) => x.unsubscribeToken);
  for (const record of records) {
    const key = record.Sns.MessageAttributes?.[NOTICE_KEY_ATTRIBUTE]?.Value ?? record.Sns.MessageId;
    const texts = noticeTexts(record, s.texts.languages);
    const queue = [...subscribers];
    const worker = async () => {
      for (let sub = queue.shift(); sub; sub = queue.shift()) {
        if (!(await store.claimDelivery(key, sub.key, clock(), SENT_KEEP_DAYS))) {
          skipped++;
          continue;
        }
        const lang = texts[sub.lang] ? sub.lang : s.texts.languages[0];
        try {
          await send(ses, s, updateMail(s, sub.email, lang, sub.unsubscribeToken!, texts[lang]));
          sent++;
        } catch (e) {
          const err = e as Error & { $fault?: string };
          // Refused outright: certainly not sent, so the retry may send it. Otherwise keep the claim.
          if (err.$fault === 'client') await store.releaseDelivery(key, sub.key);
          failures.push(`${key}: ${err.name}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  }
  return { notices: records.length, sent, skipped, failures };
}
