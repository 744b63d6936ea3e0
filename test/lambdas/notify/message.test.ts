import { buildRequest, dingTalkSign, feishuSign, genericSign, acceptedBody } from '../../../lambdas/notify/channels';
import { deliverAll, retryable } from '../../../lambdas/notify/deliver';
import {
  alertFromAlarm,
  alertFromHealthEvent,
  headline,
  localTime,
  logsInsightsUrl,
  parseAlert,
  renderSms,
  renderText,
  valueFromReason,
} from '../../../lambdas/notify/message';
import { ackParameterName, alarmsToRepeat } from '../../../lambdas/notify/notify';
import { WARNING_LEVELS } from '../../../lib/config';
import { ALARM, CFG } from './fixtures';

describe('alert content (§4.3.3: level, cause, measures, time, contacts)', () => {
  test.each(WARNING_LEVELS)('%s alarm: every part of the message is present', (level) => {
    const a = alertFromAlarm(level, ALARM, CFG);
    const text = renderText(a);
    expect(text).toContain(level === 'emergency' ? '緊急預警 Emergency warning' : level === 'important' ? '重要預警 Important warning' : '一般預警 General warning');
    expect(text).toContain('Cause 原因: acme-chat-primary-ApiLatencyEmergency-ABC in ap-southeast-1');
    expect(text).toContain('metric: AWS/ApiGateway/Latency (p99)');
    expect(text).toContain('value 7250.5 vs threshold ≥ 6000');
    expect(text).toContain('Measures 措施: Raise provisioned concurrency.');
    expect(text).toContain('console: https://ap-southeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-southeast-1#alarmsV2:alarm/acme-chat-primary-ApiLatencyEmergency-ABC');
    expect(text).toMatch(/logs: https:\/\/ap-southeast-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=ap-southeast-1#logsV2:logs-insights\$3FqueryDetail\$3D~\(/);
    expect(text).toContain('Time 時間: 2026-11-23 20:00:00 (Asia/Hong_Kong)');
    expect(text).toContain('Contacts 聯絡: On-call: oncall@acme-example.com');
    expect(a.title).toBe('[Emergency warning 緊急預警] API p99 latency (6000 ms)');
  });

  test('headline is ASCII and under 100 characters (SNS subject rule)', () => {
    const h = headline(alertFromAlarm('emergency', { ...ALARM, AlarmDescription: `${'很長的標題 long title '.repeat(20)}\nx` }, CFG));
    expect(h).toMatch(/^\[EMERGENCY\] ALARM /);
    expect(h.length).toBeLessThan(100);
    expect(h).toMatch(/^[\x20-\x7e]+$/);
  });

  test('SMS form is short and keeps level, state and local time', () => {
    const s = renderSms(alertFromAlarm('important', ALARM, CFG));
    expect(s).toBe('重要預警 IMPORTANT ALARM: [Emergency warning 緊急預警] API p99 latency (6000 ms) (ap-southeast-1) 2026-11-23 20:00:00 (Asia/Hong_Kong)');
  });

  test('metric-math alarms name the expression; the value comes from the state reason', () => {
    const a = alertFromAlarm('general', { ...ALARM, Trigger: { Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Metrics: [{ Id: 'm', Expression: 'IF(total > 0, 100 * FILL(part, 0) / total, 0)', Label: '5xx %' }] } }, CFG);
    expect(a.cause.metric).toBe('5xx % = IF(total > 0, 100 * FILL(part, 0) / total, 0)');
    expect(valueFromReason('no datapoint')).toBeUndefined();
  });

  test('AWS Health events become alerts with the health runbook', () => {
    const a = alertFromHealthEvent('important', { source: 'aws.health', region: 'ap-southeast-1', time: '2026-11-23T01:02:03Z', 'detail-type': 'AWS Health Event', detail: { service: 'LAMBDA', eventTypeCode: 'AWS_LAMBDA_OPERATIONAL_ISSUE', eventTypeCategory: 'issue', eventDescription: [{ latestDescription: 'Increased error rates' }] } }, CFG);
    expect(a.title).toBe('AWS Health: LAMBDA AWS_LAMBDA_OPERATIONAL_ISSUE');
    expect(a.measures.runbook).toBe('Fail over if customers are affected.');
    expect(a.cause.reason).toBe('Increased error rates');
    expect(a.time.local).toBe('2026-11-23 09:02:03 (Asia/Hong_Kong)');
  });

  test('messages that are not alerts are ignored', () => {
    expect(parseAlert('general', 'not json', CFG)).toBeUndefined();
    expect(parseAlert('general', '{"hello":1}', CFG)).toBeUndefined();
    expect(parseAlert('general', JSON.stringify(ALARM), CFG)?.cause.alarm).toBe(ALARM.AlarmName);
  });

  test('times follow the plan time zone', () => {
    expect(localTime('2026-01-01T00:00:00Z', 'Europe/London')).toBe('2026-01-01 00:00:00 (Europe/London)');
    expect(localTime('2026-01-01T00:00:00Z', 'Asia/Hong_Kong')).toBe('2026-01-01 08:00:00 (Asia/Hong_Kong)');
  });

  test('logs link names every log group and an absolute hour', () => {
    const url = logsInsightsUrl('eu-west-1', ['/a/b', '/c'], 'fields @message', '2026-01-01T01:00:00Z');
    expect(url).toContain("~source~(~'*2Fa*2Fb~'*2Fc)");
    expect(url).toContain("~start~'2026-01-01T00*3A00*3A00.000Z");
  });
});

describe('signatures per platform (vectors computed independently with Python hmac)', () => {
  test('DingTalk: HMAC-SHA256(secret, ts + "\\n" + secret), base64, URL-encoded', () => {
    expect(dingTalkSign(1700000000000, 'SEC000example')).toBe('xyAXnOeEx8mcnUUlZoyxvRe%2FLa8u0eqZaWsTXunfdkQ%3D');
  });
  test('Feishu/Lark: key = ts + "\\n" + secret over an empty message, base64', () => {
    expect(feishuSign(1700000000, 'SEC000example')).toBe('OGl+fhrIPe4RmLlF1qBjjfXJQqEJxZ80bMC8hc460wY=');
  });
  test('generic webhook: hex HMAC-SHA256 over "ts.body"', () => {
    expect(genericSign(1, 'x', 'k')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(genericSign(1, 'x', 'k')).not.toBe(genericSign(2, 'x', 'k'));
  });
  test('DingTalk request carries timestamp and sign; unsigned robots get neither', () => {
    const a = alertFromAlarm('emergency', ALARM, CFG);
    const signed = buildRequest('dingtalk', { url: 'https://oapi.example/robot/send?access_token=t', signingSecret: 'SEC000example' }, a, 1700000000000);
    expect(signed.url).toBe('https://oapi.example/robot/send?access_token=t&timestamp=1700000000000&sign=xyAXnOeEx8mcnUUlZoyxvRe%2FLa8u0eqZaWsTXunfdkQ%3D');
    expect(buildRequest('dingtalk', { url: 'https://oapi.example/x' }, a, 1).url).toBe('https://oapi.example/x');
  });
  test('platform error codes in a 200 body are failures', () => {
    expect(acceptedBody('dingtalk', '{"errcode":310000,"errmsg":"sign not match"}')).toBe(false);
    expect(acceptedBody('feishu', '{"code":19021,"msg":"sign match fail"}')).toBe(false);
    expect(acceptedBody('wecom', '{"errcode":0}')).toBe(true);
    expect(acceptedBody('slack', 'ok')).toBe(true);
  });
});

describe('delivery and repeat logic', () => {
  test('retries only what may succeed later', () => {
    expect([undefined, 429, 500, 503].map(retryable)).toEqual([true, true, true, true]);
    expect([400, 403, 404].map(retryable)).toEqual([false, false, false]);
  });

  test('backs off exponentially between attempts, and a broken secret fails only its own channel', async () => {
    const waits: number[] = [];
    let calls = 0;
    const fetchFn = (async () => {
      calls++;
      return new Response('err', { status: 503 });
    }) as typeof fetch;
    const results = await deliverAll(
      [
        { kind: 'slack', name: 's', request: async () => ({ url: 'http://x', headers: {}, body: '{}' }) },
        { kind: 'wecom', name: 'w', request: async () => Promise.reject(new TypeError('secret has no "url"')) },
      ],
      { timeoutMs: 100, attempts: 3, backoffMs: 10, fetchFn, sleep: async (ms) => void waits.push(ms) },
    );
    expect(calls).toBe(3);
    expect(waits).toEqual([10, 20]);
    expect(results).toEqual([
      { kind: 'slack', name: 's', ok: false, attempts: 3, detail: 'HTTP 503' },
      { kind: 'wecom', name: 'w', ok: false, attempts: 0, detail: 'request not built: TypeError' },
    ]);
  });

  test('emergencies repeat until acknowledged for the current episode', () => {
    const t0 = new Date('2026-11-23T12:00:00Z');
    const alarms = [
      { AlarmName: 'a', StateValue: 'ALARM', StateUpdatedTimestamp: t0 },
      { AlarmName: 'b', StateValue: 'ALARM', StateUpdatedTimestamp: t0 },
      { AlarmName: 'c', StateValue: 'OK', StateUpdatedTimestamp: t0 },
      { AlarmName: 'd', StateValue: 'ALARM', StateUpdatedTimestamp: t0 },
    ];
    const acks = new Map([
      [ackParameterName('/p/ack', 'b'), '2026-11-23T12:05:00Z'], // acked after it fired: quiet
      [ackParameterName('/p/ack', 'd'), '2026-11-23T11:00:00Z'], // acked an earlier episode: repeats
    ]);
    expect(alarmsToRepeat(alarms, acks, '/p/ack').map((a) => a.AlarmName)).toEqual(['a', 'd']);
    expect(ackParameterName('/p/ack/', 'x y:z')).toBe('/p/ack/x_y_z');
  });
});
