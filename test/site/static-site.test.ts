import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { accessLogBucket, StaticSite, STRICT_CSP } from '../../lib/site';

const stackIn = () => new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S', { env: { region: 'us-east-1', account: '123456789012' } });

describe('StaticSite', () => {
  test('collects every prop error and throws once with the rule, the value and the fix', () => {
    expect(
      () =>
        new StaticSite(stackIn(), 'Site', {
          purpose: 'test',
          files: { 'page.html': 'x', '../escape.js': 'y' },
          dynamicPaths: ['page.html', '/status.json'],
          dynamicMaxTtl: Duration.minutes(10),
          domainNames: ['status.example.com'],
        }),
    ).toThrow(
      /files must include index.html[\s\S]*got: page.html, ..\/escape.js.*file paths must be relative without "..", got: ..\/escape.js.*dynamicPaths must not also be deployed files.*got: page.html.*dynamicPaths are relative paths such as "status.json", got: \/status.json.*dynamicMaxTtl must be between 0 and 300 seconds inclusive, got: 600.*domainNames need a certificate/,
    );
  });

  test('without dynamic paths there is one behaviour; the strict CSP is the default', () => {
    const stack = stackIn();
    new StaticSite(stack, 'Site', { purpose: 'fallback site', files: { 'index.html': '<p>hi</p>' } });
    const t = Template.fromStack(stack);
    const dist = Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as any;
    expect(dist.Properties.DistributionConfig.CacheBehaviors).toBeUndefined();
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: STRICT_CSP, Override: true } } },
    });
    // the deployment role is our own, with no managed policy
    for (const role of Object.values(t.findResources('AWS::IAM::Role')) as any[]) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('StaticSite options (used by the fallback site)', () => {
  test('an existing log bucket, CORS for any origin with OPTIONS, error responses, pruning, invalidation paths, referrer policy', () => {
    const stack = stackIn();
    const logBucket = accessLogBucket(stack, 'OwnLogs', Duration.days(7));
    const site = new StaticSite(stack, 'Site', {
      purpose: 'test site',
      files: { 'index.html': '<p>hi</p>' },
      logBucket,
      referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER,
      allowAnyOrigin: true,
      errorResponses: [{ httpStatus: 404, responseHttpStatus: 503, responsePagePath: '/index.html', ttl: Duration.seconds(10) }],
      prune: true,
      invalidationPaths: ['/*'],
    });
    expect(site.logBucket).toBe(logBucket);
    const t = Template.fromStack(stack);
    const buckets = t.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).sort()).toEqual([stack.getLogicalId(logBucket.node.defaultChild as s3.CfnBucket), stack.getLogicalId(site.bucket.node.defaultChild as s3.CfnBucket)].sort());
    expect((buckets[stack.getLogicalId(logBucket.node.defaultChild as s3.CfnBucket)] as any).Properties.LifecycleConfiguration.Rules).toEqual([{ ExpirationInDays: 7, Status: 'Enabled' }]);
    const dist = (Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as any).Properties.DistributionConfig;
    expect(dist.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(dist.CustomErrorResponses).toEqual([{ ErrorCode: 404, ResponseCode: 503, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 }]);
    expect(dist.Logging.Bucket).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(logBucket.node.defaultChild as s3.CfnBucket), 'RegionalDomainName'] });
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        CorsConfig: { AccessControlAllowCredentials: false, AccessControlAllowHeaders: { Items: ['*'] }, AccessControlAllowMethods: { Items: ['GET', 'HEAD'] }, AccessControlAllowOrigins: { Items: ['*'] }, OriginOverride: true },
        SecurityHeadersConfig: { ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true } },
      },
    });
    t.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: true, DistributionPaths: ['/*'] });
    // No run-time objects: no cache policy for them.
    expect(t.findResources('AWS::CloudFront::CachePolicy')).toEqual({});
  });

  test('defaults: GET/HEAD only, no CORS, no error responses, no pruning, the page files invalidated', () => {
    const stack = stackIn();
    new StaticSite(stack, 'Site', { purpose: 'test site', files: { 'index.html': '<p>hi</p>' } });
    const t = Template.fromStack(stack);
    const dist = (Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as any).Properties.DistributionConfig;
    expect(dist.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(dist.CustomErrorResponses).toBeUndefined();
    const headers = (Object.values(t.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as any).Properties.ResponseHeadersPolicyConfig;
    expect(headers.CorsConfig).toBeUndefined();
    expect(headers.SecurityHeadersConfig.ReferrerPolicy.ReferrerPolicy).toBe('strict-origin-when-cross-origin');
    t.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: false, DistributionPaths: ['/index.html', '/app.js', '/style.css', '/'] });
  });

  test('accessLogRetention with an existing log bucket is an error', () => {
    const stack = stackIn();
    expect(() => new StaticSite(stack, 'Site', { purpose: 't', files: { 'index.html': 'x' }, logBucket: accessLogBucket(stack, 'L', Duration.days(7)), accessLogRetention: Duration.days(30) })).toThrow(
      /accessLogRetention applies only to the log bucket this construct creates/,
    );
  });

  test('two sites in one stack with the same deployment memory would share one handler role: refused', () => {
    const stack = stackIn();
    new StaticSite(stack, 'A', { purpose: 'a', files: { 'index.html': 'x' } });
    expect(() => new StaticSite(stack, 'B', { purpose: 'b', files: { 'index.html': 'x' } })).toThrow(/S\/B: deploymentMemoryMb must differ .* got: default \(128\)/);
    new StaticSite(stack, 'C', { purpose: 'c', files: { 'index.html': 'x' }, deploymentMemoryMb: 256 });
  });
});
