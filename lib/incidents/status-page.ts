import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StaticSite } from '../site';
import { STATUS_MAX_AGE_SECONDS, STATUS_OBJECT_KEY } from '../../contracts';
import { renderStatusSite, StatusPageTexts } from './status-page-content';

export interface StatusPageProps {
  /** Texts and contacts baked into the page. */
  readonly texts: StatusPageTexts;
  /** IANA time zone for times on the page. */
  readonly timeZone: string;
  /** How long post-incident reports are kept. @default Duration.days(3650) (ten years) */
  readonly reportRetention?: Duration;
}

/**
 * What customers and reviewers read (plan §7.2, §8.1, §10.3): the bilingual status page on a
 * StaticSite (status.json written at run time, cached at most STATUS_MAX_AGE_SECONDS), the
 * customer notice topic (KMS-encrypted, TLS-only) and the bucket of post-incident reports.
 */
export class StatusPage extends Construct {
  public readonly site: StaticSite;
  public readonly noticeTopic: sns.Topic;
  public readonly noticeKey: kms.Key;
  public readonly reports: s3.Bucket;

  constructor(scope: Construct, id: string, props: StatusPageProps) {
    super(scope, id);
    this.site = new StaticSite(this, 'Site', {
      purpose: 'customer status page',
      files: renderStatusSite(props.texts, props.timeZone),
      dynamicPaths: [STATUS_OBJECT_KEY],
      dynamicMaxTtl: Duration.seconds(STATUS_MAX_AGE_SECONDS),
      // Not the fallback site's size: each site's deployment needs its own handler (and role).
      deploymentMemoryMb: 256,
    });
    this.noticeKey = new kms.Key(this, 'NoticeKey', {
      description: 'Encrypts customer incident notices',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.noticeTopic = new sns.Topic(this, 'Notices', {
      displayName: 'Customer service status',
      masterKey: this.noticeKey,
      enforceSSL: true,
    });
    this.reports = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.S3_MANAGED,
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
