import { Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RolloutStrategy } from '../config/schema';

/** The CodeDeploy deployment configuration of each plan rollout strategy. */
export const ROLLOUT_CONFIGS: Record<RolloutStrategy, codedeploy.ILambdaDeploymentConfig> = {
  'canary-10-percent-5-minutes': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  'canary-10-percent-15-minutes': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES,
  'linear-10-percent-every-minute': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  // Still through CodeDeploy: a failed deployment rolls back; there is no canary window for alarms.
  'all-at-once': codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
};

/** CodeDeploy takes at most 10 alarms per deployment group. */
export const MAX_ROLLOUT_ALARMS = 10;

export interface ChatbotRolloutProps {
  /** The alias customers reach (the API invokes it); CodeDeploy shifts it between versions. */
  readonly alias: lambda.Alias;
  /**
   * Alarms that stop and roll back a deployment when any is in ALARM during it (this region's
   * important-level chatbot alarms), at most MAX_ROLLOUT_ALARMS.
   */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** How traffic moves to a new version. @default codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES */
  readonly deploymentConfig?: codedeploy.ILambdaDeploymentConfig;
}

/**
 * Safe deployments (plan §3.3): every new chatbot version reaches the `live` alias through CodeDeploy,
 * first for a share of the traffic (canary), and is rolled back automatically when one of the
 * region's alarms fires during the rollout or the deployment fails. Each regional stack has its
 * own deployment group, so a team rolls out one region at a time.
 */
export class ChatbotRollout extends Construct {
  public readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;

  constructor(scope: Construct, id: string, props: ChatbotRolloutProps) {
    super(scope, id);
    if (props.alarms.length < 1 || props.alarms.length > MAX_ROLLOUT_ALARMS) {
      throw new Error(`${this.node.path}: alarms must list 1 to ${MAX_ROLLOUT_ALARMS} alarms (CodeDeploy's limit per deployment group), got: ${props.alarms.length}`);
    }
    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'Group', {
      alias: props.alias,
      deploymentConfig: props.deploymentConfig ?? codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: [...props.alarms],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    Validations.of(this.deploymentGroup.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        "aws-cdk-lib's LambdaDeploymentGroup always attaches AWS's limited CodeDeploy-for-Lambda policy: read and update aliases, read provisioned concurrency, DescribeAlarms, and only CodeDeployHook_* functions, CodeDeployTopic_* topics and */CodeDeploy/* objects.",
    });
  }
}
