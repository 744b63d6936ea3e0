import { DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
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
 * The human-agent fallback site (plan §7.1): a private S3 bucket behind CloudFront (origin access
 * control, TLS 1.2+, security headers, access logs) serving the page and hand-off document rendered
 * from the plan. Must live in us-east-1 (CloudFront certificates are issued there). DNS does not
 * point at it directly: the failover records send traffic here when both regions are unhealthy.
 */
export class FallbackSite extends Construct {
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

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs; the bucket stays private (BLOCK_ALL).
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(accessLogDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the access-log destination of the fallback site and its distribution; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Content', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.zone),
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Fallback site: security headers; the hand-off document is readable cross-origin by chat widgets',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: FALLBACK_CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      corsBehavior: {
        accessControlAllowOrigins: ['*'],
        accessControlAllowMethods: ['GET', 'HEAD'],
        accessControlAllowHeaders: ['*'],
        accessControlAllowCredentials: false,
        originOverride: true,
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Human-agent fallback for ${props.domainName}`,
      domainNames: [props.domainName],
      certificate: this.certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      // Any other path (e.g. the bot's /chat while both regions are down): the page, with a 503.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 503,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(10),
      })),
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The fallback page must reach every customer wherever they are during an outage; it holds only public contact details.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'Static, read-only page of public contact details with GET/HEAD only and no origin compute; a WAF web ACL adds cost without protecting anything here.',
      },
    );

    this.files = renderFallbackSite(props.content);
    // An explicit role instead of AWSLambdaBasicExecutionRole: logs only to its own log group.
    const role = new iam.Role(this, 'DeployRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the generated fallback-site files into the content bucket',
    });
    const deployLogs = new logs.LogGroup(this, 'DeployLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    deployLogs.grantWrite(role);
    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: Object.entries(this.files).map(([key, body]) => s3deploy.Source.data(key, body)),
      prune: true,
      role,
      logGroup: deployLogs,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.minutes(5))],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    const stack = Stack.of(this);
    const contentBucketId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const assetBucket = `arn:<AWS::Partition>:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-${stack.region}/*`;
    Validations.of(role).acknowledge(
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} comes from BucketDeployment's bucket grants, scoped to the content bucket and the CDK asset bucket.`,
      })),
      {
        id: `AwsSolutions-IAM5[Resource::<${contentBucketId}.Arn>/*]`,
        reason: 'BucketDeployment writes and prunes every object of the content bucket, which holds only the generated fallback files.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${assetBucket}]`,
        reason: 'BucketDeployment reads the uploaded file asset from the CDK bootstrap asset bucket (object keys are content hashes).',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudfront:CreateInvalidation/GetInvalidation are added by BucketDeployment to invalidate the distribution after an upload.',
      },
    );
    // BucketDeployment's handler is a singleton function at stack level with a runtime AWS picks.
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: "The runtime of BucketDeployment's handler (Python, with the AWS CLI layer) is chosen by aws-cdk-lib and not configurable; it runs only at deploy time.",
      });
    }
  }

  /** The distribution's own host name (the fallback target of the failover records). */
  public get distributionDomainName(): string {
    return this.distribution.distributionDomainName;
  }
}
