import { Duration, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** Tag on each health check naming the endpoint it probes; the timing model and the operator CLI read it. */
import { ENDPOINT_TAG_KEY } from '../../contracts';
/** Tag on each endpoint health check naming its endpoint (contracts/names.ts). */
export { ENDPOINT_TAG_KEY };

export interface EndpointHealthCheckProps {
  /** Endpoint name for tags, descriptions and the timing model, e.g. 'primary'. */
  readonly endpointName: string;
  /** Host Route 53 connects to over HTTPS (with SNI). */
  readonly host: string;
  /** Path probed. @default '/health' */
  readonly resourcePath?: string;
  /**
   * Text a healthy response body must contain (first 5,120 bytes): makes the check `HTTPS_STR_MATCH`,
   * which Route 53 bills as one more option a month. Needed only when the endpoint can answer 2xx/3xx
   * while unhealthy; the chatbot's `/health` answers 503 when any check fails, and the fallback site
   * answers 503 on it, so the failover stack leaves it out.
   * @default - none: a plain `HTTPS` check (healthy on 2xx/3xx within the timeouts)
   */
  readonly searchString?: string;
  /** Seconds between probes from each checker: 10 or 30. @default 10 */
  readonly requestIntervalSeconds?: number;
  /** Consecutive failed probes before the endpoint is unhealthy, 1-10. @default 3 */
  readonly failureThreshold?: number;
  /** Checker regions (at least 3). @default - all Route 53 checker regions */
  readonly checkerRegions?: string[];
  /** Minutes the check must stay unhealthy before the alarm fires. @default 1 */
  readonly alarmEvaluationMinutes?: number;
  /** Tag value identifying the plan (operator CLI finds the check by it). */
  readonly planName: string;
}

/**
 * One Route 53 HTTPS health check on a chatbot region's `/health` (a string match only when
 * `searchString` is given), and its CloudWatch alarm. Must be created in us-east-1: Route 53 publishes health-check metrics only there.
 */
export class EndpointHealthCheck extends Construct {
  public readonly healthCheck: route53.HealthCheck;
  /** Fires when the endpoint is unhealthy (HealthCheckStatus minimum < 1); missing data counts as unhealthy. */
  public readonly alarm: cloudwatch.Alarm;
  public readonly metric: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: EndpointHealthCheckProps) {
    super(scope, id);
    const interval = props.requestIntervalSeconds ?? 10;
    const threshold = props.failureThreshold ?? 3;
    const path = props.resourcePath ?? '/health';
    const minutes = props.alarmEvaluationMinutes ?? 1;
    const errors: string[] = [];
    if (!Token.isUnresolved(interval) && interval !== 10 && interval !== 30) errors.push(`requestIntervalSeconds must be 10 or 30, got: ${interval}`);
    if (!Token.isUnresolved(threshold) && (!Number.isInteger(threshold) || threshold < 1 || threshold > 10)) {
      errors.push(`failureThreshold must be a whole number between 1 and 10 inclusive, got: ${threshold}`);
    }
    if (!Token.isUnresolved(path) && !path.startsWith('/')) errors.push(`resourcePath must start with "/", got: ${path}`);
    if (props.searchString !== undefined && !Token.isUnresolved(props.searchString) && (props.searchString.length < 1 || props.searchString.length > 255)) {
      errors.push(`searchString must be 1-255 characters, got ${props.searchString.length}`);
    }
    if (props.checkerRegions && new Set(props.checkerRegions).size < 3) {
      errors.push(`checkerRegions must name at least 3 different regions, got: ${props.checkerRegions.join(', ')}`);
    }
    if (!Token.isUnresolved(minutes) && (!Number.isInteger(minutes) || minutes < 1)) errors.push(`alarmEvaluationMinutes must be a whole number of at least 1, got: ${minutes}`);
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    this.healthCheck = new route53.HealthCheck(this, 'Check', {
      type: props.searchString === undefined ? route53.HealthCheckType.HTTPS : route53.HealthCheckType.HTTPS_STR_MATCH,
      fqdn: props.host,
      port: 443,
      enableSNI: true,
      resourcePath: path,
      ...(props.searchString === undefined ? {} : { searchString: props.searchString }),
      requestInterval: Duration.seconds(interval),
      failureThreshold: threshold,
      ...(props.checkerRegions ? { regions: props.checkerRegions } : {}),
    });
    Tags.of(this.healthCheck).add('Name', `${props.planName} ${props.endpointName} chatbot /health`);
    Tags.of(this.healthCheck).add(ENDPOINT_TAG_KEY, props.endpointName);

    this.metric = new cloudwatch.Metric({
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      dimensionsMap: { HealthCheckId: this.healthCheck.healthCheckId },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
    });
    this.alarm = this.metric.createAlarm(this, 'Unhealthy', {
      alarmDescription:
        `The ${props.endpointName} chatbot endpoint fails its Route 53 health check (https://${Token.isUnresolved(props.host) ? '<api host>' : props.host}${path} must return 2xx/3xx${props.searchString === undefined ? '' : ` with "${props.searchString}"`}). ` +
        `DNS has failed over away from it. Plan ${props.planName}.`,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: 1,
      evaluationPeriods: minutes,
      datapointsToAlarm: minutes,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
}
