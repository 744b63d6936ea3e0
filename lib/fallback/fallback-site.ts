import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { accessLogBucket, StaticSite } from '../site/static-site';
import { FALLBACK_CONTENT_SECURITY_POLICY, FallbackContentInput, renderFallbackSite } from './render';

export interface FallbackSiteProps {
  /** The public name customers use (the same name the chatbot API answers on). */
  readonly domainName: string;
  /** Hosted zone that holds `domainName`; the certificate is DNS-validated in it. */
  readonly zone: route53.IHostedZone;
  /** Contacts, hours and texts of the page and the hand-off document (the plan's `handoff`). */
  readonly content: FallbackContentInput;
  /** Retention of the deployment function's logs. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Days CloudFront and S3 access logs are kept. @default 90 */
  readonly accessLogDays?: number;
}

/**
 * The human-agent fallback site (plan §7.1): a StaticSite (private S3 bucket behind CloudFront with
 * origin access control, TLS 1.2+, security headers, access logs) on the public name with its own
 * DNS-validated certificate, serving the page and hand-off document rendered from the plan; any
 * unknown path gets the page with HTTP 503. Must live in us-east-1 (CloudFront certificates are
 * issued there). DNS does not point at it directly: the failover records send traffic here when
 * both regions are unhealthy.
 */
export class FallbackSite extends Construct {
  /** The generic static site this is built on. */
  public readonly site: StaticSite;
  public readonly bucket: s3.Bucket;
  public readonly logBucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  public readonly certificate: acm.Certificate;
  /** The rendered files (object key → body), as deployed. */
  public readonly files: Readonly<Record<string, string>>;
  /** Copies `files` into the bucket and invalidates the distribution on every change. */
  public readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: FallbackSiteProps) {
    super(scope, id);
    const accessLogDays = props.accessLogDays ?? 90;
    const errors: string[] = [];
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      errors.push(`stack region must be us-east-1 (CloudFront certificates live there), got: ${region}; put the fallback site in the global stack`);
    }
    if (!/^https:\/\//.test(props.content.chatUrl)) errors.push(`content.chatUrl must be an https:// URL, got: ${props.content.chatUrl}`);
    if (!Token.isUnresolved(accessLogDays) && (accessLogDays < 1 || !Number.isInteger(accessLogDays))) {
      errors.push(`accessLogDays must be a whole number of at least 1, got: ${accessLogDays}`);
    }
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    // The access-log bucket keeps its id (and its logs); the StaticSite under id 'Default' keeps the
    // logical ids of the content bucket, headers policy, distribution and deployment.
    const logBucket = accessLogBucket(this, 'AccessLogs', Duration.days(accessLogDays));
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.zone),
    });
    this.files = renderFallbackSite(props.content);
    this.site = new StaticSite(this, 'Default', {
      purpose: `human-agent fallback site (${props.domainName})`,
      files: { ...this.files },
      logBucket,
      contentSecurityPolicy: FALLBACK_CONTENT_SECURITY_POLICY,
      referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER,
      // The hand-off document is readable cross-origin by chat widgets.
      allowAnyOrigin: true,
      domainNames: [props.domainName],
      certificate: this.certificate,
      // Any other path (e.g. the bot's /chat while both regions are down): the page, with a 503.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 503,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(10),
      })),
      // Only generated files live here; the error responses cache any path, so invalidate all.
      prune: true,
      invalidationPaths: ['/*'],
      ...(props.logRetention ? { deploymentLogRetention: props.logRetention } : {}),
    });
    this.bucket = this.site.bucket;
    this.logBucket = this.site.logBucket;
    this.distribution = this.site.distribution;
    this.deployment = this.site.deployment;
  }

  /** The distribution's own host name (the fallback target of the failover records). */
  public get distributionDomainName(): string {
    return this.distribution.distributionDomainName;
  }
}
