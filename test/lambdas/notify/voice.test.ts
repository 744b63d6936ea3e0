import { PinpointSMSVoiceV2Client, SendVoiceMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { alertFromAlarm, NotifierConfig } from '../../../lambdas/notify/message';
import { NotifierDeps, sendAlert } from '../../../lambdas/notify/notify';
import type { Claim, OutcomeStore } from '../../../lambdas/notify/outcomes';
import { renderVoice } from '../../../lambdas/notify/voice';
import { ALARM, CFG } from './fixtures';

const voiceMock = mockClient(PinpointSMSVoiceV2Client);
const snsMock = mockClient(SNSClient);

const ORIGIN = 'arn:aws:sms-voice:ap-southeast-1:123456789012:phone-number/phone-0123456789abcdef0123456789abcdef';
const VOICE_CFG: NotifierConfig = {
  ...CFG,
  voice: { originationIdentity: ORIGIN, region: 'ap-southeast-1', phones: ['+85291234567', '+85292345678'], language: 'zh', voiceId: 'ZHIYU', maxPricePerMinute: '0.10' },
};

/** An outcome store in memory, with the same claim rules as the DynamoDB one. */
class MemoryStore implements OutcomeStore {
  readonly items = new Map<string, 'sending' | 'sent'>();
  async claim(id: string, ch: string): Promise<Claim> {
    const k = `${id}|${ch}`;
    const s = this.items.get(k);
    if (s) return s === 'sent' ? 'sent' : 'busy';
    this.items.set(k, 'sending');
    return 'claimed';
  }
  async sent(id: string, ch: string) {
    this.items.set(`${id}|${ch}`, 'sent');
  }
  async release(id: string, ch: string) {
    this.items.delete(`${id}|${ch}`);
  }
}

function deps(cfg: NotifierConfig, extra: Partial<NotifierDeps> = {}): NotifierDeps {
  return { cfg, sns: new SNSClient({ region: 'ap-southeast-1' }), secrets: new SecretsManagerClient({}), cloudwatch: new CloudWatchClient({}), ssm: new SSMClient({}), voice: new PinpointSMSVoiceV2Client({ region: 'ap-southeast-1' }), ...extra };
}

beforeEach(() => {
  voiceMock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
  voiceMock.on(SendVoiceMessageCommand).resolves({ MessageId: 'call-1' });
});

describe('voice calls for emergencies (§4.3.1 聲音提示)', () => {
  test('an emergency ALARM calls every on-call phone from the plan number, in the plan language, with a price cap', async () => {
    const alert = alertFromAlarm('emergency', ALARM, VOICE_CFG);
    const outcome = await sendAlert(deps(VOICE_CFG), alert);
    const calls = voiceMock.commandCalls(SendVoiceMessageCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.DestinationPhoneNumber)).toEqual(['+85291234567', '+85292345678']);
    for (const c of calls) {
      expect(c).toMatchObject({ OriginationIdentity: ORIGIN, VoiceId: 'ZHIYU', MessageBodyTextType: 'TEXT', MaxPricePerMinute: '0.10', Context: { ref: alert.id } });
      expect(c.MessageBody).toBe(renderVoice(alert, 'zh'));
    }
    expect(calls[0].MessageBody).toBe(
      '緊急預警。API p99 latency (6000 ms)。地區 ap-southeast-1。開始時間 2026-11-23 20:00:00 (Asia/Hong_Kong)。請查看訊息並確認警報。 再說一次：緊急預警。API p99 latency (6000 ms)。地區 ap-southeast-1。開始時間 2026-11-23 20:00:00 (Asia/Hong_Kong)。請查看訊息並確認警報。',
    );
    expect(outcome.deliveries.filter((d) => d.kind === 'voice')).toEqual([
      { kind: 'voice', name: '+85291234567', audience: 'on-call phones', ok: true, attempts: 1, detail: 'call queued (call-1)' },
      { kind: 'voice', name: '+85292345678', audience: 'on-call phones', ok: true, attempts: 1, detail: 'call queued (call-1)' },
    ]);
  });

  test('English plans are spoken in English', () => {
    const text = renderVoice({ ...alertFromAlarm('emergency', ALARM, VOICE_CFG), repeat: { since: 'x', ackCommand: 'y' } }, 'en');
    expect(text).toMatch(/^Emergency warning\. Not yet acknowledged\. API p99 latency \(6000 ms\)\. Region ap-southeast-1\. Since 2026-11-23 20:00:00 \(Asia\/Hong_Kong\)\./);
  });

  test.each([
    ['an emergency OK', 'emergency', 'OK'],
    ['an important ALARM', 'important', 'ALARM'],
    ['a general ALARM', 'general', 'ALARM'],
  ] as const)('%s calls nobody', async (_n, level, state) => {
    await sendAlert(deps(VOICE_CFG), alertFromAlarm(level, { ...ALARM, NewStateValue: state }, VOICE_CFG));
    expect(voiceMock.commandCalls(SendVoiceMessageCommand)).toHaveLength(0);
  });

  test('no voice settings in the plan: no call', async () => {
    await sendAlert(deps(CFG), alertFromAlarm('emergency', ALARM, CFG));
    expect(voiceMock.commandCalls(SendVoiceMessageCommand)).toHaveLength(0);
  });

  test('a refused call fails that phone alone, and a retry calls only the phone that failed', async () => {
    voiceMock.on(SendVoiceMessageCommand, { DestinationPhoneNumber: '+85292345678' }).rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' })).resolves({ MessageId: 'call-2' });
    const store = new MemoryStore();
    const alert = alertFromAlarm('emergency', ALARM, VOICE_CFG);
    const first = await sendAlert(deps(VOICE_CFG, { outcomes: store }), alert);
    expect(first.deliveries.map((d) => [d.name, d.ok, d.detail])).toEqual([
      ['+85291234567', true, 'call queued (call-1)'],
      ['+85292345678', false, 'call failed (ThrottlingException)'],
    ]);
    const retry = await sendAlert(deps(VOICE_CFG, { outcomes: store }), alert);
    expect(retry.deliveries.every((d) => d.ok)).toBe(true);
    expect(voiceMock.commandCalls(SendVoiceMessageCommand).map((c) => c.args[0].input.DestinationPhoneNumber)).toEqual(['+85291234567', '+85292345678', '+85292345678']);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
