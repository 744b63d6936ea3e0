import { Match, Template } from 'aws-cdk-lib/assertions';
import { HANDOFF_DOCUMENT_PATH } from '../../lib/fallback';
import { EXAMPLE_PLAN_PATH, loadPlan } from '../../lib/config';
import { synthPlan, Synthesized } from '../helpers/synth';
import { ProjectFunction } from '../../lib/shared/project-function';
import { INCIDENT_TEMPLATES_FILE } from '../../contracts/functions';

// The three shipped plans, each synthesized once: what is deployed speaks exactly the plan's
// languages (the bot's phrases, the alerts' words, the incident templates, the fallback page and
// the hand-off document), in the plan's regions.
const HAN = /\p{Script=Han}/u;
const PLANS: [string, string, string[], [string, string]][] = [
  ['plans/example.yaml', EXAMPLE_PLAN_PATH, ['zh-Hant', 'en'], ['ap-southeast-1', 'ap-northeast-1']],
  ['plans/examples/english-only.yaml', 'plans/examples/english-only.yaml', ['en'], ['eu-central-1', 'eu-west-1']],
  ['plans/examples/zh-hans-en.yaml', 'plans/examples/zh-hans-en.yaml', ['zh-Hans', 'en'], ['ap-southeast-1', 'ap-northeast-1']],
];

const envOf = (t: Template, variable: string): string => {
  const fns = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [variable]: Match.anyValue() } } } })) as any[];
  expect(fns.length).toBeGreaterThan(0);
  const v = fns[0].Properties.Environment.Variables[variable];
  return typeof v === 'string' ? v : JSON.stringify(v);
};

describe.each(PLANS)('%s', (_name, file, languages, regions) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlan(loadPlan(file));
  });

  test('is deployed to its two regions', () => {
    expect([s.stacks.primary.region, s.stacks.standby.region]).toEqual(regions);
  });

  test('the bot gets the plan\'s languages and hand-off phrases, the default first', () => {
    const phrases = JSON.parse(envOf(s.templates.primary, 'BOT_PHRASES'));
    expect(phrases.languages).toEqual(languages);
    expect(Object.keys(phrases.noMatch)).toEqual(languages);
    expect(Object.keys(JSON.parse(envOf(s.templates.standby, 'HANDOFF_CONTACTS')).teamName)).toEqual(languages);
  });

  test('alerts and incident notices carry exactly the plan\'s languages', () => {
    const notifier = envOf(s.templates.primary, 'NOTIFIER_CONFIG');
    for (const l of languages) expect(notifier).toContain(`\\"${l}\\":{\\"level\\":`);
    // The publisher's templates grow with the plan's texts: bundled with the handler, not in its environment.
    const publishers = s.stacks.global.node.findAll().filter((c): c is ProjectFunction => c instanceof ProjectFunction && INCIDENT_TEMPLATES_FILE in c.bundledConfig);
    expect(publishers).toHaveLength(1);
    const publish = publishers[0].bundledConfig[INCIDENT_TEMPLATES_FILE];
    expect(JSON.parse(publish).languages).toEqual(languages);
    if (!languages.some((l) => l.startsWith('zh'))) {
      expect(HAN.test(notifier)).toBe(false);
      expect(HAN.test(publish)).toBe(false);
      const descriptions = Object.values(s.templates.primary.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmDescription ?? '');
      expect(descriptions.length).toBeGreaterThan(10);
      expect(descriptions.filter((d) => HAN.test(d))).toEqual([]);
    }
  });

  test('the fallback page and /handoff.json have one section and one text per language', () => {
    const files = s.stacks.global.fallback.files;
    const doc = JSON.parse(files[HANDOFF_DOCUMENT_PATH.slice(1)]);
    expect(doc.languages).toEqual(languages);
    expect(Object.keys(doc.notice)).toEqual(languages);
    expect(Object.keys(doc.team)).toEqual(languages);
    const html = files['index.html'];
    expect(html).toContain(`<html lang="${languages[0]}">`);
    expect([...html.matchAll(/<section lang="([^"]+)"/g)].map((m) => m[1])).toEqual(languages);
    if (!languages.some((l) => l.startsWith('zh'))) expect(HAN.test(html)).toBe(false);
  });
});
