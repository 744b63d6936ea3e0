import { referencedId, resourcesOfType, StackTemplate, tagValue } from './templates';

/**
 * Which AWS Backup selections protect a DynamoDB table, read from synthesized templates (a table
 * and the selections may live in different stacks: selections match tables by tag or name).
 */

export interface TableRef {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly type: 'AWS::DynamoDB::GlobalTable' | 'AWS::DynamoDB::Table';
  readonly props: Record<string, unknown>;
}

export interface BackupCoverage {
  /** Stack holding the selection (its region is where the backups are taken). */
  readonly stack: StackTemplate;
  readonly selectionId: string;
  readonly planId: string | undefined;
  /** Regions of the plan's copy actions that differ from the selection's own region. */
  readonly copyRegions: string[];
}

/** Every DynamoDB table (global or regional) in the stacks. */
export function tablesIn(stacks: readonly StackTemplate[]): TableRef[] {
  return stacks.flatMap((stack) =>
    (['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table'] as const).flatMap((type) => resourcesOfType(stack.template, type).map(([logicalId, props]) => ({ stack, logicalId, type, props }))),
  );
}

/** A tag of a table: its own Tags, or any replica's Tags for a global table. */
export function tableTag(table: TableRef, key: string): string | undefined {
  const own = tagValue(table.props.Tags, key);
  if (own !== undefined) return own;
  for (const r of (table.props.Replicas ?? []) as { Tags?: unknown }[]) {
    const v = tagValue(r.Tags, key);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Whether point-in-time recovery is on: for a global table, on every replica. */
export function pitrEnabled(table: TableRef): boolean {
  const on = (spec: unknown) => (spec as { PointInTimeRecoveryEnabled?: unknown } | undefined)?.PointInTimeRecoveryEnabled === true;
  if (table.type === 'AWS::DynamoDB::Table') return on(table.props.PointInTimeRecoverySpecification);
  const replicas = (table.props.Replicas ?? []) as { PointInTimeRecoverySpecification?: unknown }[];
  return replicas.length > 0 && replicas.every((r) => on(r.PointInTimeRecoverySpecification));
}

/** The region in a backup-vault ARN, literal or built with Fn::Join / Fn::Sub. */
export function arnRegion(arn: unknown): string | undefined {
  const text = typeof arn === 'string' ? arn : JSON.stringify(arn ?? '');
  return /:backup:([a-z]{2}(?:-gov)?-[a-z]+-\d):/.exec(text)?.[1];
}

function selects(table: TableRef, selectionStack: StackTemplate, selection: Record<string, unknown>): boolean {
  const resources = (selection.Resources ?? []) as unknown[];
  const tableName = typeof table.props.TableName === 'string' ? table.props.TableName : undefined;
  for (const r of resources) {
    if (selectionStack === table.stack && referencedId(r) === table.logicalId) return true;
    const text = typeof r === 'string' ? r : JSON.stringify(r);
    if (text === '*' || /:dynamodb:[^"]*:table\/\*/.test(text) || /^arn:aws[a-z-]*:dynamodb:\*/.test(text)) return true;
    if (tableName && text.includes(`table/${tableName}`)) return true;
  }
  for (const t of (selection.ListOfTags ?? []) as { ConditionKey?: unknown; ConditionValue?: unknown; ConditionType?: unknown }[]) {
    if (t.ConditionType === 'STRINGEQUALS' && typeof t.ConditionKey === 'string' && tableTag(table, t.ConditionKey) === t.ConditionValue) return true;
  }
  const equals = ((selection.Conditions as { StringEquals?: unknown[] } | undefined)?.StringEquals ?? []) as { ConditionKey?: unknown; ConditionValue?: unknown }[];
  if (equals.length > 0 && equals.every((c) => typeof c.ConditionKey === 'string' && tableTag(table, c.ConditionKey.replace(/^aws:ResourceTag\//, '')) === c.ConditionValue)) return true;
  return false;
}

/** The backup selections (in any stack) that select the table, with their plans' cross-region copies. */
export function backupCoverage(table: TableRef, stacks: readonly StackTemplate[]): BackupCoverage[] {
  const out: BackupCoverage[] = [];
  for (const stack of stacks) {
    const plans = new Map(resourcesOfType(stack.template, 'AWS::Backup::BackupPlan'));
    for (const [selectionId, props] of resourcesOfType(stack.template, 'AWS::Backup::BackupSelection')) {
      const selection = (props.BackupSelection ?? {}) as Record<string, unknown>;
      if (!selects(table, stack, selection)) continue;
      const planId = referencedId(props.BackupPlanId);
      const plan = planId ? plans.get(planId) : undefined;
      const rules = ((plan?.BackupPlan as { BackupPlanRule?: unknown[] } | undefined)?.BackupPlanRule ?? []) as { CopyActions?: { DestinationBackupVaultArn?: unknown }[] }[];
      const copyRegions = [
        ...new Set(
          rules
            .flatMap((r) => r.CopyActions ?? [])
            .map((c) => arnRegion(c.DestinationBackupVaultArn))
            .filter((r): r is string => !!r && r !== stack.region),
        ),
      ];
      out.push({ stack, selectionId, planId: plan ? planId : undefined, copyRegions });
    }
  }
  return out;
}
