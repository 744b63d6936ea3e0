import { Match, Template } from 'aws-cdk-lib/assertions';
import { synthPlan, Synthesized } from '../helpers/synth';

// Template assertions for what issue 15 adds to the status page: the Atom feeds (served briefly
// cached, written only by the publisher, never pruned by a redeployment).
let s: Synthesized;
let g: Template;
beforeAll(() => {
  s = synthPlan();
  g = s.templates.global;
});

/** Statements of the policies attached to roles whose logical id starts with `rolePrefix`. */
function statementsOf(t: Template, rolePrefix: string): any[] {
  const policies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }]) } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}
const resourcesText = (st: any) => JSON.stringify(st.Resource);
const actionsOf = (st: any): string[] => [st.Action].flat();

describe('Atom feed', () => {
  test('the status distribution serves feed*.xml with the short dynamic cache policy, like status.json', () => {
    const dist = Object.entries(g.findResources('AWS::CloudFront::Distribution')).find(([id]) => id.startsWith('StatusPage'))!;
    const behaviors: any[] = (dist[1] as any).Properties.DistributionConfig.CacheBehaviors;
    const feed = behaviors.find((b) => b.PathPattern === 'feed*.xml');
    const status = behaviors.find((b) => b.PathPattern === 'status.json');
    expect(feed).toBeDefined();
    expect(feed.CachePolicyId).toEqual(status.CachePolicyId);
    expect(feed.ViewerProtocolPolicy).toBe('redirect-to-https');
    const policy = g.findResources('AWS::CloudFront::CachePolicy');
    const dyn = Object.entries(policy).find(([id]) => id === feed.CachePolicyId.Ref)![1] as any;
    expect(dyn.Properties.CachePolicyConfig.MaxTTL).toBe(10);
  });

  test('a redeployment never prunes or overwrites the feeds', () => {
    const deploy = Object.values(g.findResources('Custom::CDKBucketDeployment')).map((r: any) => r.Properties);
    const status = deploy.find((p) => JSON.stringify(p.Exclude ?? []).includes('status.json'))!;
    expect(status.Exclude).toEqual(expect.arrayContaining(['status.json', 'feed*.xml']));
    expect(status.Prune).toBe(false);
  });

  test('only the publisher writes them: PutObject and GetObject on feed*.xml of the status bucket, nothing wider', () => {
    const sts = statementsOf(g, 'IncidentsRole');
    const put = sts.filter((st) => actionsOf(st).includes('s3:PutObject'));
    const feedPut = put.find((st) => resourcesText(st).includes('/feed*.xml'))!;
    expect(resourcesText(feedPut)).toMatch(/StatusPageSiteContent[0-9A-F]+"?,"?Arn"?\]\},"\/feed\*\.xml"/);
    const get = sts.find((st) => actionsOf(st).includes('s3:GetObject') && resourcesText(st).includes('feed*.xml'))!;
    expect(get.Resource).toHaveLength(2);
    expect(resourcesText(get)).toContain('/status.json');
    for (const st of put) expect(resourcesText(st)).not.toMatch(/StatusPageSiteContent[0-9A-F]+"?,"?Arn"?\]\},"\/\*"/);
  });
});

describe('scheduled maintenance', () => {
  const composites = (t: Template) => Object.values(t.findResources('AWS::CloudWatch::CompositeAlarm')).map((r: any) => r.Properties).filter((p) => /-response-/.test(p.AlarmName));

  test('every response composite in every region names its own suppressor alarm, waits 120 s for it, and the suppressor never pages', () => {
    const where = { failover: 'us-east-1', primary: 'primary', standby: 'standby' } as const;
    let count = 0;
    for (const [stack, scope] of Object.entries(where)) {
      const t = s.templates[stack as keyof typeof where];
      const found = composites(t);
      expect(found.length).toBeGreaterThanOrEqual(2);
      for (const c of found) {
        const level = c.AlarmName.split('-').pop();
        const name = `acme-chat-maintenance-${scope}-${level}`;
        const sup = Object.entries(t.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
        expect(sup).toHaveLength(1);
        expect(c.ActionsSuppressor).toEqual({ 'Fn::GetAtt': [sup[0][0], 'Arn'] });
        expect(c.ActionsSuppressorWaitPeriod).toBe(120);
        expect(c.ActionsSuppressorExtensionPeriod).toBe(60);
        const p = (sup[0][1] as any).Properties;
        expect(p.ActionsEnabled).toBe(false);
        expect(p.AlarmActions).toBeUndefined();
        expect(p.TreatMissingData).toBe('ignore');
        count++;
      }
    }
    expect(count).toBe(6);
  });

  test('the publisher may set exactly those six suppressors (SetAlarmState, in their regions) and nothing else in CloudWatch', () => {
    const sts = statementsOf(g, 'IncidentsRole').filter((st) => actionsOf(st).some((a) => a.startsWith('cloudwatch:')));
    expect(sts).toHaveLength(1);
    expect(actionsOf(sts[0])).toEqual(['cloudwatch:SetAlarmState']);
    const arns = sts[0].Resource.map((r: any) => JSON.stringify(r));
    expect(arns).toHaveLength(6);
    for (const [region, scope, level] of [
      ['us-east-1', 'us-east-1', 'emergency'],
      ['us-east-1', 'us-east-1', 'severe'],
      ['ap-southeast-1', 'primary', 'severe'],
      ['ap-southeast-1', 'primary', 'general'],
      ['ap-northeast-1', 'standby', 'severe'],
      ['ap-northeast-1', 'standby', 'general'],
    ]) {
      expect(arns.some((a: string) => a.includes(`:cloudwatch:${region}:`) && a.endsWith(`:alarm:acme-chat-maintenance-${scope}-${level}"]]}`))).toBe(true);
    }
  });
});
