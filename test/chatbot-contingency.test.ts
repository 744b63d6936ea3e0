import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage, StageProps, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { ChatbotContingency } from '../lib/chatbot-contingency';
import { loadedPlan } from './helpers/plan';

// The construct as teams use it in their own apps: under any App or Stage, next to other plans and
// other stacks. No bundling here (test/package/consumer-app.test.ts bundles from the packed tarball).
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const outdir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `contingency-${name}-`));

const acme = loadedPlan();
// A second team's plan: its own name and tags, a slow failover that a 15-minute objective allows.
const slow = loadedPlan({ name: 'slow-chat', tags: { project: 'slow' }, failover: { failureThreshold: 10, dnsTtlSeconds: 300 } });
// And a 5-minute objective its own (fast) failover meets, but the slow plan's would not.
const fast = { ...acme, plan: { ...acme.plan, objectives: { ...acme.plan.objectives, rtoMinutes: 5 } } };

const templatesOf = (c: ChatbotContingency) => Object.fromEntries(c.allStacks.map((s) => [s.node.id, Template.fromStack(s).toJSON()]));

describe('feature flags', () => {
  test("the templates are the same whatever flags the app's cdk.json sets (none, or every flag cdk init recommends)", () => {
    const bare = new ChatbotContingency(new App({ outdir: outdir('bare'), context: NO_BUNDLING }), 'Plan', { plan: acme, nag: false });
    const init = new ChatbotContingency(new App({ outdir: outdir('init'), context: { ...CURRENTLY_RECOMMENDED_FLAGS, ...NO_BUNDLING } }), 'Plan', { plan: acme, nag: false });
    const a = templatesOf(bare);
    const b = templatesOf(init);
    for (const k of Object.keys(a)) expect({ stack: k, template: b[k] }).toEqual({ stack: k, template: a[k] });
    // The flag the issue names: log buckets take deliveries through a bucket policy, never an ACL.
    const buckets = Object.values((b.Global as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }).Resources).filter((r) => r.Type === 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThan(0);
    for (const r of buckets) expect(r.Properties?.AccessControl).toBeUndefined();
  });
});

describe('two plans and an unrelated stack in one app', () => {
  const app = new App({ outdir: outdir('two'), context: NO_BUNDLING });
  const own = new Stack(app, 'TeamStack', { env: { region: 'eu-central-1' } });
  // Breaks AwsSolutions-S1/S10 on purpose: judged, it would fail synth.
  new s3.Bucket(own, 'Reports');
  Tags.of(own).add('team', 'platform');
  const first = new ChatbotContingency(app, 'First', { plan: fast });
  const second = new ChatbotContingency(app, 'Second', { plan: slow });
  let error: unknown;
  beforeAll(() => {
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
  });

  test('synth passes: cdk-nag and the checks judge only the plans, not the team stack', () => {
    expect(error).toBeUndefined();
  });

  test("each plan's failover timing is read from its own failover template", () => {
    expect(first.failoverTiming.lastResult.map((r) => path.basename(r.templatePath))).toEqual([first.failover.templateFile]);
    expect(second.failoverTiming.lastResult.map((r) => path.basename(r.templatePath))).toEqual([second.failover.templateFile]);
    expect(Math.max(...second.failoverTiming.lastResult[0].hops.map((h) => h.hopSeconds))).toBe(406);
  });

  test('tags stay on their own plan; the team stack keeps only its own', () => {
    const tagsOf = (stack: Stack, type: string) =>
      Object.values(Template.fromStack(stack).findResources(type)).map((r) => Object.fromEntries(((r.Properties.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value])));
    for (const t of tagsOf(first.global, 'AWS::SNS::Topic')) expect(t).toEqual({ 'contingency:plan': 'acme-chat', plan: 'contingency', project: 'acme-chat' });
    for (const t of tagsOf(second.global, 'AWS::SNS::Topic')) expect(t).toEqual({ 'contingency:plan': 'slow-chat', plan: 'contingency', project: 'slow' });
    expect(tagsOf(own, 'AWS::S3::Bucket')).toEqual([{ team: 'platform' }]);
  });

  test('stack names come from each plan', () => {
    expect(first.allStacks.map((s) => s.stackName).sort()).toEqual(['acme-chat-failover', 'acme-chat-global', 'acme-chat-incident-key-primary', 'acme-chat-incident-key-standby', 'acme-chat-primary', 'acme-chat-standby']);
    expect(second.primary.stackName).toBe('slow-chat-primary');
  });
});

test('a plan whose failover misses its own objective still fails synth (the scoped check is on)', () => {
  const app = new App({ outdir: outdir('miss'), context: NO_BUNDLING });
  const tight = { ...slow, plan: { ...slow.plan, objectives: { ...slow.plan.objectives, rtoMinutes: 5 } } };
  new ChatbotContingency(app, 'Tight', { plan: tight, nag: false });
  // Reported by the rule pack's clause rule (the failover timing check only prints the figures when the pack runs).
  expect(() => app.synth()).toThrow(/CC-1\.2\.2-RTO[\s\S]*failing over primary → standby can take 406 s, more than the objective of 300 s/);
});

test('two constructs that would deploy the same stack names are refused, naming the fix', () => {
  const app = new App({ outdir: outdir('clash'), context: NO_BUNDLING });
  new ChatbotContingency(app, 'One', { plan: acme, nag: false });
  const two = new ChatbotContingency(app, 'Two', { plan: acme, nag: false });
  expect(two.node.validate()).toContain('stack name acme-chat-global (us-east-1) is also used by One/Global: give each plan its own name, or set stackNamePrefix on one of them');
  const three = new ChatbotContingency(app, 'Three', { plan: acme, nag: false, stackNamePrefix: 'acme-chat-b' });
  expect(three.node.validate()).toEqual([]);
});

test('inside a stack it is refused: it creates stacks of its own', () => {
  const app = new App({ context: NO_BUNDLING });
  expect(() => new ChatbotContingency(new Stack(app, 'Host'), 'Plan', { plan: acme })).toThrow('Host/Plan: ChatbotContingency creates its own stacks, so it cannot be created inside a stack; create it under the App or a Stage');
});

describe('in a Stage deployed by CDK Pipelines', () => {
  // The README's "Deploy with a pipeline" code.
  class ChatbotStage extends Stage {
    constructor(scope: Construct, id: string, props?: StageProps) {
      super(scope, id, props);
      new ChatbotContingency(this, 'Chatbot', { plan: acme });
    }
  }
  const app = new App({ outdir: outdir('stage'), context: NO_BUNDLING });
  const pipelineStack = new Stack(app, 'Pipeline', { env: { account: '111111111111', region: 'ap-southeast-1' } });
  const pipeline = new pipelines.CodePipeline(pipelineStack, 'Pipeline', {
    synth: new pipelines.ShellStep('Synth', {
      input: pipelines.CodePipelineSource.connection('acme/chatbot-infra', 'main', { connectionArn: 'arn:aws:codeconnections:ap-southeast-1:111111111111:connection/0f0e0d0c-0b0a-0908-0706-050403020100' }),
      commands: ['npm ci', 'npx cdk synth'],
    }),
  });
  const prod = new ChatbotStage(app, 'Prod', { env: { account: '111111111111' } });
  pipeline.addStage(prod);
  let assemblyStacks: { stackName: string; displayName: string }[] = [];
  beforeAll(() => {
    assemblyStacks = app.synth().getNestedAssembly(prod.artifactId).stacks.map((s) => ({ stackName: s.stackName, displayName: s.displayName }));
  });

  test("the stage's stacks are named after the stage and deploy to its account", () => {
    expect(assemblyStacks.map((s) => s.stackName).sort()).toEqual(['Prod-acme-chat-failover', 'Prod-acme-chat-global', 'Prod-acme-chat-incident-key-primary', 'Prod-acme-chat-incident-key-standby', 'Prod-acme-chat-primary', 'Prod-acme-chat-standby']);
    const c = prod.node.findChild('Chatbot') as ChatbotContingency;
    expect(c.primary.account).toBe('111111111111');
  });

  test('the pipeline deploys every stack of the plan', () => {
    const t = Template.fromStack(pipelineStack).toJSON() as { Resources: Record<string, { Type: string; Properties: { Stages?: { Name: string; Actions: { Configuration?: { StackName?: string } }[] }[] } }> };
    const pipe = Object.values(t.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!;
    const deployed = new Set(pipe.Properties.Stages!.filter((s) => s.Name === 'Prod').flatMap((s) => s.Actions.map((a) => a.Configuration?.StackName).filter(Boolean)));
    expect([...deployed].sort()).toEqual(['Prod-acme-chat-failover', 'Prod-acme-chat-global', 'Prod-acme-chat-incident-key-primary', 'Prod-acme-chat-incident-key-standby', 'Prod-acme-chat-primary', 'Prod-acme-chat-standby']);
  });
});
