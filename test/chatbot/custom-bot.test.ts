import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { EXAMPLE_PLAN_PATH, parsePlan } from '../../lib/config';
import { patchedInput } from '../helpers/plan';

// `chatbot.entry` (relative to the plan file) replaces the reference bot in both regions, bundled the
// same way, with the same table, environment and routes.
test('a plan naming its own bot deploys that code in both regions', () => {
  const planDir = path.join(__dirname, '..', 'fixtures');
  const plan = parsePlan(patchedInput({ chatbot: { entry: 'custom-bot.ts' } }), 'custom plan', planDir);
  const app = new App({ context: { 'aws:cdk:bundling-stacks': ['acme-chat/Primary', 'acme-chat/Standby'] } });
  const stacks = buildApp(app, { plan, source: 'custom plan', dir: planDir }, { nag: false });
  const assembly = app.synth();
  for (const stack of [stacks.primary, stacks.standby]) {
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).find(
      (r: any) => r.Properties.Environment?.Variables?.DEPLOYMENT_ROLE === stack.role,
    ) as any;
    // Same environment and table as the reference bot.
    expect(fn.Properties.Environment.Variables.HEALTH_TOKEN).toBe('CHATBOT_HEALTHY');
    // The primary references its table; the standby names its replica.
    expect(fn.Properties.Environment.Variables.TABLE_NAME).toEqual(stack.role === 'primary' ? { Ref: 'DataTableFDBAD0F2' } : 'acme-chat-chatbot');
    const code = fs.readFileSync(path.join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'index.js'), 'utf8');
    expect(code).toContain('custom-bot-marker-7f3a');
    // Not the reference bot: its hand-off wording is absent.
    expect(code).not.toContain('HANDOFF_CONTACTS');
  }
  expect(EXAMPLE_PLAN_PATH).not.toContain('fixtures');
});
