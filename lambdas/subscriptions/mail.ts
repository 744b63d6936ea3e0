import MailComposer from 'nodemailer/lib/mail-composer';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SUBSCRIPTION_API_PATH, SUBSCRIPTION_PAGES, textIn, type SubscriptionTexts } from '../../contracts';

/**
 * A plausible single mailbox: no display name, no comments, no spaces or line breaks (nothing that
 * could add a header or a second recipient), at most 254 characters, a dotted domain.
 */
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export function isMailbox(s: string): boolean {
  return s.length <= 254 && ADDRESS.test(s) && !s.includes('..') && !s.startsWith('.') && !s.split('@')[0].endsWith('.');
}

export interface MailSettings {
  readonly from: string;
  readonly pageUrl: string;
  readonly texts: SubscriptionTexts;
  readonly configurationSet?: string;
}

export interface Mail {
  readonly to: string;
  readonly lang: string;
  readonly subject: string;
  readonly text: string;
  readonly headers?: Record<string, string>;
  /** The RFC 8058 one-click unsubscribe URL (List-Unsubscribe). */
  readonly unsubscribeUrl?: string;
}

const link = (base: string, page: string, token: string, lang: string) => `${base}/${page}?token=${encodeURIComponent(token)}&lang=${encodeURIComponent(lang)}`;

/** The confirmation mail: the link to the confirm page (a button there confirms, so link scanners do not). */
export function confirmationMail(s: MailSettings, to: string, lang: string, token: string): Mail {
  const w = s.texts.words[lang] ?? s.texts.words[s.texts.languages[0]];
  return { to, lang, subject: w.confirmSubject, text: [w.confirmBody, link(s.pageUrl, SUBSCRIPTION_PAGES.confirm, token, lang), '', w.ignore, '', s.pageUrl].join('\n') };
}

/** One customer notice for one subscriber, in the subscriber's language, with the unsubscribe links. */
export function updateMail(s: MailSettings, to: string, lang: string, unsubscribeToken: string, notice: { subject: string; body: string }): Mail {
  const w = s.texts.words[lang] ?? s.texts.words[s.texts.languages[0]];
  return {
    to,
    lang,
    subject: notice.subject,
    text: [notice.body, '', '-- ', w.footer, link(s.pageUrl, SUBSCRIPTION_PAGES.unsubscribe, unsubscribeToken, lang)].join('\n'),
    unsubscribeUrl: `${s.pageUrl}${SUBSCRIPTION_API_PATH}/unsubscribe?token=${encodeURIComponent(unsubscribeToken)}`,
  };
}

/** The MIME message (UTF-8, headers encoded by nodemailer's composer). */
export async function compose(s: MailSettings, mail: Mail): Promise<Buffer> {
  const name = textIn(s.texts.title, mail.lang);
  const composer = new MailComposer({
    from: { name, address: s.from },
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    textEncoding: 'base64',
    headers: {
      'Content-Language': mail.lang,
      'Auto-Submitted': 'auto-generated',
      // RFC 8058 one-click unsubscribe: the URL as written (ASCII, no folding), and the POST marker.
      ...(mail.unsubscribeUrl ? { 'List-Unsubscribe': { prepared: true, value: `<${mail.unsubscribeUrl}>` }, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
      ...mail.headers,
    },
  });
  return composer.compile().build();
}

/** Sends one mail through SES (SendEmail with the raw message, so the list headers go out as written). */
export async function send(ses: Pick<SESv2Client, 'send'>, s: MailSettings, mail: Mail): Promise<void> {
  const raw = await compose(s, mail);
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: s.from,
      Destination: { ToAddresses: [mail.to] },
      Content: { Raw: { Data: raw } },
      ...(s.configurationSet ? { ConfigurationSetName: s.configurationSet } : {}),
    }),
  );
}
