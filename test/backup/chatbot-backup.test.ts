import { Match, Template } from 'aws-cdk-lib/assertions';
import { synthPlan, Synthesized } from '../helpers/synth';
import { loadedPlan } from '../helpers/plan';

let s: Synthesized;
let primary: Template;
let standby: Template;
beforeAll(() => {
  s = synthPlan();
  primary = s.templates.primary;
  standby = s.templates.standby;
});

const resolve = (t: Template, type: string) => Object.values(t.findResources(type));

describe('backup vault', () => {
  test.each(['primary', 'standby'] as const)('%s vault: fixed plan-derived name, own CMK with rotation, governance lock 7-365 days, retained', (role) => {
    const t = s.templates[role];
    t.hasResource('AWS::Backup::BackupVault', {
      DeletionPolicy: 'Retain',
      Properties: {
        BackupVaultName: 'acme-chat-backup',
        EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('BackupVaultKey'), 'Arn'] },
        LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 365 },
      },
    });
    const lock = resolve(t, 'AWS::Backup::BackupVault')[0].Properties.LockConfiguration;
    expect(lock.ChangeableForDays).toBeUndefined(); // governance mode
    const keys = t.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('backup vault') } });
    expect(Object.values(keys).map((k) => k.Properties.EnableKeyRotation)).toEqual([true]);
  });

  test('compliance mode sets ChangeableForDays from the plan', () => {
    const c = synthPlan(loadedPlan({ backup: { vaultLock: { mode: 'compliance', changeableForDays: 5 } } }));
    c.templates.primary.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 365, ChangeableForDays: 5 } });
  });
});

describe('backup plan', () => {
  test('snapshot rule: plan cadence, retention, copy to the other region vault (ARN built from the plan, no cross-stack reference)', () => {
    primary.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'ScheduledSnapshot',
            ScheduleExpression: 'cron(0 3 * * ? *)',
            Lifecycle: { DeleteAfterDays: 35 },
            CopyActions: [
              {
                DestinationBackupVaultArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':backup:ap-northeast-1:', { Ref: 'AWS::AccountId' }, ':backup-vault:acme-chat-backup']] },
                Lifecycle: { DeleteAfterDays: 35 },
              },
            ],
          }),
        ],
      },
    });
    const copy = resolve(standby, 'AWS::Backup::BackupPlan')[0].Properties.BackupPlan.BackupPlanRule[0].CopyActions[0];
    expect(JSON.stringify(copy.DestinationBackupVaultArn)).toContain(':backup:ap-southeast-1:');
    // The standby names the primary's vault from the plan, never through a reference to the primary stack.
    expect(JSON.stringify(copy)).not.toMatch(/GetStackOutput|ImportValue|acme-chat-primary/);
  });

  test('optional cross-account copy adds a second copy action with the same retention', () => {
    const arn = 'arn:aws:backup:ap-southeast-1:210987654321:backup-vault:acme-chat-offsite';
    const c = synthPlan(loadedPlan({ backup: { copyToAccount: { accountId: '210987654321', vaultArn: arn } } }));
    const rule = resolve(c.templates.primary, 'AWS::Backup::BackupPlan')[0].Properties.BackupPlan.BackupPlanRule[0];
    expect(rule.CopyActions).toHaveLength(2);
    expect(rule.CopyActions[1]).toEqual({ DestinationBackupVaultArn: arn, Lifecycle: { DeleteAfterDays: 35 } });
  });

  test('selection by the backup tag, with the AWS Backup role', () => {
    primary.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('BackupPlanRole'), 'Arn'] },
        ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'contingency:backup', ConditionValue: 'acme-chat' }],
      },
    });
  });

  test('the chatbot table carries the tag the selection picks, on every replica', () => {
    const table = resolve(primary, 'AWS::DynamoDB::GlobalTable')[0];
    for (const replica of table.Properties.Replicas) {
      expect(replica.Tags).toEqual(expect.arrayContaining([{ Key: 'contingency:backup', Value: 'acme-chat' }]));
    }
  });
});

describe('restore testing', () => {
  test('plan: plan cadence, latest snapshot within the window, this region vault only', () => {
    primary.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: 'acme_chat_chatbot_restore_test',
      ScheduleExpression: 'cron(0 5 ? * MON *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      StartWindowHours: 1,
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('BackupVault'), 'BackupVaultArn'] }],
        RecoveryPointTypes: ['SNAPSHOT'],
        SelectionWindowDays: 7,
      },
    });
  });

  test('selection: DynamoDB tables with the backup tag, restored with the data key, deleted after the validation window', () => {
    primary.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      RestoreTestingPlanName: 'acme_chat_chatbot_restore_test',
      ProtectedResourceType: 'DynamoDB',
      ProtectedResourceArns: ['*'],
      ProtectedResourceConditions: { StringEquals: [{ Key: 'aws:ResourceTag/contingency:backup', Value: 'acme-chat' }] },
      ValidationWindowHours: 2,
      RestoreMetadataOverrides: { encryptionType: 'KMS', kmsMasterKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataKey'), 'Arn'] } },
      IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('BackupPlanRole'), 'Arn'] },
    });
  });

  test('the validation window follows the plan', () => {
    const c = synthPlan(loadedPlan({ backup: { validationWindowHours: 6 } }));
    c.templates.standby.hasResourceProperties('AWS::Backup::RestoreTestingSelection', { ValidationWindowHours: 6 });
  });
});

describe('validator wiring', () => {
  test('event rule: restore job finished, only for this region restore-testing plan, targets the validator', () => {
    primary.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.backup'],
        'detail-type': ['Restore Job State Change'],
        detail: {
          status: ['COMPLETED', 'FAILED', 'ABORTED'],
          restoreTestingPlanArn: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('RestoreTestingPlan'), 'RestoreTestingPlanArn'] }],
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('BackupValidatorHandler'), 'Arn'] } })],
    });
  });

  test('validator environment carries the plan tolerances', () => {
    primary.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SOURCE_TABLE_NAME: { Ref: Match.anyValue() }, ITEM_COUNT_TOLERANCE_PERCENT: '1', SENTINEL_INTERVAL_MINUTES: '5' }) },
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
    });
  });

  test('validator IAM: read-only DynamoDB, Backup describe + report only, no write or delete of tables', () => {
    const policies = primary.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('BackupValidatorRole') } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((st: { Action: string | string[] }) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult']));
    for (const a of actions) expect(a).not.toMatch(/dynamodb:(Put|Update|Delete|BatchWrite|Tag|CreateBackup)|backup:(Start|Update|Delete)|kms:Encrypt/);
    const backupStmt = statements.find((st: { Action: unknown }) => JSON.stringify(st.Action).includes('backup:'));
    expect(backupStmt.Resource).toBe('*');
  });

  test('sentinel writer: scheduled every sentinelIntervalMinutes, may only PutItem under the SENTINEL partition', () => {
    primary.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SentinelWriterHandler'), 'Arn'] } })],
    });
    primary.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('SentinelWriterRole'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dynamodb:PutItem',
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SENTINEL'] } },
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataTable'), 'Arn'] },
          }),
        ]),
      },
    });
  });
});

describe('restore alarms (important level)', () => {
  test('validation-failed alarm on the validator metric', () => {
    primary.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ChatbotContingency',
      MetricName: 'RestoreValidationFailed',
      Dimensions: [{ Name: 'service', Value: 'restore-validator' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('^\\[Important warning .+\\] Restore test failed'),
      Tags: Match.arrayWith([{ Key: 'contingency:warning-level', Value: 'important' }]),
    });
  });

  test('silence alarm: hours since success above restoreTestMaxSilenceDays, missing data breaches', () => {
    primary.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HoursSinceRestoreTestSucceeded',
      Dimensions: [{ Name: 'service', Value: 'restore-watch' }],
      Threshold: 8 * 24,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
      Tags: Match.arrayWith([{ Key: 'contingency:warning-level', Value: 'important' }]),
    });
    const c = synthPlan(loadedPlan({ backup: { restoreTestMaxSilenceDays: 15 } }));
    c.templates.primary.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HoursSinceRestoreTestSucceeded', Threshold: 360 });
  });

  test('alarms are exposed typed, with their level, on both regional stacks', () => {
    for (const stack of [s.stacks.primary, s.stacks.standby]) {
      expect(stack.backup.restoreAlarms.level).toBe('important');
      expect(stack.backup.alarms.validationFailed.alarmArn).toBeDefined();
      expect(stack.backup.alarms.silence.alarmArn).toBeDefined();
    }
  });

  test('watch may read only this restore-testing plan', () => {
    primary.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('AlarmsWatchRole'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'backup:GetRestoreTestingPlan', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('RestoreTestingPlan'), 'RestoreTestingPlanArn'] } }),
        ]),
      },
    });
  });
});

describe('construct validation', () => {
  test('vault rejects max below min retention', () => {
    const { App, Stack, Duration } = jest.requireActual('aws-cdk-lib');
    const { ChatbotBackupVault } = jest.requireActual('../../lib/backup');
    const stack = new Stack(new App(), 'T', { env: { region: 'ap-southeast-1' } });
    expect(() => new ChatbotBackupVault(stack, 'V', { vaultName: 'x-backup', minRetention: Duration.days(30), maxRetention: Duration.days(7) })).toThrow(
      /maxRetention must be at least minRetention \(30 days\), got: 7 days/,
    );
  });
  test('restore testing rejects a validation window above 168 h and a plan name with dashes', () => {
    const { App, Stack } = jest.requireActual('aws-cdk-lib');
    const backup = jest.requireActual('aws-cdk-lib/aws-backup');
    const iam = jest.requireActual('aws-cdk-lib/aws-iam');
    const { RestoreTesting } = jest.requireActual('../../lib/backup');
    const stack = new Stack(new App(), 'T', { env: { region: 'ap-southeast-1' } });
    const vault = backup.BackupVault.fromBackupVaultName(stack, 'V', 'v');
    const role = iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::123456789012:role/r');
    expect(
      () => new RestoreTesting(stack, 'RT', { planName: 'a-b', vault, role, schedule: 'cron(0 5 ? * MON *)', selectionTag: { key: 'k', value: 'v' }, validationWindowHours: 200 }),
    ).toThrow(/planName must be 1-50 letters, digits or underscores, got: a-b; validationWindowHours must be between 0 and 168 inclusive, got: 200/);
  });
});
