import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { StaticSite, STRICT_CSP } from '../../lib/site';

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
