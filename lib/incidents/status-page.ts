import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StaticSite } from '../site';
import { FEED_OBJECT_PATTERN, STATUS_MAX_AGE_SECONDS, STATUS_OBJECT_KEY, SUBSCRIPTION_PAGES } from '../../contracts';
import { StatusSubscriptions, StatusSubscriptionsProps } from './status-subscriptions';
import { renderStatusSite, StatusPageTexts } from './status-page-content';

export interface StatusPageProps {
  /** Texts and contacts baked into the page. */
  readonly texts: StatusPageTexts;
  /** IANA time zone for times on the page. */
  readonly timeZone: string;
  /** How long post-incident reports are kept. @default Duration.days(3650) (ten years) */
  readonly reportRetention?: Duration;
  /**
   * The page's own name (e.g. `status.chat.example.com`) and the hosted zone holding it: the page is
   * served there with its own DNS-validated certificate and TLS 1.2 minimum (TLSv1.2_2021), and the
   * zone gets A/AAAA alias records. Must be created in us-east-1 (CloudFront certificates).
   * @default - the *.cloudfront.net name, whose certificate CloudFront fixes (TLS 1.0 floor)
   */
  readonly domain?: { readonly name: string; readonly zone: route53.IHostedZone };
  /**
   * More files published on the site (object key → body), e.g. the chat widget's script and
   * document under `widget/`; invalidated on every deployment. They are readable cross-origin
   * (CORS GET from any origin, no credentials), as the whole site then is. @default - none
   */
  readonly extraFiles?: Readonly<Record<string, string>>;
  /**
   * E-mail subscriptions to the notices (StatusSubscriptions): the API on this page's distribution,
   * the subscriber table and the delivery function. Needs `texts.subscriptions` (the form) and the
   * other way round. @default - none
   */
  readonly subscriptions?: Omit<StatusSubscriptionsProps, 'site' | 'noticeTopic' | 'pageUrl'>;
  /**
   * Key of the customer notice topic: the region's operations key (the incident log key), which
   * already encrypts every notice in the incident log before it is sent.
   * @default - a rotated, retained key of its own
   */
  readonly noticeKey?: kms.IKey;
}

/**
 * What customers and reviewers read (plan §7.2, §8.1, §10.3): the bilingual status page on a
 * StaticSite (status.json written at run time, cached at most STATUS_MAX_AGE_SECONDS), the
 * customer notice topic (KMS-encrypted, TLS-only) and the bucket of post-incident reports.
 */
export class StatusPage extends Construct {
  public readonly site: StaticSite;
  public readonly noticeTopic: sns.Topic;
  /** Key of the notice topic: `props.noticeKey`, else one of its own. */
  public readonly noticeKey: kms.IKey;
  public readonly reports: s3.Bucket;
  /**
   * Customer-managed key (rotated, retained) of the report bucket: post-incident reports are kept
   * ten years, and who may read them is decided in this key's policy, not only the bucket's.
   */
  public readonly reportsKey: kms.Key;
  /** The page's certificate, when it has its own name. */
  public readonly certificate?: acm.Certificate;
  /** https URL customers open: the page's own name when given, else the distribution's. */
  public readonly url: string;
  /** The e-mail subscriptions, when enabled. */
  public readonly subscriptions?: StatusSubscriptions;

  constructor(scope: Construct, id: string, props: StatusPageProps) {
    super(scope, id);
    const domain = props.domain;
    if (domain && !Token.isUnresolved(domain.name)) {
      const problems: string[] = [];
      if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain.name)) problems.push(`domain.name must be a lower-case DNS name such as "status.chat.example.com", got: ${domain.name}`);
      // ACM refuses a first domain name longer than 64 characters.
      if (domain.name.length > 64) problems.push(`domain.name must be at most 64 characters (ACM's limit for a certificate's first name), got ${domain.name.length}: ${domain.name}`);
      if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);
    }
    if (Boolean(props.texts.subscriptions) !== Boolean(props.subscriptions)) {
      throw new Error(
        `${this.node.path}: texts.subscriptions (the form on the page) and subscriptions (the API behind it) go together, got: form ${props.texts.subscriptions ? 'on' : 'off'}, API ${props.subscriptions ? 'on' : 'off'}; set both or neither`,
      );
    }
    if (domain) {
      this.certificate = new acm.Certificate(this, 'Certificate', {
        domainName: domain.name,
        validation: acm.CertificateValidation.fromDns(domain.zone),
      });
    }
    // The survey page (§10.2) is redeployed with the page: invalidate it too.
    const surveyPaths = props.texts.survey ? ['/survey.html', '/survey.js'] : [];
    this.site = new StaticSite(this, 'Site', {
      purpose: 'customer status page',
      files: { ...renderStatusSite(props.texts, props.timeZone), ...props.extraFiles },
      dynamicPaths: [STATUS_OBJECT_KEY, FEED_OBJECT_PATTERN],
      dynamicMaxTtl: Duration.seconds(STATUS_MAX_AGE_SECONDS),
      // Not the fallback site's size: each site's deployment needs its own handler (and role).
      deploymentMemoryMb: 256,
      ...(props.extraFiles && Object.keys(props.extraFiles).length
        ? {
            // Pages on other origins load the widget's files from here.
            allowAnyOrigin: true,
          }
        : {}),
      invalidationPaths: [
        '/index.html',
        '/app.js',
        '/style.css',
        '/',
        ...surveyPaths,
        ...(props.texts.subscriptions ? Object.values(SUBSCRIPTION_PAGES).map((f) => `/${f}`) : []),
        ...[...new Set(Object.keys(props.extraFiles ?? {}).map((k) => `/${k.split('/')[0]}${k.includes('/') ? '/*' : ''}`))],
      ],
      ...(domain && this.certificate ? { domainNames: [domain.name], certificate: this.certificate } : {}),
    });
    if (domain) {
      const target = route53.RecordTarget.fromAlias(new route53Targets.CloudFrontTarget(this.site.distribution));
      new route53.ARecord(this, 'AliasA', { zone: domain.zone, recordName: domain.name, target });
      new route53.AaaaRecord(this, 'AliasAAAA', { zone: domain.zone, recordName: domain.name, target });
    }
    this.url = domain ? `https://${domain.name}` : this.site.url;
    this.noticeKey =
      props.noticeKey ??
      new kms.Key(this, 'NoticeKey', {
        description: 'Encrypts customer incident notices',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.noticeTopic = new sns.Topic(this, 'Notices', {
      displayName: 'Customer service status',
      masterKey: this.noticeKey,
      enforceSSL: true,
    });
    if (props.subscriptions) {
      this.subscriptions = new StatusSubscriptions(this, 'Subscriptions', { ...props.subscriptions, site: this.site, noticeTopic: this.noticeTopic, pageUrl: this.url });
    }
    this.reportsKey = new kms.Key(this, 'ReportsKey', {
      description: 'Encrypts post-incident reports (kept ten years)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Same logical id as before: switching SSE-S3 to SSE-KMS is an in-place bucket update; objects
    // written before keep SSE-S3 until rewritten.
    this.reports = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.reportsKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.site.logBucket,
      serverAccessLogsPrefix: 'reports/',
      lifecycleRules: [{ expiration: props.reportRetention ?? Duration.days(3650), noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
