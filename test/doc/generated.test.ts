import * as fs from 'fs';
import * as path from 'path';
import { LEVEL_TAG } from '../../lib/alerting';
import { LEVEL_LABELS } from '../../lib/config';
import { AlarmRecord } from '../../lib/alerting/registry';
import { HEALTH_ALARM_LEVELS } from '../../lib/stacks/failover-stack';
import { blockOf, planDocFiles, readmeBlocks } from '../../lib/doc/generated';
import { DocModel, modelFromAssembly } from '../../lib/doc/model';
import { synthesizeAssembly } from '../../lib/doc/synthesize';
import { loadedPlan } from '../helpers/plan';
import { planFailoverTiming, worstCaseFailoverSeconds } from '../../lib/config/objectives';

/**
 * What `npm run docs` generates must equal what is committed (README alert tables, docs/plan/*.md),
 * and the registry it reads must hold every alarm of the synthesized templates exactly once, with
 * the level the alarm is really wired to. One synth of the example plan for the whole file.
 */
const ROOT = path.join(__dirname, '..', '..');
const loaded = loadedPlan();
let model: DocModel;
let templates: { stack: string; resources: Record<string, { Type: string; Properties?: any }> }[];

beforeAll(() => {
  const assembly = synthesizeAssembly(loaded);
  model = modelFromAssembly(assembly);
  templates = assembly.stacks.map((s) => ({ stack: s.stackName, resources: (s.template as { Resources: Record<string, { Type: string; Properties?: any }> }).Resources }));
  // One synth of the four stacks: allow for a shared, busy two-core machine.
}, 300_000);

const ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'];

describe('the alarm registry read back from the assembly', () => {
  test('every alarm of every template is recorded exactly once, and every record names a real alarm (or the AWS Health rule)', () => {
    // A composite's actions suppressor (the scheduled-maintenance switch) detects nothing and pages no
    // one: it is a switch, not an alarm of the registry.
    const switches = (resources: Record<string, any>) =>
      new Set(Object.values(resources).flatMap((r: any) => (r.Type === 'AWS::CloudWatch::CompositeAlarm' && r.Properties.ActionsSuppressor ? [r.Properties.ActionsSuppressor['Fn::GetAtt']?.[0]] : [])));
    const inTemplates = templates.flatMap((t) => {
      const off = switches(t.resources);
      return Object.entries(t.resources)
        .filter(([id, r]) => ALARM_TYPES.includes(r.Type) && !off.has(id))
        .map(([id]) => `${t.stack}/${id}`);
    });
    const recorded = model.alarms.map((a) => `${a.stack}/${a.logicalId}`);
    expect(new Set(recorded).size).toBe(recorded.length);
    const ruleRecords = model.alarms.filter((a) => a.kind === 'event-rule');
    expect(ruleRecords.every((a) => a.indicator === 'aws-health')).toBe(true);
    expect(recorded.filter((r) => !ruleRecords.some((a) => `${a.stack}/${a.logicalId}` === r)).sort()).toEqual(inTemplates.sort());
  });

  test('each record has the level its alarm is tagged and wired with (level topic as alarm action; composite inputs without actions)', () => {
    for (const a of model.alarms.filter((x) => x.kind !== 'event-rule')) {
      const res = templates.find((t) => t.stack === a.stack)!.resources[a.logicalId];
      const tag = (res.Properties.Tags ?? []).find((t: { Key: string }) => t.Key === LEVEL_TAG)?.Value;
      const actions = JSON.stringify(res.Properties.AlarmActions ?? []);
      if (a.route === 'level') {
        expect([a.path, tag]).toEqual([a.path, a.level]);
        expect([a.path, actions]).toEqual([a.path, expect.stringMatching(new RegExp(`${a.level}`, 'i'))]);
      } else if (a.route === 'composite-input') {
        expect([a.path, res.Properties.AlarmActions]).toEqual([a.path, undefined]);
      } else {
        expect([a.path, tag]).toEqual([a.path, undefined]);
        expect([a.path, actions]).toEqual([a.path, expect.stringMatching(/Topicsdirect/i)]);
      }
    }
  });

  test('the endpoint-health alarms are recorded at the levels the failover stack wires, and restore alarms are present', () => {
    const health = model.alarms.filter((a) => a.indicator === 'endpoint-health');
    // Construct paths are <plan>/Failover/<alarm>/…
    expect(health.map((a) => [a.path.split('/')[2], a.level])).toEqual([
      ['PrimaryHealth', HEALTH_ALARM_LEVELS.primary],
      ['StandbyHealth', HEALTH_ALARM_LEVELS.standby],
      ['PublicHealth', HEALTH_ALARM_LEVELS.public],
    ]);
    const restore = model.alarms.filter((a: AlarmRecord) => a.family === 'data protection');
    expect(restore.map((a) => `${a.region} ${a.indicator} ${a.level}`).sort()).toEqual([
      'ap-northeast-1 restore-silence important',
      'ap-northeast-1 restore-validation important',
      'ap-southeast-1 restore-silence important',
      'ap-southeast-1 restore-validation important',
    ]);
  });
});

describe('the dashboards show the registry', () => {
  /** A dashboard body's widgets, every token written as <{…}> (a GetAtt, Ref or cross-stack import names the alarm's logical id). */
  const widgetsOf = (body: any): { type: string; properties: { title?: string; alarms?: string[]; markdown?: string } }[] =>
    JSON.parse(typeof body === 'string' ? body : body['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : `<${JSON.stringify(p).replace(/"/g, "'")}>`)).join('')).widgets;

  test('every alarm routed to a level or to ops is on the dashboard of its region, in the widget of its registry level, with its title in the legend', () => {
    const regionOf = new Map(model.alarms.map((a) => [a.stack, a.region]));
    const dashboards = templates.flatMap((t) =>
      Object.values(t.resources)
        .filter((r) => r.Type === 'AWS::CloudWatch::Dashboard')
        .map((r) => ({ region: regionOf.get(t.stack)!, widgets: widgetsOf(r.Properties.DashboardBody) })),
    );
    // One per chatbot region and one in us-east-1.
    expect(dashboards.map((d) => d.region).sort()).toEqual(['ap-northeast-1', 'ap-southeast-1', 'us-east-1']);
    const shown = model.alarms.filter((a) => a.kind !== 'event-rule' && (a.route === 'level' || a.route === 'ops-direct'));
    expect(shown.length).toBeGreaterThan(50);
    for (const a of shown) {
      const d = dashboards.find((x) => x.region === a.region)!;
      const title = a.level ? `${LEVEL_LABELS[a.level].zh} ${LEVEL_LABELS[a.level].en} (` : 'Alerting path (';
      const widget = d.widgets.find((w) => w.type === 'alarm' && w.properties.title?.startsWith(title));
      expect([a.path, widget?.properties.alarms?.some((x) => x.includes(a.logicalId))]).toEqual([a.path, true]);
      const legend = d.widgets.find((w) => w.type === 'text' && w.properties.markdown?.includes('alarm registry'))!.properties.markdown!;
      expect([a.path, legend.split('\n').some((l) => l.includes(`| ${a.family} | ${a.indicator} | ${a.title} |`) && l.includes(a.logicalId))]).toEqual([a.path, true]);
    }
  });
});

describe('generated files are current (npm run docs regenerates them)', () => {
  // The alert tables live in docs/alerting.md (linked from the README).
  const readme = fs.readFileSync(path.join(ROOT, 'docs', 'alerting.md'), 'utf8');
  test.each(['alert-table', 'detection-table'])('docs/alerting.md %s block', (name) => {
    expect(blockOf(readme, name)).toBe(readmeBlocks(model, loaded.plan)[name]);
  });

  test('the README alert table shows the health rows at their wired levels and the restore alarms', () => {
    const table = readmeBlocks(model, loaded.plan)['alert-table'];
    expect(table).toContain('| infrastructure fault | The primary region fails its /health check | — | unhealthy for 1 min | — |');
    const publicMinutes = Math.ceil(worstCaseFailoverSeconds(planFailoverTiming(loaded.plan)) / 60) + 2;
    expect(table).toContain(`| infrastructure fault | The public name chat.acme-example.com is not served by the chatbot | — | — | unhealthy for ${publicMinutes} min (longer than a failover takes) |`);
    expect(table).toContain('| data protection | No successful restore test within the plan period | — | no passing restore test for > 8 days | — |');
  });

  test('docs/plan/ Markdown in every plan language', () => {
    const files = planDocFiles(model);
    const md = Object.keys(files).filter((f) => f.endsWith('.md'));
    expect(md).toEqual(loaded.plan.languages.map((l) => `plan.${l}.md`));
    for (const f of md) expect([f, fs.readFileSync(path.join(ROOT, 'docs', 'plan', f), 'utf8')]).toEqual([f, files[f]]);
  });
});
