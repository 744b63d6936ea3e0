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
