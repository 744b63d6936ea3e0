import * as path from 'path';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A validation plugin limited to some stacks. CDK runs a plugin on every stack of the Stage (or
 * App) it is registered on, so a plugin registered by one construct would also judge the app's
 * other stacks; this wrapper hands the inner plugin only the templates of `stacks`.
 */
export class StackScopedValidation implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  constructor(
    private readonly inner: IPolicyValidationPlugin,
    private readonly stacks: readonly Stack[],
  ) {
    // The inner plugin's own name: CDK derives the namespace of acknowledgement ids from it.
    this.name = inner.name;
    if (inner.version !== undefined) this.version = inner.version;
    if (inner.ruleIds !== undefined) this.ruleIds = inner.ruleIds;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    // Artifact ids are unique across the whole app (nested stages included), so the file name identifies the stack.
    const files = new Set(this.stacks.map((s) => s.templateFile));
    const mine = (p: string) => files.has(path.basename(p));
    const ctx = context as IPolicyValidationContext & { stackTemplates?: { templatePath: string }[] };
    return this.inner.validate({
      ...ctx,
      templatePaths: ctx.templatePaths.filter(mine),
      ...(ctx.stackTemplates ? { stackTemplates: ctx.stackTemplates.filter((s) => mine(s.templatePath)) } : {}),
    } as IPolicyValidationContext);
  }
}

/** A cdk-nag rule pack (any `NagPack`), as `validateScope` offers it. */
export interface ScopeValidatingPack {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];
  validateScope(scope: IConstruct): PolicyValidationPluginReport;
}

/**
 * A cdk-nag rule pack run on one construct subtree. Registered the usual way, a pack walks the
 * whole app, so the pack a construct adds would fail the team's unrelated stacks.
 */
export class ConstructScopedNag implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  constructor(
    private readonly pack: ScopeValidatingPack,
    private readonly scope: IConstruct,
  ) {
    // The pack's own name: CDK derives the namespace of acknowledgement ids from it.
    this.name = pack.name;
    if (pack.version !== undefined) this.version = pack.version;
    if (pack.ruleIds !== undefined) this.ruleIds = pack.ruleIds;
  }

  public validate(): PolicyValidationPluginReport {
    return this.pack.validateScope(this.scope);
  }
}
