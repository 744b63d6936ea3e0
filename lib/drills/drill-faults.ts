import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DRILL_FAULTS_TAG_KEY, DrillFault, FIS_ACTIONS, FIS_CONFIG_PREFIX, FIS_REPORT_PREFIX } from '../../contracts';
import type { FisLambdaExtension } from './fis-lambda-extension';

/**
 * How cdk-nag names a resource ARN built from tokens (references resolved, intrinsics as JSON): for
 * acknowledgements of ARNs that hold references, added in the validate phase once those resolve.
 */
export function nagRendering(stack: Stack, arn: string): string {
  const resolved = stack.resolve(arn) as unknown;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  const part = (x: unknown): string => {
    if (typeof x === 'string') return x;
    const o = x as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    if (o.Ref) return `<${o.Ref}>`;
    if (o['Fn::GetAtt']) return `<${o['Fn::GetAtt'].join('.')}>`;
    return JSON.stringify(x);
  };
  return join ? join[1].map(part).join(join[0]) : part(resolved);
}


export interface DrillFaultsProps {
  readonly planName: string;
  /** What the experiment injects, in parallel. */
  readonly faults: readonly DrillFault[];
  /** The plan's primary chatbot function: the only Lambda target. */
  readonly fn: lambda.IFunction;
  /** The plan's chatbot global table (its replica in this region): the only table target. */
  readonly table: dynamodb.ITableV2;
  /** Needed by the Lambda faults: the extension on `fn` and its configuration bucket. @default - none (Lambda faults refused) */
  readonly lambdaExtension?: FisLambdaExtension;
  /** How long every action keeps its fault on: the drill's maximum duration, seconds. */
  readonly durationSeconds: number;
  /** lambda-errors: share of invocations that fail, percent. @default 100 */
  readonly errorPercentage?: number;
  /** lambda-delay: start-up delay added to each invocation, ms. @default 3000 */
  readonly delayMilliseconds?: number;
  /** CloudWatch alarm ARNs that stop the experiment when one goes to ALARM. */
  readonly stopConditionAlarmArns: readonly string[];
  /** FIS experiment reports go under drills/fis/ of this bucket. */
  readonly reportBucket: s3.IBucket;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The plan's AWS FIS experiment template for `fault-injection` drills (plan §9.2.2): the chosen
 * faults on the plan's own primary function and table, each for the drill's maximum duration (so
 * FIS itself ends the fault even if the drill runner stops), stop conditions on the plan's alarms,
 * experiment logs to a log group of its own and experiment reports to the report bucket. Tagged
 * `contingency:drill-faults = <plan>`: the drill runner finds it, and may start and stop
 * experiments, by that tag only. The experiment role may touch only the targets named here.
 */
export class DrillFaults extends Construct {
  public readonly template: fis.CfnExperimentTemplate;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DrillFaultsProps) {
    super(scope, id);
    const problems: string[] = [];
    const lambdaFaults = props.faults.filter((f) => f !== 'replication-pause');
    if (props.faults.length === 0) problems.push('faults must name at least one fault, got: []; e.g. ["replication-pause"]');
    if (new Set(props.faults).size !== props.faults.length) problems.push(`faults must not repeat a fault, got: ${props.faults.join(', ')}`);
    if (lambdaFaults.length && !props.lambdaExtension) problems.push(`${lambdaFaults.join(', ')} need the AWS FIS Lambda extension on the function, got: no lambdaExtension; pass the FisLambdaExtension of the function (plan drills.fis.lambdaExtension: true)`);
    if (!Token.isUnresolved(props.durationSeconds) && (!Number.isInteger(props.durationSeconds) || props.durationSeconds < 60 || props.durationSeconds > 12 * 3600)) {
      problems.push(`durationSeconds must be whole seconds from 60 to 43200 (FIS actions last at most 12 hours), got: ${props.durationSeconds}`);
    }
    const pct = props.errorPercentage ?? 100;
    if (!Number.isInteger(pct) || pct < 1 || pct > 100) problems.push(`errorPercentage must be a whole percent from 1 to 100, got: ${pct}`);
    if (props.stopConditionAlarmArns.length === 0) problems.push('stopConditionAlarmArns must name at least one alarm, got: []; a drill fault without a stop condition is not allowed');
    if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);

    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `AWS FIS experiments of the ${props.planName} drills: ${props.faults.join(', ')}`,
    });
    const duration = `PT${props.durationSeconds}S`;
    const targets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty> = {};
    const actions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty> = {};
    if (lambdaFaults.length) {
      targets.ChatbotFunction = { resourceType: 'aws:lambda:function', resourceArns: [props.fn.functionArn], selectionMode: 'ALL' };
      // FIS reads the extension's configuration location from the function, then writes the fault there.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:GetFunction'], resources: [props.fn.functionArn, `${props.fn.functionArn}:*`] }));
      props.lambdaExtension!.grantWriteConfigurations(this.role);
    }
    if (props.faults.includes('lambda-errors')) {
      actions.LambdaErrors = {
        actionId: FIS_ACTIONS['lambda-errors'],
        description: `${pct}% of the chatbot function's invocations fail`,
        parameters: { duration, invocationPercentage: String(pct), preventExecution: 'true' },
        targets: { Functions: 'ChatbotFunction' },
      };
    }
    if (props.faults.includes('lambda-delay')) {
      actions.LambdaDelay = {
        actionId: FIS_ACTIONS['lambda-delay'],
        description: `every invocation of the chatbot function starts ${props.delayMilliseconds ?? 3000} ms late`,
        parameters: { duration, invocationPercentage: '100', startupDelayMilliseconds: String(props.delayMilliseconds ?? 3000) },
        targets: { Functions: 'ChatbotFunction' },
      };
    }
    if (props.faults.includes('replication-pause')) {
      targets.ChatbotTable = { resourceType: 'aws:dynamodb:global-table', resourceArns: [props.table.tableArn], selectionMode: 'ALL' };
      actions.PauseReplication = {
        actionId: FIS_ACTIONS['replication-pause'],
        description: 'the chatbot global table stops replicating to and from this region',
        parameters: { duration },
        targets: { Tables: 'ChatbotTable' },
      };
      // The pause is a time-limited statement FIS adds to the table's resource policy (AWS FIS user guide).
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:DescribeTable', 'dynamodb:GetResourcePolicy', 'dynamodb:PutResourcePolicy', 'dynamodb:DeleteResourcePolicy'], resources: [props.table.tableArn] }),
      );
    }
    // Target resolution (the FIS user guide lists it for both action families); no resource-level permissions exist for it.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['tag:GetResources'], resources: ['*'] }));

    this.logGroup = new logs.LogGroup(this, 'ExperimentLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    // Vended log delivery to CloudWatch Logs (FIS experiment logging); these actions take no resource ARN.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'], resources: ['*'] }));
    const reportObjects = props.reportBucket.arnForObjects(`${FIS_REPORT_PREFIX}*`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [reportObjects] }));
    // The report bucket may live in another stack (the global one): cdk-nag names it by the resolved
    // reference, known only once references are resolved, so that acknowledgement is added then.
    this.node.addValidation({
      validate: () => {
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagRendering(stack, reportObjects)}]`,
          reason: 'FIS writes its experiment reports under drills/fis/ of the report bucket only (PutObject).',
        });
        return [];
      },
    });

    this.template = new fis.CfnExperimentTemplate(this, 'Template', {
      description: `${props.planName} drill: ${props.faults.join(' + ')} on the primary for at most ${props.durationSeconds} s`.slice(0, 512),
      roleArn: this.role.roleArn,
      targets,
      actions,
      stopConditions: props.stopConditionAlarmArns.map((value) => ({ source: 'aws:cloudwatch:alarm', value })),
      experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
      // The L1 types these as `any`: CloudFormation's own property names.
      logConfiguration: { cloudWatchLogsConfiguration: { LogGroupArn: this.logGroup.logGroupArn }, logSchemaVersion: 2 },
      experimentReportConfiguration: { outputs: { experimentReportS3Configuration: { bucketName: props.reportBucket.bucketName, prefix: FIS_REPORT_PREFIX.replace(/\/$/, '') } } },
      tags: { [DRILL_FAULTS_TAG_KEY]: props.planName, Name: `${props.planName}-drill-faults` },
    });

    Validations.of(this.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'tag:GetResources (FIS target resolution) and the CloudWatch Logs vended-delivery actions (CreateLogDelivery, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) support no resource-level permissions.' },
      ...(lambdaFaults.length
        ? [
            { id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId((props.fn.node.defaultChild ?? props.fn) as lambda.CfnFunction)}.Arn>:*]`, reason: 'lambda:GetFunction on the versions of the plan\'s own chatbot function (the API invokes its live alias).' },
            {
              id: `AwsSolutions-IAM5[Resource::${nagRendering(stack, props.lambdaExtension!.bucket.arnForObjects(`${FIS_CONFIG_PREFIX}*`))}]`,
              reason: 'FIS writes and removes the fault configurations under FisConfigs/ of the extension\'s own configuration bucket (PutObject, DeleteObject), as the FIS Lambda actions require.',
            },
          ]
        : []),
    );
  }
}
