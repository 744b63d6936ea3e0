import { escapeHtml, HANDOFF_DOCUMENT_PATH, renderFallbackPage, renderFallbackSite, renderHandoffDocument, telHref } from '../../lib/fallback';
import { loadedPlan } from '../helpers/plan';

const plan = loadedPlan().plan;
const langs = { languages: plan.languages, words: plan.words };
const content = { ...langs, ...plan.handoff, title: plan.title!, notice: plan.failover.fallbackNotice! };

describe('fallback content from the plan', () => {
  test('the page carries every contact and the hours in both languages', () => {
    const html = renderFallbackPage(content);
    expect(html).toContain('<section lang="zh-Hant" id="contacts-zh-Hant">');
    expect(html).toContain('<section lang="en" id="contacts-en">');
    expect(html).toContain(`<h2>${plan.handoff.teamName['zh-Hant']}</h2>`);
    expect(html).toContain(`<h2>${plan.handoff.teamName.en}</h2>`);
    expect(html).toContain(`<dd class="hours">${escapeHtml(plan.handoff.hours['zh-Hant'])}</dd>`);
    expect(html).toContain(`<dd class="hours">${escapeHtml(plan.handoff.hours.en)}</dd>`);
    expect(html.match(/href="tel:\+85231000000"/g)).toHaveLength(2);
    expect(html.match(/href="https:\/\/support\.acme-example\.com\/live-chat"/g)).toHaveLength(2);
    expect(html.match(/mailto:support@acme-example\.com/g)).toHaveLength(2);
    expect(html).not.toMatch(/<script/i);
  });

  test('plan text is escaped: a <script> in the plan stays text', () => {
    const evil = '<script>alert("x")</script>';
    const html = renderFallbackPage({ ...content, teamName: { 'zh-Hant': evil, en: `"><img src=x onerror=alert(1)>` }, hours: { 'zh-Hant': 'a & b', en: "it's" } });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('a &#38; b');
    expect(html).toContain('it&#39;s');
  });

  test('a plan with <script> in its contacts loads and renders escaped', () => {
    const p = loadedPlan({ handoff: { teamName: { 'zh-Hant': '<script>x</script>', en: '<b>agents</b>' } } }).plan;
    const html = renderFallbackSite({ ...langs, ...p.handoff })['index.html'];
    expect(html).toContain('&#60;script&#62;x&#60;/script&#62;');
    expect(html).not.toContain('<b>agents');
  });

  test('the hand-off document tells a widget to switch to human mode with the same contacts', () => {
    const doc = renderHandoffDocument(content);
    expect(doc).toEqual({
      version: 2,
      mode: 'human',
      reason: 'chatbot-unavailable',
      languages: ['zh-Hant', 'en'],
      notice: plan.failover.fallbackNotice,
      team: plan.handoff.teamName,
      phone: '+852 3100 0000',
      chatUrl: 'https://support.acme-example.com/live-chat',
      email: 'support@acme-example.com',
      hours: plan.handoff.hours,
    });
    const files = renderFallbackSite(content);
    expect(JSON.parse(files[HANDOFF_DOCUMENT_PATH.slice(1)])).toEqual(doc);
    expect(HANDOFF_DOCUMENT_PATH).toBe('/handoff.json');
  });

  test('defaults: notice and title, no e-mail row without an e-mail', () => {
    const { email: _omit, ...noEmail } = plan.handoff;
    const html = renderFallbackPage({ ...langs, ...noEmail });
    expect(html).toContain('智能客服暫時無法使用');
    expect(html).toContain('<title>客戶服務 | Customer service</title>');
    expect(html).not.toContain('mailto:');
    expect(renderHandoffDocument({ ...langs, ...noEmail })).not.toHaveProperty('email');
  });

  test('tel: links keep only digits and +', () => {
    expect(telHref('+852 (3000)-0000 hotline')).toBe('tel:+85230000000');
    expect(telHref('+852 3000 0000')).toBe('tel:+85230000000');
  });
});
