import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Evaluation windows AWS WAF rate-based rules accept, seconds. */
export const WAF_RATE_WINDOWS = [60, 120, 300, 600] as const;
export type WafRateWindow = (typeof WAF_RATE_WINDOWS)[number];
/** Lowest limit of a rate-based rule AWS WAF accepts (requests per window). */
export const WAF_MIN_RATE_LIMIT = 10;
/** Highest limit of a rate-based rule AWS WAF accepts. */
export const WAF_MAX_RATE_LIMIT = 2_000_000_000;

/**
 * AWS managed rule groups in front of the chat route, in evaluation order (after the two rate rules).
 * All three are in the AWS WAF base price (no subscription of their own).
 */
export const CHATBOT_MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/** Rule names (also their metric names' suffixes). */
export const FIREWALL_RULES = {
  healthPerClient: 'HealthPerClient',
  chatPerClient: 'ChatPerClient',
} as const;

export interface ChatbotFirewallProps {
  /** The REST API stage the web ACL is associated with (both its own host and the custom domain reach it). */
  readonly stage: apigw.Stage;
  /**
   * URI paths of the health check as AWS WAF sees them: on the custom domain (`/health`) and on the
   * API's own host (`/<stage>/health`, the one Route 53 probes).
   */
  readonly healthPaths: readonly string[];
  /** Most chat (non-health) requests one client IP may send per window; above it, blocked (403). */
  readonly requestsPerClient: number;
  /** Most `/health` requests one client IP may send per window. */
  readonly healthRequestsPerClient: number;
  /** The rate rules' evaluation window, seconds: 60, 120, 300 or 600. @default 300 */
  readonly windowSeconds?: number;
  /** CloudWatch metric name of the web ACL (its `WebACL` dimension): letters, digits, - and _. */
  readonly metricName: string;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/**
 * AWS WAF in front of one region's chatbot API (plan §3.3, §4.2.1): a regional web ACL associated
 * with the REST API stage, in this order:
 *
 * 1. `HealthPerClient`: rate-based, per client IP, only on the health paths. Keeps one client from
 *    exhausting the `/health` throttle bucket (which would fail the Route 53 checks and fail the
 *    region over). Each Route 53 checker sends one request per check interval, far below the limit.
 * 2. `ChatPerClient`: rate-based, per client IP, on everything but the health paths: one client can
 *    no longer use up the shared stage throttle for everyone.
 * 3. The AWS managed groups (IP reputation, common rule set, known bad inputs), scoped down to
 *    everything but the health paths: `/health` reads no input (body, query and headers are ignored),
 *    so they have nothing to protect there, and Route 53 checkers can never be blocked by a managed
 *    rule whose content AWS changes without a deploy.
 *
 * Blocked requests get AWS WAF's default 403. Metrics per rule and for the web ACL (`AWS/WAFV2`).
 */
export class ChatbotFirewall extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly association: wafv2.CfnWebACLAssociation;
  private readonly metricName: string;

  constructor(scope: Construct, id: string, props: ChatbotFirewallProps) {
    super(scope, id);
    const window = props.windowSeconds ?? 300;
    const errors: string[] = [];
    for (const [name, value] of [['requestsPerClient', props.requestsPerClient], ['healthRequestsPerClient', props.healthRequestsPerClient]] as const) {
      if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < WAF_MIN_RATE_LIMIT || value > WAF_MAX_RATE_LIMIT)) {
        errors.push(`${name} must be a whole number between ${WAF_MIN_RATE_LIMIT} and ${WAF_MAX_RATE_LIMIT} (AWS WAF rate-based rule limits), got: ${value}`);
      }
    }
    if (!Token.isUnresolved(window) && !(WAF_RATE_WINDOWS as readonly number[]).includes(window)) {
      errors.push(`windowSeconds must be one of ${WAF_RATE_WINDOWS.join(', ')} (AWS WAF evaluation windows), got: ${window}`);
    }
    if (props.healthPaths.length < 1) errors.push('healthPaths must name at least one path');
    for (const p of props.healthPaths) if (!Token.isUnresolved(p) && !p.startsWith('/')) errors.push(`healthPaths must start with "/", got: ${p}`);
    if (!Token.isUnresolved(props.metricName) && !/^[A-Za-z0-9_-]{1,100}$/.test(props.metricName)) {
      errors.push(`metricName must be 1-100 letters, digits, - or _, got: ${props.metricName}`);
    }
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);
    this.metricName = props.metricName;

    const pathIs = (path: string): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'EXACTLY',
        searchString: path,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    });
    const health: wafv2.CfnWebACL.StatementProperty =
      props.healthPaths.length === 1 ? pathIs(props.healthPaths[0]) : { orStatement: { statements: props.healthPaths.map(pathIs) } };
    const notHealth: wafv2.CfnWebACL.StatementProperty = { notStatement: { statement: health } };

    const perClient = (name: string, priority: number, limit: number, scopeDownStatement: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      action: { block: {} },
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit, evaluationWindowSec: window, scopeDownStatement } },
      visibilityConfig: visibility(`${props.metricName}-${name}`),
    });
    const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, scopeDownStatement: notHealth } },
      visibilityConfig: visibility(`${props.metricName}-${name}`),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: `Chatbot API in ${Stack.of(this).region}: per-client rate limits and AWS managed rules, /health only rate-limited`,
      visibilityConfig: visibility(props.metricName),
      rules: [
        perClient(FIREWALL_RULES.healthPerClient, 0, props.healthRequestsPerClient, health),
        perClient(FIREWALL_RULES.chatPerClient, 1, props.requestsPerClient, notHealth),
        ...CHATBOT_MANAGED_RULE_GROUPS.map((name, i) => managed(name, 2 + i)),
      ],
    });
    this.association = new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }

  /**
   * Requests the web ACL blocked (AWS/WAFV2 BlockedRequests, every rule: `Rule` = ALL), summed over
   * `period` (default 5 minutes).
   */
  public metricBlockedRequests(options: cw.MetricOptions = {}): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: this.metricName, Region: Stack.of(this).region, Rule: 'ALL' },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...options,
    });
  }
}
