'use strict';
/**
 * Conversation canary (CloudWatch Synthetics, syn-nodejs runtime): one real chat turn per plan
 * language to POST /chat, each checked against the plan's FAQ answer. Plain Node.js (https, crypto),
 * no dependencies. Throwing fails the run; returning passes it.
 *
 * Configuration: the environment variable CANARY_CONFIG, JSON written by the ConversationCanary
 * construct: {"url": "https://<name>/chat", "timeoutMs": <per turn>, "regions": [<allowed serving
 * regions>], "name": "<canary>", "probes": [{"lang", "question", "faqId", "answerSha256", "handoff"}]}.
 *
 * Every request carries the header `x-contingency-canary` and its own user agent, so the bot and
 * the access logs can tell a canary turn from a customer's.
 */
const http = require('http');
const https = require('https');
const crypto = require('crypto');

const CANARY_HEADER = 'x-contingency-canary';
const USER_AGENT = 'contingency-conversation-canary/1';

/** Reads and checks CANARY_CONFIG; throws one line naming the rule when it is unusable. */
function parseConfig(env) {
  const raw = env.CANARY_CONFIG;
  if (!raw) throw new Error('CANARY_CONFIG is not set: the canary needs its configuration (set by the ConversationCanary construct)');
  let c;
  try {
    c = JSON.parse(raw);
  } catch {
    throw new Error('CANARY_CONFIG must be JSON');
  }
  const problems = [];
  if (typeof c.url !== 'string' || !/^https?:\/\/[^/]+\/.*chat$/.test(c.url)) problems.push(`url must be the https URL of POST /chat, got: ${JSON.stringify(c.url)}`);
  if (!Number.isInteger(c.timeoutMs) || c.timeoutMs < 100) problems.push(`timeoutMs must be a whole number of milliseconds of at least 100, got: ${JSON.stringify(c.timeoutMs)}`);
  if (!Array.isArray(c.regions) || c.regions.length === 0 || !c.regions.every((r) => typeof r === 'string')) problems.push(`regions must list the regions allowed to answer, got: ${JSON.stringify(c.regions)}`);
  if (!Array.isArray(c.probes) || c.probes.length === 0) problems.push(`probes must list one chat turn per plan language, got: ${JSON.stringify(c.probes)}`);
  else
    c.probes.forEach((p, i) => {
      for (const k of ['lang', 'question', 'faqId']) if (typeof p[k] !== 'string' || p[k] === '') problems.push(`probes[${i}].${k} must be a non-empty string`);
      if (typeof p.answerSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(p.answerSha256)) problems.push(`probes[${i}].answerSha256 must be 64 hex digits`);
      if (typeof p.handoff !== 'boolean') problems.push(`probes[${i}].handoff must be true or false`);
    });
  if (problems.length) throw new Error(`CANARY_CONFIG: ${problems.join('; ')}`);
  return c;
}

/** POSTs JSON and resolves with the status and body text; rejects after `timeoutMs` without an answer. */
function postJson(url, body, timeoutMs, name) {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const data = Buffer.from(JSON.stringify(body), 'utf8');
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': data.length, 'user-agent': USER_AGENT, [CANARY_HEADER]: name || 'canary' },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // The whole turn, not only an idle socket, must finish in time.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('close', () => clearTimeout(timer));
    req.end(data);
  });
}

const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
const clip = (text, n = 80) => (text.length > n ? `${text.slice(0, n)}…` : text);

/** What is wrong with one reply (empty when it is the expected answer). */
function checkReply(probe, status, text, regions) {
  if (status !== 200) return [`HTTP ${status}${text ? `: ${clip(text)}` : ''}`];
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return [`the answer is not JSON: ${clip(text)}`];
  }
  if (!body || typeof body !== 'object') return ['the answer is not a JSON object'];
  const problems = [];
  if (body.lang !== probe.lang) problems.push(`answered in ${JSON.stringify(body.lang)}, expected "${probe.lang}"`);
  if (body.handoff === true && !(probe.handoff && body.handoffReason === 'requested')) problems.push(`handed off to a human (${body.handoffReason || 'no reason given'})`);
  if (body.faqId !== undefined && body.faqId !== probe.faqId) problems.push(`answered with FAQ entry ${JSON.stringify(body.faqId)}, expected "${probe.faqId}"`);
  if (typeof body.answer !== 'string') problems.push('the answer has no text');
  else if (sha256(body.answer) !== probe.answerSha256) problems.push(`the answer is not entry "${probe.faqId}" in "${probe.lang}": got "${clip(body.answer)}"`);
  if (!regions.includes(body.region)) problems.push(`served by region ${JSON.stringify(body.region)}, expected ${regions.map((r) => `"${r}"`).join(' or ')}`);
  return problems;
}

/**
 * One canary run: a fresh conversation per language, in plan order. Logs one line per language and
 * throws once, listing every language that failed and why.
 */
async function run(config, log = console.log) {
  const failures = [];
  for (const probe of config.probes) {
    const started = Date.now();
    let problems;
    try {
      const res = await postJson(config.url, { message: probe.question, lang: probe.lang }, config.timeoutMs, config.name);
      problems = checkReply(probe, res.status, res.text, config.regions);
    } catch (e) {
      problems = [e && e.message ? e.message : String(e)];
    }
    const ms = Date.now() - started;
    if (problems.length) {
      failures.push(`${probe.lang}: ${problems.join('; ')}`);
      log(`FAIL ${probe.lang} (${ms} ms): ${problems.join('; ')}`);
    } else {
      log(`ok ${probe.lang} (${ms} ms): "${probe.faqId}"`);
    }
  }
  if (failures.length) throw new Error(`conversation canary failed for ${failures.length} of ${config.probes.length} language(s) at ${config.url}: ${failures.join(' | ')}`);
  return `${config.probes.length} language(s) answered with "${config.probes[0].faqId}" at ${config.url}`;
}

module.exports = { CANARY_HEADER, USER_AGENT, parseConfig, checkReply, run, handler: async () => run(parseConfig(process.env)) };
