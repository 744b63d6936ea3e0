import { App, Stack } from 'aws-cdk-lib';
import { canaryProbes, sha256 } from '../../lib/config/canaries';
import { ConversationCanary } from '../../lib/canaries';
import { CANARY_DEFAULTS } from '../../lib/config';
import { loadedPlan } from '../helpers/plan';

describe('plan canaries section', () => {
  test('defaults: on, hourly, region → important, public name → emergency, first FAQ entry', () => {
    const { plan } = loadedPlan({ canaries: undefined });
    expect(plan.canaries).toMatchObject({ enabled: true, everyMinutes: 60, levels: { region: 'important', publicName: 'emergency' }, failedRunsToAlarm: 1, timeoutSeconds: 30, artifactRetentionDays: 14 });
    expect(CANARY_DEFAULTS.everyMinutes).toBe(60);
    const probes = canaryProbes(plan);
    expect(probes.map((p) => [p.lang, p.faqId])).toEqual(plan.languages.map((l) => [l, plan.knowledgeBase[0].id]));
    expect(probes[0].answerSha256).toBe(sha256(plan.knowledgeBase[0].texts[plan.languages[0]].answer));
  });

  test('a chosen entry and own questions per language', () => {
    const { plan } = loadedPlan({ canaries: { probe: { faq: 'refund', questions: { en: 'how long does a refund take' } } } });
    const probes = canaryProbes(plan);
    const refund = plan.knowledgeBase.find((e) => e.id === 'refund')!;
    expect(probes.find((p) => p.lang === 'en')).toMatchObject({ question: 'how long does a refund take', faqId: 'refund', answerSha256: sha256(refund.texts.en.answer) });
    expect(probes.find((p) => p.lang === 'zh-Hant')!.question).toBe(refund.texts['zh-Hant'].questions[0]);
  });

  test('schedule: whole minutes from 1 to 60', () => {
    expect(() => loadedPlan({ canaries: { everyMinutes: 0 } })).toThrow(/canaries\.everyMinutes: must be at least 1 \(minute\)/);
    expect(() => loadedPlan({ canaries: { everyMinutes: 90 } })).toThrow(/canaries\.everyMinutes: must be at most 60 \(minutes\): a rate schedule runs at least once an hour/);
    expect(() => loadedPlan({ canaries: { everyMinutes: 7.5 } })).toThrow(/canaries\.everyMinutes: must be a whole number of minutes from 1 to 60/);
    expect(loadedPlan({ canaries: { everyMinutes: 1 } }).plan.canaries.everyMinutes).toBe(1);
  });

  test('levels must be warning levels', () => {
    expect(() => loadedPlan({ canaries: { levels: { publicName: 'critical' as never } } })).toThrow(/canaries\.levels\.publicName/);
  });

  test('an unknown probe entry names the ids there are', () => {
    expect(() => loadedPlan({ canaries: { probe: { faq: 'opening' } } })).toThrow(/canaries\.probe\.faq: no knowledge-base entry has the id "opening"; use one of "opening-hours", "reset-password"/);
  });

  test('a probe question in a language the plan does not speak', () => {
    expect(() => loadedPlan({ canaries: { probe: { questions: { fr: 'Quelles sont vos heures ?' } } } })).toThrow(/canaries\.probe\.questions\.fr: "fr" is not one of the plan's languages \(zh-Hant, en\)/);
  });

  test('a probe question another entry answers, or one below the match threshold, is refused', () => {
    expect(() => loadedPlan({ canaries: { probe: { questions: { en: 'I forgot my password' } } } })).toThrow(
      /canaries\.probe\.questions\.en: the probe question "I forgot my password" \(en\) is answered by "reset-password", not by "opening-hours"; choose a question that entry answers/,
    );
    expect(() => loadedPlan({ canaries: { probe: { questions: { en: 'zebra quantum' } } } })).toThrow(/canaries\.probe\.questions\.en: the probe question "zebra quantum" \(en\) is answered by/);
  });

  test('a run too short for its turns is refused when the stack is built, with the fix', () => {
    // 10 s for two languages: (10 - 5) s / 2 = 2.5 s per turn, below the 3 s a turn needs.
    const { plan } = loadedPlan();
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    expect(() => new ConversationCanary(stack, 'C', { url: 'https://chat.example.com/chat', regions: ['us-east-1'], probes: canaryProbes(plan), timeoutSeconds: 10, subject: 'x' })).toThrow(
      /S\/C: timeoutSeconds 10 leaves 2500 ms per chat turn for 2 languages; each needs at least 3000 ms: raise it to 11 or more \(plan canaries\.timeoutSeconds\)/,
    );
    expect(() => new ConversationCanary(stack, 'D', { url: 'http://chat.example.com/health', regions: [], probes: [], subject: 'x' })).toThrow(
      /probes must hold one chat turn per plan language, got none; regions must name at least one region allowed to answer, got none; url must be https:\/\/<name>\/chat, got: http:\/\/chat\.example\.com\/health/,
    );
  });
});
