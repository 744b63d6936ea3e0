import { buildRequest, dingTalkSign, feishuSign, genericSign, acceptedBody, platformAnswer } from '../../../lambdas/notify/channels';
import { deliverAll, retryable, retryAfterMs } from '../../../lambdas/notify/deliver';
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

  test('headline drops the non-ASCII half of a bilingual label without leaving a stray space or empty brackets; a Chinese-only title gives way to the alarm name', () => {
    const a = alertFromAlarm('important', ALARM, CFG);
    expect(headline(a)).toBe('[IMPORTANT] ALARM [Emergency warning] API p99 latency (6000 ms) (ap-southeast-1)');
    const zhOnly = alertFromAlarm('important', { ...ALARM, AlarmDescription: '[緊急預警] 延遲\nx' }, CFG);
    expect(headline(zhOnly)).toBe('[IMPORTANT] ALARM acme-chat-primary-ApiLatencyEmergency-ABC (ap-southeast-1)');
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
    const signed = buildRequest('dingtalk', { url: 'https://oapi.example/robot/send?access_token=t', signingSecret: 'SEC000example' }, a, 1700000000000)!;
    expect(signed.url).toBe('https://oapi.example/robot/send?access_token=t&timestamp=1700000000000&sign=xyAXnOeEx8mcnUUlZoyxvRe%2FLa8u0eqZaWsTXunfdkQ%3D');
    expect(buildRequest('dingtalk', { url: 'https://oapi.example/x' }, a, 1)!.url).toBe('https://oapi.example/x');
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

describe('malformed events never throw, keep the alert and say what was wrong', () => {
  const now = Date.now();
  test('a StateChangeTime that is not a date: sent with the receipt time and the problem named', () => {
    const a = parseAlert('emergency', JSON.stringify({ ...ALARM, StateChangeTime: 'yesterday-ish' }), CFG)!;
    expect(a.cause.alarm).toBe(ALARM.AlarmName);
    expect(Math.abs(new Date(a.time.iso).getTime() - now)).toBeLessThan(60_000);
    expect(renderText(a)).toContain('Malformed event 事件格式有誤: StateChangeTime is not a date ("yesterday-ish"); the time shown is when the notifier received the event');
    // The message id does not depend on the receipt time: a retry of the same event is the same message.
    expect(parseAlert('emergency', JSON.stringify({ ...ALARM, StateChangeTime: 'yesterday-ish' }), CFG)!.id).toBe(a.id);
  });

  test('a description that is not a string: the alarm name is the title, the problem is named', () => {
    const a = parseAlert('important', JSON.stringify({ ...ALARM, AlarmDescription: { text: 'x' }, NewStateReason: 7 }), CFG)!;
    expect(a.title).toBe(ALARM.AlarmName);
    expect(a.problems).toEqual(['AlarmDescription is not text (object {"text":"x"}); the alarm name is shown as title']);
    expect(a.cause.reason).toBe('number 7');
  });

  test('an alarm notification without a state is still sent, as UNKNOWN', () => {
    const a = parseAlert('general', JSON.stringify({ ...ALARM, NewStateValue: null }), CFG)!;
    expect(a.state).toBe('UNKNOWN');
    expect(renderText(a)).toContain('NewStateValue is null; the state is unknown');
  });

  test.each([
    ['without time', { source: 'aws.health', region: 'ap-southeast-1', 'detail-type': 'AWS Health Event', detail: { service: 'LAMBDA', eventTypeCode: 'AWS_LAMBDA_OPERATIONAL_ISSUE' } }, 'time is not a date (missing)'],
    ['without detail', { source: 'aws.health', region: 'ap-southeast-1', time: '2026-11-23T01:02:03Z', 'detail-type': 'AWS Health Event' }, 'detail is missing: the service, event type and description are unknown'],
    ['with detail: null', { source: 'aws.health', time: '2026-11-23T01:02:03Z', detail: null }, 'detail is null'],
    ['with a description list that is not a list', { source: 'aws.health', time: 5e20, detail: { eventDescription: 'x', service: 3 } }, 'time is not a date (number 500000000000000000000)'],
  ])('an AWS Health event %s becomes an alert naming the problem', (_name, event, problem) => {
    const a = parseAlert('important', JSON.stringify(event), CFG)!;
    expect(a.state).toBe('ALARM');
    expect(a.title).toMatch(/^AWS Health: /);
    expect(a.cause.region).toBe('ap-southeast-1');
    expect(renderText(a)).toContain(problem);
  });

  test('every alert carries a reference: the same for the same state change, different for another', () => {
    const a = alertFromAlarm('emergency', ALARM, CFG);
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(renderText(a)).toContain(`Ref 編號: ${a.id}`);
    expect(alertFromAlarm('emergency', ALARM, CFG).id).toBe(a.id);
    expect(alertFromAlarm('emergency', { ...ALARM, NewStateValue: 'OK' }, CFG).id).not.toBe(a.id);
    expect(alertFromAlarm('emergency', { ...ALARM, StateChangeTime: '2026-11-23T12:30:00.000+0000' }, CFG).id).not.toBe(a.id);
  });
});

describe('platform answers, Retry-After and the delivery budget', () => {
  const target = (kind: 'slack' | 'dingtalk' | 'feishu' | 'wecom' | 'webhook' = 'slack') => ({ kind, name: kind, request: async () => ({ url: 'http://x', headers: {}, body: '{}' }) });

  test.each([
    ['dingtalk', '{"errcode":130101,"errmsg":"send too fast"}', '130101', true],
    ['dingtalk', '{"errcode":310000,"errmsg":"sign not match"}', '310000', false],
    ['feishu', '{"code":11232,"msg":"frequency limited"}', '11232', true],
    ['feishu', '{"StatusCode":19021}', '19021', false],
    ['wecom', '{"errcode":45009,"errmsg":"api freq out of limit"}', '45009', true],
    ['wecom', '{"errcode":93000,"errmsg":"invalid webhook url"}', '93000', false],
  ] as const)('%s answers HTTP 200 %s: a failure with code %s (retried: %s)', (kind, body, code, retry) => {
    expect(platformAnswer(kind, 200, body)).toMatchObject({ ok: false, code, retry });
  });

  test('Slack and Teams report errors as HTTP statuses; 2xx is success', () => {
    expect(platformAnswer('slack', 200, 'ok')).toMatchObject({ ok: true });
    expect(platformAnswer('slack', 404, 'no_service')).toMatchObject({ ok: false, retry: false, detail: 'HTTP 404' });
    expect(platformAnswer('teams', 429, '')).toMatchObject({ ok: false, retry: true });
  });

  test('Retry-After is read as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 12:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });

  test('a 429 with Retry-After waits what the server asked (not the shorter backoff), then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const fetchFn = (async () => (++calls === 1 ? new Response('slow down', { status: 429, headers: { 'retry-after': '4' } }) : new Response('ok'))) as typeof fetch;
    const [r] = await deliverAll([target()], { timeoutMs: 1000, attempts: 3, backoffMs: 10, fetchFn, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([4000]);
    expect(r).toMatchObject({ ok: true, attempts: 2 });
  });

  test('a rate-limit code in a 200 body is retried with backoff; a signature error is not retried', async () => {
    let calls = 0;
    const limited = (async () => (++calls === 1 ? new Response('{"errcode":130101}') : new Response('{"errcode":0}'))) as typeof fetch;
    const [ok] = await deliverAll([target('dingtalk')], { timeoutMs: 1000, attempts: 3, backoffMs: 10, fetchFn: limited, sleep: async () => undefined });
    expect(ok).toMatchObject({ ok: true, attempts: 2 });
    let bad = 0;
    const badSign = (async () => (bad++, new Response('{"errcode":310000}'))) as typeof fetch;
    const [r] = await deliverAll([target('dingtalk')], { timeoutMs: 1000, attempts: 3, backoffMs: 10, fetchFn: badSign, sleep: async () => undefined });
    expect(bad).toBe(1);
    expect(r).toMatchObject({ ok: false, attempts: 1, code: '310000', detail: 'HTTP 200, dingtalk errcode 310000' });
  });

  test('a Retry-After beyond the budget is not waited for: the delivery fails at once and says why', async () => {
    let t = 0;
    const fetchFn = (async () => new Response('', { status: 503, headers: { 'retry-after': '120' } })) as typeof fetch;
    const [r] = await deliverAll([target()], { timeoutMs: 1000, attempts: 5, backoffMs: 10, deadlineMs: 30_000, now: () => t, fetchFn, sleep: async (ms) => void (t += ms) });
    expect(r).toMatchObject({ ok: false, attempts: 1 });
    expect(r.detail).toBe('HTTP 503, Retry-After 120 s; the next attempt (after 120 s) would end past the delivery budget');
  });

  test('no attempt runs past the deadline: the per-attempt timeout shrinks to what is left', async () => {
    const timeouts: number[] = [];
    let t = 0;
    const fetchFn = (async (_u: unknown, init: RequestInit) => {
      // Records the signal's timeout by racing it: the attempt "takes" its whole budget.
      const started = Date.now();
      await new Promise<void>((resolve) => init.signal!.addEventListener('abort', () => resolve()));
      const took = Date.now() - started;
      timeouts.push(took);
      t += took;
      throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    }) as unknown as typeof fetch;
    const [r] = await deliverAll([target('webhook')], { timeoutMs: 400, attempts: 5, backoffMs: 10, deadlineMs: 700, now: () => t, fetchFn, sleep: async (ms) => void (t += ms) });
    expect(r.ok).toBe(false);
    expect(t).toBeLessThanOrEqual(700 + 50);
    expect(timeouts[0]).toBeGreaterThanOrEqual(380);
    expect(timeouts[1]).toBeLessThan(350); // 700 - 400 - 10 = 290 left for the second attempt
    expect(r.detail).toMatch(/^timed out after 2\d\d ms; the next attempt \(after 20 ms\) would end past the delivery budget$/);
  });
});
