import { examplePlanInput, loadedPlan, loadedPlanWith } from '../helpers/plan';
import { parsePlan } from '../../lib/config';

describe('organisation (§2)', () => {
  test('the example plan has the five units, each owning its audiences, with texts in every plan language', () => {
    const { plan } = loadedPlan();
    expect(Object.keys(plan.organisation)).toEqual(['commandPost', 'office', 'technicalSupport', 'customerService', 'informationSecurity']);
    expect(plan.organisation.technicalSupport?.audiences).toEqual(['opsOnCall']);
    expect(plan.organisation.commandPost?.contacts).toEqual(['duty-manager@acme-example.com', '+85292345678']);
    for (const unit of Object.values(plan.organisation)) {
      expect(Object.keys(unit!.members)).toEqual(plan.languages);
      for (const duty of unit!.duties) expect(Object.keys(duty)).toEqual(plan.languages);
    }
  });

  test('left out, the built-in units own the audiences the plan defines and are reached on their contacts', () => {
    const { plan } = loadedPlanWith((p) => delete p.organisation);
    expect(plan.organisation.technicalSupport).toMatchObject({ builtIn: true, audiences: ['opsOnCall'], contacts: ['oncall@acme-example.com', '+85291234567'] });
    expect(plan.organisation.commandPost?.members.en).toMatch(/commander/);
    expect(plan.organisation.commandPost?.members['zh-Hant']).toMatch(/指揮長/);
  });

  test('the built-in organisation in Simplified Chinese is converted to Simplified', () => {
    const input: any = examplePlanInput();
    delete input.organisation;
    const simplified = JSON.parse(JSON.stringify(input).replace(/"zh-Hant":/g, '"zh-Hans":'));
    simplified.languages = ['zh-Hans', 'en'];
    const plan = parsePlan(simplified, 'zh-Hans plan');
    expect(plan.organisation.commandPost?.members['zh-Hans']).toContain('指挥长');
  });

  test('an audience no unit owns is a plan error naming the audience, the rule and the fix', () => {
    expect(() => loadedPlanWith((p) => (p.organisation.office.audiences = []))).toThrow(
      /audiences\.partners: is owned by no unit of organisation \(rule: every audience is owned by someone.*\); add "partners" to the audiences of one of organisation\.commandPost/,
    );
  });

  test('a unit owning an audience the plan does not define is an error', () => {
    expect(() =>
      loadedPlanWith((p) => {
        delete p.audiences.partners;
      }),
    ).toThrow(/organisation\.office\.audiences\[0\]: names audience "partners", which the plan does not define/);
  });

  test('a unit text missing a plan language is named at its key', () => {
    expect(() => loadedPlanWith((p) => delete p.organisation.office.duties[1].en)).toThrow(/organisation\.office\.duties\[1\]: has no en text/);
  });
});

describe('risk register (§3.1-3.2)', () => {
  test('priority is likelihood × impact', () => {
    const { plan } = loadedPlan();
    const r = plan.risks.register.find((x) => x.id === 'software-fault')!;
    expect([r.likelihood, r.impact, r.priority]).toEqual([4, 4, 16]);
    expect(plan.risks.register.map((x) => x.category)).toEqual(expect.arrayContaining(['technical', 'operational', 'external', 'maintenance', 'legal']));
  });

  test('a risk at the plan-set priority with no detection is a plan error (path, rule, fix)', () => {
    const undetected = (likelihood: number, impact: number) =>
      loadedPlanWith((p) => {
        const r = p.risks.register.find((x: any) => x.id === 'attack');
        r.likelihood = likelihood;
        r.impact = impact;
        r.detectedBy = [];
      });
    expect(() => undetected(2, 5)).toThrow(
      /risks\.register\[4\]\.detectedBy: risk "attack" has priority 10 \(likelihood 2 × impact 5\), at or above risks\.detectionRequiredFrom \(10\), and nothing detects it \(rule: .*\); list its indicators/,
    );
    // Just below the line: allowed.
    expect(undetected(3, 3).plan.risks.register[4].priority).toBe(9);
  });

  test('the line is the plan\'s: lowering detectionRequiredFrom catches the undetected legal risk', () => {
    expect(() => loadedPlanWith((p) => (p.risks.detectionRequiredFrom = 6))).toThrow(/risks\.register\[7\]\.detectedBy: risk "regulation-change" has priority 6/);
  });

  test('likelihood and impact are 1-5, categories and indicators are checked', () => {
    expect(() => loadedPlanWith((p) => (p.risks.register[0].likelihood = 6))).toThrow(/risks\.register\[0\]\.likelihood/);
    expect(() => loadedPlanWith((p) => (p.risks.register[0].category = 'weather'))).toThrow(/risks\.register\[0\]\.category/);
    expect(() => loadedPlanWith((p) => (p.risks.register[0].detectedBy = ['endpoint-healthy']))).toThrow(/risks\.register\[0\]\.detectedBy\[0\]/);
  });

  test('risk ids are unique', () => {
    expect(() => loadedPlanWith((p) => (p.risks.register[1].id = p.risks.register[0].id))).toThrow(/risks\.register\[1\]\.id: "region-outage" is used by an earlier risk/);
  });

  test('left out, the register is empty and valid', () => {
    expect(loadedPlanWith((p) => delete p.risks).plan.risks).toEqual({ detectionRequiredFrom: 10, register: [] });
  });
});
