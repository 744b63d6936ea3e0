import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPlan, parsePlan, PlanValidationError, renderPlanJsonSchema, withPlanReference, worstCaseFailoverSeconds } from '../../lib/config';
import { examplePlanInput, loadedPlan, patchedInput } from '../helpers/plan';

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parsePlan(input, 'test plan', path.join(__dirname, '..', '..', 'plans'));
  } catch (e) {
    if (e instanceof PlanValidationError) return [...e.issues];
    throw e;
  }
  return [];
}

/** Exactly one issue at `at`, whose message matches `message`. */
function expectIssue(input: unknown, at: string, message: RegExp) {
  const issues = issuesOf(input);
  expect(issues.map((i) => i.path)).toContain(at);
  expect(issues.find((i) => i.path === at)!.message).toMatch(message);
}

describe('example plan', () => {
  test('is valid and gets documented defaults', () => {
    const { plan } = loadPlan();
    expect(plan.name).toBe('acme-chat');
    expect(plan.regions).toEqual({ primary: 'ap-southeast-1', standby: 'ap-northeast-1' });
    expect(plan.chatbot.matchThreshold).toBe(0.3);
    expect(plan.chatbot.healthToken).toBe('CHATBOT_HEALTHY');
    expect(plan.chatbot.reservedConcurrency).toBeUndefined();
    expect(plan.knowledgeBase.length).toBeGreaterThanOrEqual(10);
  });

  test('a minimal plan gets every default', () => {
    const input = examplePlanInput() as Record<string, unknown>;
    const minimal = {
      name: 'mini-bot',
      regions: { primary: 'eu-west-1', standby: 'eu-central-1' },
      dns: { name: 'chat.example.org', zone: { id: 'Z0123456789ABCDEFGHIJ', name: 'example.org' } },
      handoff: input.handoff,
      audiences: { opsOnCall: { levels: ['general', 'important', 'emergency'], email: ['ops@example.org'] } },
      knowledgeBase: input.knowledgeBase,
    };
    const plan = parsePlan(minimal);
    expect(plan.chatbot).toMatchObject({ memoryMb: 512, timeoutSeconds: 10, provisionedConcurrency: 0, throttle: { rateLimit: 50, burstLimit: 100 }, logRetentionDays: 30 });
    expect(plan.objectives).toEqual({ availabilityPercent: 99.9, latencyP99Ms: 2000, rtoMinutes: 15, rpoMinutes: 15 });
    expect(plan.failover).toMatchObject({ requestIntervalSeconds: 10, failureThreshold: 3, dnsTtlSeconds: 60 });
    expect(plan.thresholds.errorRatePercent).toEqual({ general: 1, important: 5, emergency: 20 });
    expect(plan.backup.retentionDays).toBe(35);
    expect(plan.timeZone).toBe('Asia/Hong_Kong');
  });
});

describe('schema rules', () => {
  test('unknown keys are rejected with the key named (typos)', () => {
    expectIssue(patchedInput({ regoins: {} }), '', /unknown key "regoins"/);
    expectIssue(patchedInput({ chatbot: { memoryMB: 256 } }), 'chatbot', /unknown key "memoryMB"/);
  });
  test('required sections are named', () => {
    const input = examplePlanInput() as Record<string, unknown>;
    delete input.handoff;
    expectIssue(input, 'handoff', /is required/);
  });
  test('plan name format', () => expectIssue(patchedInput({ name: 'Acme Chat' }), 'name', /lower-case letters, digits or dashes/));
  test('region format', () => expectIssue(patchedInput({ regions: { standby: 'tokyo' } }), 'regions.standby', /AWS region code/));
  test('dns name format', () => expectIssue(patchedInput({ dns: { name: 'Chat_Example' } }), 'dns.name', /not a DNS name/));
  test('hosted zone id format', () =>
    expectIssue(patchedInput({ dns: { zone: { id: 'abc', name: 'acme-example.com' } } }), 'dns.zone', /.+/));
  test('function timeout stays under the API Gateway limit', () =>
    expectIssue(patchedInput({ chatbot: { timeoutSeconds: 30 } }), 'chatbot.timeoutSeconds', /29/));
  test('log retention must be a CloudWatch value', () => expect(issuesOf(patchedInput({ chatbot: { logRetentionDays: 10 } })).map((i) => i.path)).toContain('chatbot.logRetentionDays'));
  test('e-mail and SMS formats', () => {
    expectIssue(patchedInput({ audiences: { opsOnCall: { email: ['not-an-email'] } } }), 'audiences.opsOnCall.email[0]', /e-mail address/);
    expectIssue(patchedInput({ audiences: { opsOnCall: { sms: ['91234567'] } } }), 'audiences.opsOnCall.sms[0]', /E\.164/);
  });
  test('webhook kind and secret name', () => {
    expect(issuesOf(patchedInput({ audiences: { opsOnCall: { webhooks: [{ kind: 'irc', secretName: 'x' }] } } })).map((i) => i.path)).toContain('audiences.opsOnCall.webhooks[0].kind');
    expectIssue(patchedInput({ audiences: { opsOnCall: { webhooks: [{ kind: 'slack', secretName: 'has space' }] } } }), 'audiences.opsOnCall.webhooks[0].secretName', /secret name/);
  });
  test('hand-off chat URL must be https', () => expectIssue(patchedInput({ handoff: { chatUrl: 'http://x.example.com' } }), 'handoff.chatUrl', /https/));
  test('knowledge-base entry id format', () => {
    const kb = examplePlanInput().knowledgeBase;
    expectIssue(patchedInput({ knowledgeBase: [{ ...kb[0], id: 'Opening Hours' }] }), 'knowledgeBase[0].id', /lower-case letters, digits and dashes/);
  });
  test('every problem is reported at once', () => {
    const issues = issuesOf(patchedInput({ name: 'X', regions: { primary: 'nowhere' }, chatbot: { memoryMb: 64 } }));
    expect(issues.map((i) => i.path).sort()).toEqual(['chatbot.memoryMb', 'name', 'regions.primary']);
  });
});

describe('cross-field rules', () => {
  test('standby region must differ from primary', () =>
    expectIssue(patchedInput({ regions: { standby: 'ap-southeast-1' } }), 'regions.standby', /must differ from regions.primary \("ap-southeast-1"\)/));
  test('dns name must be inside the zone', () => expectIssue(patchedInput({ dns: { name: 'chat.other.com' } }), 'dns.name', /not inside dns.zone.name \("acme-example.com"\)/));
  test('time zone must be IANA', () => expectIssue(patchedInput({ timeZone: 'Mars/Olympus' }), 'timeZone', /IANA time zone/));
  test.each(['apiLatencyP99Ms', 'errorRatePercent', 'throttledRequests', 'concurrencyPercent'])('thresholds.%s must be ordered by level', (name) => {
    expectIssue(
      patchedInput({ thresholds: { [name]: { general: 50, important: 40, emergency: 60 } } }),
      `thresholds.${name}.important`,
      /must be greater than thresholds\..+\.general \(50\), got 40/,
    );
    expectIssue(patchedInput({ thresholds: { [name]: { general: 10, important: 50, emergency: 50 } } }), `thresholds.${name}.emergency`, /got 50/);
  });
  test('provisioned concurrency cannot exceed reserved', () =>
    expectIssue(patchedInput({ chatbot: { reservedConcurrency: 5, provisionedConcurrency: 10 } }), 'chatbot.provisionedConcurrency', /must not exceed chatbot.reservedConcurrency \(5\), got 10/));
  test('burst limit at least the rate limit', () =>
    expectIssue(patchedInput({ chatbot: { throttle: { rateLimit: 100, burstLimit: 10 } } }), 'chatbot.throttle.burstLimit', /at least chatbot.throttle.rateLimit \(100\), got 10/));
  test('RTO objective must be achievable by the failover settings', () => {
    // 30 s × 10 + 6 s probe timeout + 300 s TTL = 606 s > 5 min
    const input = patchedInput({ objectives: { rtoMinutes: 5 }, failover: { requestIntervalSeconds: 30, failureThreshold: 10, dnsTtlSeconds: 300 } });
    expectIssue(input, 'objectives.rtoMinutes', /5 min cannot be met: failover alone can take 606 s/);
    expect(worstCaseFailoverSeconds({ requestIntervalSeconds: 30, failureThreshold: 10, dnsTtlSeconds: 300 })).toBe(606);
  });
  test('RPO objective below the point-in-time-recovery lag is impossible', () =>
    expectIssue(patchedInput({ objectives: { rpoMinutes: 1 } }), 'objectives.rpoMinutes', /set at least 5/));
  test('restore-test silence window must fit in retention', () =>
    expectIssue(patchedInput({ backup: { retentionDays: 7, restoreTestMaxSilenceDays: 10 } }), 'backup.restoreTestMaxSilenceDays', /must not exceed backup.retentionDays \(7\)/));
  test('every warning level must reach someone', () => {
    const issues = issuesOf(
      patchedInput({
        audiences: {
          opsOnCall: { levels: ['general'], email: ['a@example.com'], sms: [], webhooks: [] },
          customerService: { levels: ['important'], email: [], sms: [], webhooks: [] },
          management: { levels: ['general'], email: ['m@example.com'], sms: [], webhooks: [] },
          partners: { levels: ['general'], email: [], sms: [], webhooks: [] },
        },
      }),
    );
    const messages = issues.filter((i) => i.path === 'audiences').map((i) => i.message);
    expect(messages).toHaveLength(2);
    expect(messages.join('\n')).toMatch(/"important"/);
    expect(messages.join('\n')).toMatch(/"emergency"/);
  });
  test('knowledge-base ids must be unique', () => {
    const kb = examplePlanInput().knowledgeBase;
    expectIssue(patchedInput({ knowledgeBase: [kb[0], kb[1], { ...kb[2], id: kb[0].id }] }), 'knowledgeBase[2].id', /already used by knowledgeBase\[0\]/);
  });
  test('knowledge base must fit in one table item', () => {
    const kb = examplePlanInput().knowledgeBase;
    const huge = { ...kb[0], 'zh-Hant': { questions: ['q'], answer: '長'.repeat(130_000) } };
    expectIssue(patchedInput({ knowledgeBase: [huge] }), 'knowledgeBase', /bytes; at most 358400/);
  });
  test('a custom bot entry must exist', () =>
    expectIssue(patchedInput({ chatbot: { entry: 'bots/missing.ts' } }), 'chatbot.entry', /file "bots\/missing.ts" not found/));
});

describe('loadPlan', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
  test('a missing file says so', () => {
    expect(() => loadPlan(path.join(tmp, 'nope.yaml'))).toThrow(/cannot read the plan file \(ENOENT\); pass an existing file with -c plan=PATH/);
  });
  test('invalid YAML says where', () => {
    const f = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(f, 'name: [unclosed\n');
    expect(() => loadPlan(f)).toThrow(/is not valid YAML/);
  });
  test('a YAML scalar is not a plan', () => {
    const f = path.join(tmp, 'scalar.yaml');
    fs.writeFileSync(f, 'just text\n');
    expect(() => loadPlan(f)).toThrow(/must be a YAML mapping/);
  });
  test('errors list the source file and count', () => {
    const f = path.join(tmp, 'two.yaml');
    fs.writeFileSync(f, JSON.stringify(patchedInput({ regions: { standby: 'ap-southeast-1' }, timeZone: 'Nowhere' })));
    expect(() => loadPlan(f)).toThrow(new RegExp(`plan ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is invalid \\(2 problems\\)`));
  });
  test('chatbot.entry resolves relative to the plan file', () => {
    fs.mkdirSync(path.join(tmp, 'bots'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'bots', 'mine.ts'), 'export const handler = async () => ({});\n');
    const f = path.join(tmp, 'custom.yaml');
    fs.writeFileSync(f, JSON.stringify(patchedInput({ chatbot: { entry: 'bots/mine.ts' } })));
    expect(loadPlan(f).plan.chatbot.entry).toBe('bots/mine.ts');
  });
});

describe('plans/plan.schema.json', () => {
  test('is current with the zod schema (run `npm run schema` after changing lib/config/schema.ts)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'plans', 'plan.schema.json'), 'utf8');
    expect(committed).toBe(renderPlanJsonSchema());
  });
  test('marks defaulted keys optional and keeps required ones required', () => {
    const schema = JSON.parse(renderPlanJsonSchema()) as { required: string[]; properties: Record<string, { required?: string[] }> };
    expect(schema.required.sort()).toEqual(['audiences', 'dns', 'handoff', 'knowledgeBase', 'name', 'regions']);
    expect(schema.properties.chatbot.required ?? []).toEqual([]);
  });
  test('docs/plan-reference.md is current (run `npm run schema`)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'plan-reference.md'), 'utf8');
    expect(withPlanReference(readme)).toBe(readme);
    expect(readme).toContain('| `chatbot.matchThreshold` | number 0.05–1 | `0.3` |');
  });
  test('the loaded example equals the loaded plan helper', () => {
    expect(loadedPlan().plan).toEqual(loadPlan().plan);
  });
});
