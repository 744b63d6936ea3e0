import { loadedPlanWith } from './helpers/plan';
import { acknowledgements, nagSynth } from './helpers/synth';

// cdk-nag AwsSolutions runs as a validation plugin at synth; these tests run it exactly as `cdk synth` does.
describe('cdk-nag AwsSolutions', () => {
  // One synth of the example plan with the pack, shared by the tests below.
  let example: ReturnType<typeof nagSynth>;
  beforeAll(() => {
    example = nagSynth();
  });

  // Covers every stack, so also the fallback site (global), the regional custom domains and the failover stack.
  test('the example plan has no unacknowledged findings on any stack', () => {
    expect(example.violations).toEqual([]);
  });

  test('a plan with every optional feature on has none either', () => {
    const plan = loadedPlanWith((p) => {
      p.chatbot = { ...p.chatbot, reservedConcurrency: 20, provisionedConcurrency: 1 };
      p.dns.zone = { id: 'Z0123456789ABCDEFGHIJ', name: 'acme-example.com' };
      p.backup = { ...p.backup, vaultLock: { mode: 'compliance', changeableForDays: 3 }, copyToAccount: { accountId: '210987654321', vaultArn: 'arn:aws:backup:ap-east-1:210987654321:backup-vault:acme-chat-offsite' } };
      p.incidents = { ...(p.incidents ?? {}), statusPage: { ...(p.incidents?.statusPage ?? {}), subscriptions: { enabled: true, from: 'status@acme-example.com', configurationSet: 'status-mail' } } };
    });
    const all = nagSynth(plan);
    expect(all.violations).toEqual([]);
    // The only REST APIs without a web ACL are the status page's subscription form and survey (behind
    // the status page's distribution, rate limited by their own counters), and each says why.
    const apig3 = acknowledgements(all.app).filter((a) => a.id.startsWith('AwsSolutions-APIG3'));
    expect(apig3.map((a) => a.path).sort()).toEqual([expect.stringMatching(/\/StatusPage\/Subscriptions\/Api$/), expect.stringMatching(/\/Global\/Survey\/Api$/)]);
  });

  test('every acknowledgement names a rule and gives a specific reason', () => {
    // aws-cdk-lib itself acknowledges a cfn-lint rule on buckets with ACLs (the CloudFront log bucket): not ours.
    const acks = acknowledgements(example.app).filter((a) => !a.id.startsWith('CloudFormation-Validate::'));
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      // cdk-nag's AwsSolutions rules, or the project's own ContingencyChecks rules (CC-<plan clause>-<what>).
      expect(a.id).toMatch(/^(AwsSolutions-[A-Z]+\d+(\[.+\])?|CC-\d+(\.\d+)*-[A-Za-z]+)$/);
      // A reason says why, in a sentence: not "ok", "n/a" or "false positive".
      expect(a.reason.length).toBeGreaterThanOrEqual(40);
    }
  });

  test('the chatbot REST API stages have AWS WAF; only the survey API (behind the status distribution, no WAF like the page) acknowledges AwsSolutions-APIG3', () => {
    const acks = acknowledgements(example.app);
    expect(acks.filter((a) => a.id.startsWith('AwsSolutions-APIG3')).map((a) => a.path)).toEqual([expect.stringMatching(/\/Global\/Survey\/Api$/)]);
    // What the REST APIs do acknowledge is about their anonymous use and logging, with reasons.
    const chatbot = acks.filter((a) => /^AwsSolutions-(APIG|COG)/.test(a.id) && !a.path.includes('/Survey/'));
    expect(chatbot.map((a) => a.id).sort()).toEqual(
      ['AwsSolutions-APIG2', 'AwsSolutions-APIG4', 'AwsSolutions-APIG6', 'AwsSolutions-COG4', 'AwsSolutions-APIG2', 'AwsSolutions-APIG4', 'AwsSolutions-APIG6', 'AwsSolutions-COG4'].sort(),
    );
  });

  test('nag catches a real problem (guards against a silently disabled pack)', () => {
    const { App, Stack } = require('aws-cdk-lib');
    const s3 = require('aws-cdk-lib/aws-s3');
    const { Validations } = require('aws-cdk-lib');
    const { AwsSolutionsChecks } = require('cdk-nag');
    const fs = require('fs');
    const os = require('os');
    const path = require('path');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-canary-'));
    const app = new App({ outdir });
    new s3.Bucket(new Stack(app, 'Canary'), 'Open');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow();
    const report = fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8');
    expect(report).toContain('AwsSolutions-S10');
  });
});
