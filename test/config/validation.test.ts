import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadPlan, PlanIssue, PlanValidationError } from '../../lib/config';
import { examplePlanInput, patchedInput } from '../helpers/plan';

// Issue 10 "Plan validation": every malformed plan goes through the loader (loadPlan on a file),
// as `cdk synth -c plan=…` reads it, and must be refused with the path, the rule and the fix.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-validation-'));
let n = 0;

function writePlan(content: unknown, name = `plan-${n++}.yaml`): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, typeof content === 'string' || Buffer.isBuffer(content) ? content : stringify(content));
  return file;
}

function issuesOfFile(file: string): PlanIssue[] {
  try {
    loadPlan(file);
  } catch (e) {
    if (e instanceof PlanValidationError) return [...e.issues];
    throw e;
  }
  return [];
}

const issuesOf = (input: unknown) => issuesOfFile(writePlan(input));

/** An issue at exactly `at` whose message matches every pattern. */
function expectIssue(issues: PlanIssue[], at: string, ...patterns: RegExp[]) {
  const found = issues.filter((i) => i.path === at);
  expect(found.map((i) => i.path)).toContain(at);
  for (const p of patterns) expect(found.map((i) => i.message).join('\n')).toMatch(p);
}

describe('every problem in one run', () => {
  test('a plan with 5 schema and 3 cross-field problems reports all 8', () => {
    const issues = issuesOf(
      patchedInput({
        // schema
        regions: { standby: 'xx-nowhere-1' },
        failover: { requestIntervalSeconds: 20 },
        chatbot: { logRetentionDays: 10, throttle: { rateLimit: 100, burstLimit: 50 } },
        handoff: { phone: 'call us' },
        tags: { 'aws:team': 'x' },
        // cross-field
        thresholds: { errorRatePercent: { general: 1, important: 5, emergency: 3 } },
        backup: { restoreTestMaxSilenceDays: 90 },
      }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'regions.standby',
        'failover.requestIntervalSeconds',
        'chatbot.logRetentionDays',
        'handoff.phone',
        'tags.aws:team',
        'thresholds.errorRatePercent.emergency',
        'chatbot.throttle.burstLimit',
        'backup.restoreTestMaxSilenceDays',
      ].sort(),
    );
  });

  test('a rule that reads an invalid value is skipped, not run on a stand-in', () => {
    // dnsTtlSeconds 900 misses the RTO, but the interval is invalid: the RTO rules cannot judge.
    const issues = issuesOf(patchedInput({ failover: { requestIntervalSeconds: 20, dnsTtlSeconds: 900 }, objectives: { rtoMinutes: 'soon' } }));
    expect(issues.map((i) => i.path).sort()).toEqual(['failover.requestIntervalSeconds', 'objectives.rtoMinutes']);
    expect(issues.find((i) => i.path === 'objectives.rtoMinutes')!.message).not.toMatch(/cannot be met/);
    // The same TTL with a valid interval is reported.
    expectIssue(issuesOf(patchedInput({ failover: { dnsTtlSeconds: 900 }, tags: { 'aws:x': 'y' } })), 'objectives.rtoMinutes', /cannot be met/);
  });

  test('a cross-field rule still runs when a whole section is the wrong type', () => {
    const issues = issuesOf(patchedInput({ audiences: 'everyone', regions: { standby: 'ap-southeast-1' } }));
    expect(issues.map((i) => i.path).sort()).toEqual(['audiences', 'regions.standby']);
  });
});

describe('schedules are AWS cron() expressions', () => {
  test.each([
    ['cron(every day please)', /Expected 6 values/],
    ['cron(99 99 * * ? *)', /minutes field is bigger than upper limit '59'.*hours field is bigger than upper limit '23'/],
    ['cron(0 3 * * *)', /5 fields \(crontab form\).*AWS cron\(\) has 6/],
    ['cron(0 3 * * * *)', /Cannot specify both daysOfMonth and daysOfWeek/],
    ['0 3 * * ? *', /not a cron\(\) expression/],
    ['rate(1 day)', /rate\(\) expression; AWS Backup schedules take only cron\(\)/],
    ['cron(*/15 * * * ? *)', /more than once an hour/],
  ])('snapshotSchedule %s is refused', (expr, why) => {
    expectIssue(issuesOf(patchedInput({ backup: { snapshotSchedule: expr } })), 'backup.snapshotSchedule', why, /such as "cron\(0 3 \* \* \? \*\)"/);
  });
  test('restoreTestSchedule is checked the same way', () =>
    expectIssue(issuesOf(patchedInput({ backup: { restoreTestSchedule: 'cron(0 5 ? * FUNDAY *)' } })), 'backup.restoreTestSchedule', /not a valid AWS cron\(\)/));
  test.each(['cron(0 3 * * ? *)', 'cron(30 2 ? * MON-FRI *)', 'cron(0 4 L * ? 2027-2030)', 'cron(15 10 ? * 6#3 *)', 'cron(0 8 1W * ? *)'])('%s is accepted', (expr) => {
    expect(issuesOf(patchedInput({ backup: { snapshotSchedule: expr, restoreTestSchedule: expr } }))).toEqual([]);
  });
});

describe('regions come from the list aws-cdk-lib ships', () => {
  test('a well-formed code that does not exist is refused', () =>
    expectIssue(issuesOf(patchedInput({ regions: { standby: 'xx-nowhere-1' } })), 'regions.standby', /"xx-nowhere-1" is not an AWS region/, /such as "ap-east-1"/));
  test('a typo gets a did-you-mean', () =>
    expectIssue(issuesOf(patchedInput({ regions: { standby: 'ap-northeast-9' } })), 'regions.standby', /did you mean "ap-northeast-[123]"\?/));
  test('opt-in regions are allowed', () => expect(issuesOf(patchedInput({ regions: { primary: 'ap-east-1', standby: 'me-central-1' } }))).toEqual([]));
});

describe('tags follow AWS limits', () => {
  test('keys starting with aws: are refused', () => expectIssue(issuesOf(patchedInput({ tags: { 'AWS:Owner': 'team' } })), 'tags.AWS:Owner', /reserves/));
  test('a key over 128 characters is refused', () => {
    const key = 'k'.repeat(129);
    expectIssue(issuesOf(patchedInput({ tags: { [key]: 'v' } })), `tags.${key}`, /129 characters; AWS allows at most 128/);
  });
  test('a value over 256 characters is refused, naming tags.<key>', () =>
    expectIssue(issuesOf(patchedInput({ tags: { owner: 'x'.repeat(257) } })), 'tags.owner', /257 characters; AWS allows at most 256/));
  test('characters AWS refuses are refused', () => expectIssue(issuesOf(patchedInput({ tags: { 'cost#centre': 'a' } })), 'tags.cost#centre', /_ \. : \/ = \+ - @/));
  test('256 characters, Unicode letters and the allowed punctuation are accepted', () =>
    expect(issuesOf(patchedInput({ tags: { 'team/項目': 'y'.repeat(256), 'a.b:c=d+e-f@g_h': '客服 中心' } }))).toEqual([]));
});

describe('the hand-off phone is a phone number', () => {
  test.each(['call us', '12345', '+852 2000 0000'])('%s is refused', (phone) =>
    expectIssue(issuesOf(patchedInput({ handoff: { phone } })), 'handoff.phone', /phone number|country code/));
  test('a valid international number is accepted', () => expect(issuesOf(patchedInput({ handoff: { phone: '+44 20 7946 0958' } }))).toEqual([]));
});

describe('audiences reach someone', () => {
  test('an audience with levels but no channel is refused', () =>
    expectIssue(
      issuesOf(patchedInput({ audiences: { management: { levels: ['emergency'], email: [], sms: [], webhooks: [] } } })),
      'audiences.management',
      /reaches no one/,
      /add an address, a phone number or a webhook, or remove the audience/,
    ));
});

describe('plan files are UTF-8', () => {
  const exampleYaml = () => stringify(examplePlanInput());
  test('invalid UTF-8 is refused with where the bad byte is', () => {
    const good = Buffer.from(exampleYaml(), 'utf8');
    const at = good.indexOf(Buffer.from('knowledgeBase'));
    const bad = Buffer.concat([good.subarray(0, at), Buffer.from([0xb0, 0xa1, 0x0a]), good.subarray(at)]);
    const issues = issuesOfFile(writePlan(bad));
    expect(issues).toHaveLength(1);
    expect(issues[0].message).toMatch(new RegExp(`not valid UTF-8 \\(first invalid byte 0xb0 at byte ${at}, line \\d+\\).*save it as UTF-8`));
  });
  test('UTF-16 with a byte-order mark is named as UTF-16', () => {
    const issues = issuesOfFile(writePlan(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(exampleYaml(), 'utf16le')])));
    expect(issues[0].message).toMatch(/is UTF-16 \(little-endian, with a byte-order mark\), not UTF-8; save it as UTF-8/);
  });
  test('UTF-16 without a byte-order mark is named as UTF-16', () => {
    const issues = issuesOfFile(writePlan(Buffer.from(exampleYaml(), 'utf16le')));
    expect(issues[0].message).toMatch(/is UTF-16 \(little-endian\)/);
  });
  test('a UTF-8 byte-order mark is fine', () =>
    expect(issuesOfFile(writePlan(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(exampleYaml(), 'utf8')])))).toEqual([]));
});

describe('FAQ and DNS names', () => {
  test('a question that is only whitespace is refused', () => {
    const input = examplePlanInput() as any;
    input.knowledgeBase[1].en.questions[2] = '   \t ';
    expectIssue(issuesOf(input), 'knowledgeBase[1].en.questions[2]', /only whitespace/);
  });
  test('a zone name that is not a DNS name is refused', () =>
    expectIssue(issuesOf(patchedInput({ dns: { zone: { name: 'acme example!' } } })), 'dns.zone.name', /not a DNS name/));
  test('DNS names compare case-insensitively: a capitalised zone is legitimate', () => {
    const issues = issuesOf(patchedInput({ dns: { name: 'Chat.Acme-Example.com', zone: { name: 'ACME-EXAMPLE.COM.' } } }));
    expect(issues).toEqual([]);
    const { plan } = loadPlan(writePlan(patchedInput({ dns: { zone: { name: 'Acme-Example.com' } } })));
    expect(plan.dns.zone.name).toBe('acme-example.com');
  });
});

describe('messages list the allowed values or forms', () => {
  test('request interval', () =>
    expectIssue(issuesOf(patchedInput({ failover: { requestIntervalSeconds: 20 } })), 'failover.requestIntervalSeconds', /must be 10 or 30/));
  test('log retention', () =>
    expectIssue(issuesOf(patchedInput({ chatbot: { logRetentionDays: 10 } })), 'chatbot.logRetentionDays', /1, 3, 5, 7, 14, 30, 60, 90, 120, .*3653/));
  test('a zone of neither form', () => {
    const input = examplePlanInput() as any;
    input.dns.zone = { name: 'acme-example.com' };
    expectIssue(issuesOf(input), 'dns.zone', /\{create: true, name: .*\{id: "Z0123456789ABCDEFGHIJ", name: /);
  });
  test('no message is only "Invalid input"', () => {
    const issues = issuesOf(patchedInput({ failover: { requestIntervalSeconds: 20 }, chatbot: { logRetentionDays: 10 }, dns: { zone: { create: false } } }));
    expect(issues.length).toBeGreaterThanOrEqual(3);
    for (const i of issues) expect(i.message).not.toMatch(/^Invalid input$/);
  });
  test('unknown keys get a did-you-mean', () => {
    const issues = issuesOf(patchedInput({ chatbot: { memoryMB: 256 }, alerting: { runbooks: { 'api-latancy': 'x' } } }));
    expectIssue(issues, 'chatbot', /unknown key "memoryMB" \(did you mean "memoryMb"\?\)/);
    expectIssue(issues, 'alerting.runbooks', /unknown key "api-latancy" \(did you mean "api-latency"\?\)/);
  });
  test('a misspelt key marks the key it meant: rules reading it are skipped', () => {
    // With failureThrehold 30 the user meant a slow failover; the default (3) must not be judged instead.
    const issues = issuesOf(patchedInput({ failover: { failureThrehold: 30 }, objectives: { rtoMinutes: 1 } }));
    expect(issues.map((i) => i.path)).toEqual(['failover']);
  });
});
