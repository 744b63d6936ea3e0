/**
 * The one price table every cost figure is computed from: AWS public list prices for us-east-1 in
 * US dollars, without free tiers, discounts or taxes. Other regions differ by a few percent for
 * most of these (Route 53, WAF and KMS are the same everywhere); the report says so.
 *
 * Each price names the public page it comes from. `check` says how it was checked when this table
 * was written: `page` — read on the AWS pricing page or AWS documentation; `secondary` — read in a
 * dated third-party pricing guide quoting that page (the AWS page itself was not in reach);
 * `assumption` — not checked here (from the page as we know it, or an estimate): verify before you
 * rely on it. Update `PRICE_TABLE_DATE` when you change a price.
 */

/** The day the table was last checked. */
export const PRICE_TABLE_DATE = '2026-12-03';
/** The region the list prices are for. */
export const PRICE_TABLE_REGION = 'us-east-1';

export type PriceCheck = 'page' | 'secondary' | 'assumption';

export interface Price {
  /** US dollars per `unit`. */
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly check: PriceCheck;
  /** What the price assumes, or why it is not checked. */
  readonly note?: string;
}

const R53 = 'https://aws.amazon.com/route53/pricing/';
const CW = 'https://aws.amazon.com/cloudwatch/pricing/';

/** Fixed monthly items (charged whether or not anything happens). */
export const FIXED_PRICES = {
  healthCheckAws: { usd: 0.5, unit: 'health check-month', source: R53, check: 'secondary', note: 'AWS endpoint; calculated and CloudWatch-alarm health checks are priced the same' },
  healthCheckNonAws: { usd: 0.75, unit: 'health check-month', source: R53, check: 'secondary', note: 'non-AWS endpoint' },
  healthCheckOptionAws: { usd: 1.0, unit: 'option-month', source: R53, check: 'assumption', note: 'each optional feature (HTTPS, string matching, fast interval, latency measurement) on an AWS endpoint' },
  healthCheckOptionNonAws: { usd: 2.0, unit: 'option-month', source: R53, check: 'assumption', note: 'each optional feature on a non-AWS endpoint' },
  hostedZone: { usd: 0.5, unit: 'hosted zone-month', source: R53, check: 'secondary', note: 'first 25 zones of the account' },
  alarmMetricStandard: { usd: 0.1, unit: 'alarm metric-month', source: CW, check: 'secondary', note: 'standard resolution (period of 60 s or more)' },
  alarmMetricHighRes: { usd: 0.3, unit: 'alarm metric-month', source: CW, check: 'secondary', note: 'high resolution (period under 60 s)' },
  compositeAlarm: { usd: 0.5, unit: 'composite alarm-month', source: CW, check: 'secondary' },
  dashboard: { usd: 3.0, unit: 'dashboard-month', source: CW, check: 'assumption', note: 'list price; the account free tier covers 3 dashboards, not counted here' },
  kmsKey: { usd: 1.0, unit: 'key-month', source: 'https://aws.amazon.com/kms/pricing/', check: 'page', note: 'customer managed key; each automatic rotation adds $1/month for the first two rotations (from the second year)' },
  secret: { usd: 0.4, unit: 'secret-month', source: 'https://aws.amazon.com/secrets-manager/pricing/', check: 'assumption' },
  canaryRun: { usd: 0.0012, unit: 'canary run', source: CW, check: 'secondary', note: 'CloudWatch Synthetics, per run (a retry of a failed run is another run); every minute ≈ 43,800 runs ≈ $52.56 a month per canary, hourly 730 ≈ $0.88; the account\'s first 100 runs a month are free (not counted); the run\'s Lambda, S3 and log charges come on top' },
  wafWebAcl: { usd: 5.0, unit: 'web ACL-month', source: 'https://aws.amazon.com/waf/pricing/', check: 'secondary' },
  wafRule: { usd: 1.0, unit: 'rule-month', source: 'https://aws.amazon.com/waf/pricing/', check: 'secondary', note: 'a managed rule group counts as one rule (its own subscription fee, if any, is extra)' },
} as const satisfies Record<string, Price>;

/** Prices of what scales with use (the usage drivers). */
export const USAGE_PRICES = {
  restApiRequest: { usd: 3.5 / 1e6, unit: 'request', source: 'https://aws.amazon.com/api-gateway/pricing/', check: 'assumption', note: 'REST API, first 333 million a month' },
  httpApiRequest: { usd: 1.0 / 1e6, unit: 'request', source: 'https://aws.amazon.com/api-gateway/pricing/', check: 'assumption', note: 'HTTP API, first 300 million a month, per 512 KB' },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'invocation', source: 'https://aws.amazon.com/lambda/pricing/', check: 'assumption' },
  lambdaGbSecondArm: { usd: 0.0000133334, unit: 'GB-second', source: 'https://aws.amazon.com/lambda/pricing/', check: 'assumption', note: 'arm64, first 7.5 billion GB-s a month' },
  lambdaGbSecondX86: { usd: 0.0000166667, unit: 'GB-second', source: 'https://aws.amazon.com/lambda/pricing/', check: 'assumption', note: 'x86_64, first 6 billion GB-s a month' },
  dynamoWrite: { usd: 0.625 / 1e6, unit: 'write request unit', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', check: 'assumption', note: 'on-demand, standard table class' },
  dynamoReplicatedWrite: { usd: 0.625 / 1e6, unit: 'replicated write request unit', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', check: 'assumption', note: 'global table replica in another region, on-demand' },
  dynamoRead: { usd: 0.125 / 1e6, unit: 'read request unit', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', check: 'assumption' },
  dynamoStorage: { usd: 0.25, unit: 'GB-month', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', check: 'assumption', note: 'per replica region' },
  dynamoPitr: { usd: 0.2, unit: 'GB-month', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', check: 'secondary', note: 'continuous backups (point-in-time recovery), per replica with PITR on' },
  backupDynamoWarm: { usd: 0.1, unit: 'GB-month', source: 'https://aws.amazon.com/backup/pricing/', check: 'secondary', note: 'AWS Backup DynamoDB backup storage; every DynamoDB backup is a full copy' },
  backupCrossRegionTransfer: { usd: 0.02, unit: 'GB copied', source: 'https://aws.amazon.com/backup/pricing/', check: 'secondary', note: 'cross-region copy data transfer (varies by region pair)' },
  backupRestore: { usd: 0.15, unit: 'GB restored', source: 'https://aws.amazon.com/backup/pricing/', check: 'assumption', note: 'DynamoDB restore (restore tests restore the whole table)' },
  snsPublish: { usd: 0.5 / 1e6, unit: 'publish (64 KB)', source: 'https://aws.amazon.com/sns/pricing/', check: 'assumption' },
  snsEmail: { usd: 2.0 / 1e5, unit: 'e-mail', source: 'https://aws.amazon.com/sns/pricing/', check: 'assumption' },
  logsIngest: { usd: 0.5, unit: 'GB ingested', source: CW, check: 'assumption', note: 'CloudWatch Logs standard class' },
  logsStorage: { usd: 0.03, unit: 'GB-month stored', source: CW, check: 'assumption' },
  route53Query: { usd: 0.4 / 1e6, unit: 'DNS query', source: R53, check: 'assumption', note: 'standard queries (CNAME failover records are not free alias queries)' },
  wafRequest: { usd: 0.6 / 1e6, unit: 'request inspected', source: 'https://aws.amazon.com/waf/pricing/', check: 'secondary' },
} as const satisfies Record<string, Price>;

/**
 * Outbound SMS, per message part, by the number's country (ISO 3166 code). These move often and
 * carrier fees are added by country: all are assumptions to verify on the End User Messaging SMS
 * pricing page for your origination type. A country not listed is reported as "price unknown".
 */
export const SMS_PRICES: Readonly<Record<string, Price>> = {
  HK: { usd: 0.0403, unit: 'SMS part', source: 'https://aws.amazon.com/end-user-messaging/pricing/', check: 'assumption' },
  US: { usd: 0.00883, unit: 'SMS part', source: 'https://aws.amazon.com/end-user-messaging/pricing/', check: 'assumption', note: 'toll-free origination including carrier fee' },
  SG: { usd: 0.0387, unit: 'SMS part', source: 'https://aws.amazon.com/end-user-messaging/pricing/', check: 'assumption' },
  JP: { usd: 0.0744, unit: 'SMS part', source: 'https://aws.amazon.com/end-user-messaging/pricing/', check: 'assumption' },
  TW: { usd: 0.0625, unit: 'SMS part', source: 'https://aws.amazon.com/end-user-messaging/pricing/', check: 'assumption' },
  CN: { usd: 0.0318, unit: 'SMS part', source: 'https://aws.amazon.com/end-user-messaging/pricing/', check: 'assumption' },
  GB: { usd: 0.0463, unit: 'SMS part', source: 'https://aws.amazon.com/end-user-messaging/pricing/', check: 'assumption' },
};

/**
 * The always-free tier of the fixed items above, per account and month (not per region or stack):
 * whatever else the account runs uses the same allowance, so the report shows it as a separate
 * line and never subtracts it from the total.
 */
export const FREE_TIER: Readonly<Partial<Record<keyof typeof FIXED_PRICES, { readonly units: number; readonly what: string; readonly source: string; readonly check: PriceCheck }>>> = {
  alarmMetricStandard: { units: 10, what: '10 standard-resolution alarm metrics', source: CW, check: 'secondary' },
  dashboard: { units: 3, what: '3 dashboards of up to 50 metrics each', source: CW, check: 'secondary' },
};

export type FixedPriceKey = keyof typeof FIXED_PRICES;
export type UsagePriceKey = keyof typeof USAGE_PRICES;
