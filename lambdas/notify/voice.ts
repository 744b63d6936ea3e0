import { PinpointSMSVoiceV2Client, SendVoiceMessageCommand, VoiceId } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { DeliveryResult } from './deliver';
import type { Alert } from './message';

/** Voice calls for emergencies (plan §4.3.1 聲音提示), as the Notifier construct configures them. */
export interface VoiceConfig {
  /** ARN of the End User Messaging phone number or pool that places the calls. */
  readonly originationIdentity: string;
  /** Region of that number (from its ARN): the client calls this region's endpoint. */
  readonly region: string;
  /** On-call numbers called, E.164. */
  readonly phones: readonly string[];
  /** Language of the spoken message. */
  readonly language: 'zh' | 'en';
  /** Amazon Polly voice that speaks it (SendVoiceMessage VoiceId). */
  readonly voiceId: string;
  /** Most the call may cost per minute, US dollars (SendVoiceMessage MaxPricePerMinute). */
  readonly maxPricePerMinute: string;
}

/** The title without the "[Emergency warning 緊急預警]" prefix the alerting constructs put on it. */
function spokenTitle(a: Alert): string {
  return a.title.replace(/^\[[^\]]*\]\s*/, '').trim() || a.cause.alarm;
}

/**
 * What the call says: level, what broke, where, since when, what to do, said twice (the first
 * seconds of a call are often missed). Plain text, read by Amazon Polly.
 */
export function renderVoice(a: Alert, language: 'zh' | 'en'): string {
  const title = spokenTitle(a);
  const repeat = a.repeat ? (language === 'zh' ? '尚未確認，' : 'Not yet acknowledged. ') : '';
  const once =
    language === 'zh'
      ? `緊急預警。${repeat}${title}。地區 ${a.cause.region}。開始時間 ${a.time.local}。請查看訊息並確認警報。`
      : `Emergency warning. ${repeat}${title}. Region ${a.cause.region}. Since ${a.time.local}. Read your alert messages and acknowledge the alarm.`;
  const text = `${once} ${language === 'zh' ? '再說一次：' : 'Again: '}${once}`;
  return text.slice(0, 6000);
}

/** Whether an alert is a page that calls phones: an emergency in ALARM (first alert and every unacknowledged repeat). */
export function callsPhones(a: Alert): boolean {
  return a.level === 'emergency' && a.state === 'ALARM';
}

/** Places one call; a failure is returned with the error name, never thrown. */
export async function call(client: PinpointSMSVoiceV2Client, voice: VoiceConfig, phone: string, alert: Alert, signal: AbortSignal): Promise<DeliveryResult> {
  const meta = { kind: 'voice' as const, name: phone, audience: 'on-call phones' };
  try {
    const res = await client.send(
      new SendVoiceMessageCommand({
        DestinationPhoneNumber: phone,
        OriginationIdentity: voice.originationIdentity,
        MessageBody: renderVoice(alert, voice.language),
        MessageBodyTextType: 'TEXT',
        VoiceId: voice.voiceId as VoiceId,
        MaxPricePerMinute: voice.maxPricePerMinute,
        // A call that cannot be placed within 5 minutes is dropped; the next repeat calls again.
        TimeToLive: 300,
        Context: { ref: alert.id, alarm: alert.cause.alarm.slice(0, 800) },
      }),
      { abortSignal: signal },
    );
    return { ...meta, ok: true, attempts: 1, detail: `call queued (${res.MessageId ?? 'no id'})` };
  } catch (e) {
    return { ...meta, ok: false, attempts: 1, detail: `call failed (${(e as Error).name})` };
  }
}
