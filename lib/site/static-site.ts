import { CfnResource, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** Content-Security-Policy for a site with no inline script or style and no third-party content. */
export const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The cdk-nag finding id for a grant on objects under a prefix of a bucket created in this app,
 * e.g. `AwsSolutions-IAM5[Resource::<LogsBucket1234.Arn>/reports/*]`, so the acknowledgement names
 * exactly that bucket and prefix.
 */
export function bucketObjectsFinding(bucket: s3.IBucket, suffix: string): string {
  const cfn = bucket.node.defaultChild as CfnResource;
  return `AwsSolutions-IAM5[Resource::<${Stack.of(bucket).getLogicalId(cfn)}.Arn>/${suffix}]`;
}

/**
 * A private, encrypted, TLS-only bucket for S3 server access logs and CloudFront standard logs,
 * expiring objects after `retention`. Exported so a site can keep an access-log bucket it created
 * before it used StaticSite (same logical id, same logs) and pass it as `logBucket`.
 */
export function accessLogBucket(scope: Construct, id: string, retention: Duration): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    // CloudFront standard logs are delivered with ACLs.
    objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
    lifecycleRules: [{ expiration: retention }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'This is the access-log bucket of the site; logging its own access would log into itself.',
  });
  return bucket;
}

export interface StaticSiteProps {
  /** Files to publish, path → content, generated at synth (e.g. `{ 'index.html': '…' }`). */
  readonly files: Record<string, string>;
  /**
   * Objects written at run time (not by the deployment): served with a short cache TTL and never
   * pruned or overwritten by a redeployment. @default - none
   */
  readonly dynamicPaths?: string[];
  /** Longest time CloudFront keeps a dynamic object; the object's own Cache-Control may say less. @default Duration.seconds(10) */
  readonly dynamicMaxTtl?: Duration;
  /** Content-Security-Policy header. @default STRICT_CSP */
  readonly contentSecurityPolicy?: string;
  /** Custom domain names; needs `certificate` (in us-east-1). @default - the CloudFront domain only */
  readonly domainNames?: string[];
  /** ACM certificate in us-east-1 for `domainNames`. @default - none */
  readonly certificate?: acm.ICertificate;
  /** How long access logs are kept (in the bucket this construct creates). @default 90 days */
  readonly accessLogRetention?: Duration;
  /** Existing access-log bucket (see `accessLogBucket`). @default - a new bucket `Logs` keeping logs for `accessLogRetention` */
  readonly logBucket?: s3.Bucket;
  /** Referrer-Policy header. @default cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN */
  readonly referrerPolicy?: cloudfront.HeadersReferrerPolicy;
  /**
   * Let pages on any origin read the files (CORS: GET/HEAD from `*`, no credentials; OPTIONS is
   * then answered too), e.g. a document that chat widgets fetch. @default false
   */
  readonly allowAnyOrigin?: boolean;
  /** Custom error responses of the distribution. @default - none (CloudFront's own errors) */
  readonly errorResponses?: cloudfront.ErrorResponse[];
  /**
   * Delete objects in the bucket that are not in `files` (dynamic paths are never deleted).
   * @default false
   */
  readonly prune?: boolean;
  /**
   * Memory of the deployment's handler. BucketDeployment shares one handler (and so one role) per
   * stack and memory size: two sites in one stack need different sizes. @default 128 (BucketDeployment's default)
   */
  readonly deploymentMemoryMb?: number;
  /** Paths invalidated after each deployment. @default ['/index.html', '/app.js', '/style.css', '/'] */
  readonly invalidationPaths?: string[];
  /** CloudFront price class. @default cloudfront.PriceClass.PRICE_CLASS_ALL (edge locations near every customer) */
  readonly priceClass?: cloudfront.PriceClass;
  /** Retention of the deployment function's logs. @default logs.RetentionDays.ONE_MONTH */
  readonly deploymentLogRetention?: logs.RetentionDays;
  /** Human description used in resource descriptions, e.g. "status page". */
  readonly purpose: string;
}

/**
 * A static site served from a private, encrypted S3 bucket through CloudFront with origin access
 * control: HTTPS only, security headers (HSTS, CSP, frame and content-type options, referrer
 * policy), access logging for the bucket and the distribution, and content deployed from files
 * generated at synth. Objects listed in `dynamicPaths` are written at run time and cached briefly.
 * Generic: the status page and the human-agent fallback site both use it.
 */
export class StaticSite extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly logBucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  public readonly responseHeaders: cloudfront.ResponseHeadersPolicy;
  public readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const errors: string[] = [];
    const files = Object.keys(props.files);
    const dynamicPaths = props.dynamicPaths ?? [];
    const dynamicMaxTtl = props.dynamicMaxTtl ?? Duration.seconds(10);
    if (!files.includes('index.html')) errors.push(`files must include index.html (the default root object), got: ${files.join(', ') || 'none'}`);
    for (const f of files) if (f.startsWith('/') || f.includes('..')) errors.push(`file paths must be relative without "..", got: ${f}`);
    for (const p of dynamicPaths) {
      if (files.includes(p)) errors.push(`dynamicPaths must not also be deployed files (a redeployment would overwrite live content), got: ${p}`);
      if (p.startsWith('/')) errors.push(`dynamicPaths are relative paths such as "status.json", got: ${p}`);
    }
    if (!Token.isUnresolved(dynamicMaxTtl) && (dynamicMaxTtl.toSeconds() < 0 || dynamicMaxTtl.toSeconds() > 300)) {
      errors.push(`dynamicMaxTtl must be between 0 and 300 seconds inclusive, got: ${dynamicMaxTtl.toSeconds()}`);
    }
    if (props.domainNames?.length && !props.certificate) errors.push('domainNames need a certificate (ACM, us-east-1); pass certificate or drop domainNames');
    if (props.logBucket && props.accessLogRetention) errors.push('accessLogRetention applies only to the log bucket this construct creates; set the expiration on logBucket or drop accessLogRetention');
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    this.logBucket = props.logBucket ?? accessLogBucket(this, 'Logs', props.accessLogRetention ?? Duration.days(90));

    this.bucket = new s3.Bucket(this, 'Content', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: `Security headers for the ${props.purpose}`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: props.contentSecurityPolicy ?? STRICT_CSP, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: props.referrerPolicy ?? cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
      ...(props.allowAnyOrigin
        ? {
            corsBehavior: {
              accessControlAllowOrigins: ['*'],
              accessControlAllowMethods: ['GET', 'HEAD'],
              accessControlAllowHeaders: ['*'],
              accessControlAllowCredentials: false,
              originOverride: true,
            },
          }
        : {}),
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const dynamicCache = dynamicPaths.length
      ? new cloudfront.CachePolicy(this, 'DynamicCache', {
          comment: `Run-time objects of the ${props.purpose}: cached at most ${dynamicMaxTtl.toSeconds()} s`,
          defaultTtl: dynamicMaxTtl,
          maxTtl: dynamicMaxTtl,
          minTtl: Duration.seconds(0),
          enableAcceptEncodingGzip: true,
          enableAcceptEncodingBrotli: true,
        })
      : undefined;
    const behavior = (cachePolicy: cloudfront.ICachePolicy): cloudfront.BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      // CORS preflight requests need OPTIONS.
      allowedMethods: props.allowAnyOrigin ? cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS : cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy,
      responseHeadersPolicy: this.responseHeaders,
      compress: true,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: props.purpose,
      defaultRootObject: 'index.html',
      defaultBehavior: behavior(cloudfront.CachePolicy.CACHING_OPTIMIZED),
      additionalBehaviors: Object.fromEntries(dynamicPaths.map((p) => [p, behavior(dynamicCache!)])),
      ...(props.errorResponses?.length ? { errorResponses: props.errorResponses } : {}),
      // Only takes effect with a custom certificate; the *.cloudfront.net one has a fixed policy.
      ...(props.certificate ? { minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 } : {}),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.domainNames?.length ? { domainNames: props.domainNames, certificate: props.certificate } : {}),
    });
    const acks = [
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Customers anywhere must be able to read the page during an outage; there is no country to block.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'Static read-only content from a private bucket (GET/HEAD only, no forms, no origin compute); CloudFront Shield Standard covers it and a WAF would add a dependency that can itself fail.',
      },
    ];
    if (!props.certificate) {
      acks.push({
        id: 'AwsSolutions-CFR4',
        reason: 'Without a custom domain the distribution uses the *.cloudfront.net certificate, where CloudFront fixes the TLS policy; with a domain and certificate TLSv1.2_2021 applies.',
      });
    }
    Validations.of(this.distribution).acknowledge(...acks);

    // The deployment function gets its own role and log group instead of the managed
    // AWSLambdaBasicExecutionRole; bucket access is granted by the deployment itself.
    const deployLogs = new logs.LogGroup(this, 'DeploymentLogs', { retention: props.deploymentLogRetention ?? logs.RetentionDays.ONE_MONTH });
    const deployRole = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Publishes the ${props.purpose} files`,
    });
    deployLogs.grantWrite(deployRole);
    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: Object.entries(props.files).map(([key, body]) => s3deploy.Source.data(key, body)),
      destinationBucket: this.bucket,
      // Run-time objects (status.json) stay as they are: excluded objects are never pruned.
      prune: props.prune ?? false,
      exclude: dynamicPaths,
      role: deployRole,
      logGroup: deployLogs,
      ...(props.deploymentMemoryMb !== undefined ? { memoryLimit: props.deploymentMemoryMb } : {}),
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.minutes(5))],
      distribution: this.distribution,
      distributionPaths: props.invalidationPaths ?? ['/index.html', '/app.js', '/style.css', '/'],
    });
    if (this.deployment.handlerRole !== deployRole) {
      throw new Error(
        `${this.node.path}: deploymentMemoryMb must differ from every other BucketDeployment with its own role in this stack (they would share one handler and its role), got: ${props.deploymentMemoryMb ?? 'default (128)'}; choose another size`,
      );
    }
    const stack = Stack.of(this);
    // The account is a literal when the stack (or its Stage) names one.
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const assetObjects = Token.isUnresolved(stack.region)
      ? []
      : [
          {
            id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${account}-${stack.region}/*]`,
            reason: 'BucketDeployment reads the staged site files from the CDK bootstrap asset bucket of this account and region.',
          },
        ];
    Validations.of(deployRole).acknowledge(
      ...assetObjects,
      {
        id: bucketObjectsFinding(this.bucket, '*'),
        reason: 'BucketDeployment writes the generated site files into this site bucket; limited to this one bucket.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
        reason: 'Granted by BucketDeployment to read its own staged content assets; scoped to the CDK asset bucket.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        reason: 'Granted by BucketDeployment on the asset bucket and the site bucket only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:List*]',
        reason: 'Granted by BucketDeployment on the asset bucket and the site bucket only, to sync content.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        reason: 'Granted by BucketDeployment on the site bucket only (replacing deployed files).',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
        reason: 'Granted by BucketDeployment on the site bucket only (abandoned multipart uploads).',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'CloudFront CreateInvalidation/GetInvalidation granted by BucketDeployment do not support resource-level scoping in its grant.',
      },
    );
    // The deployment's handler is a stack-wide singleton whose runtime aws-cdk-lib chooses.
    // One singleton per memory size: acknowledge each, not just the first one found.
    for (const singleton of stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      Validations.of(singleton).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'The BucketDeployment handler runtime (Python, with the AWS CLI layer) is chosen and upgraded by aws-cdk-lib, not by this project.',
      });
    }
  }

  /**
   * Serves a REST API on this site's distribution under `pathPattern` (e.g. `/api/survey/*`), so
   * the site's pages reach it on their own origin and the CSP keeps `connect-src 'self'`. The
   * behaviour caches nothing, allows every method (forms POST), forwards no cookies and no query
   * string, and of the viewer's headers only Content-Type and CloudFront-Viewer-Address (the
   * viewer's address, which CloudFront sets itself; for per-address rate limits). The API's own
   * stage path is the origin path, so the API's resources carry the whole path (e.g. `api/survey/{id}`).
   * The site's security headers apply to the API's answers too.
   */
  public addApi(pathPattern: string, api: apigateway.RestApi): void {
    if (!/^\/[A-Za-z0-9_\-/.]*\*$/.test(pathPattern) || pathPattern === '/*') {
      throw new Error(`${this.node.path}: addApi pathPattern must be a path under the site ending in "*", such as "/api/survey/*", got: ${pathPattern}`);
    }
    this.apiRequests ??= new cloudfront.OriginRequestPolicy(this, 'ApiRequests', {
      comment: 'API calls: Content-Type and the viewer address only; no cookies, no query string',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList('Content-Type', 'CloudFront-Viewer-Address'),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.none(),
    });
    this.distribution.addBehavior(pathPattern, new origins.RestApiOrigin(api), {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: this.apiRequests,
      responseHeadersPolicy: this.responseHeaders,
      compress: true,
    });
  }

  private apiRequests?: cloudfront.OriginRequestPolicy;

  /** https URL of the distribution. */
  public get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
