/**
 * Languages: the fixed words the project supplies (labels, headings, hand-off phrases, alert words,
 * notice templates) in its built-in languages, and the helpers every speaking part uses to follow
 * the plan's `languages:` list. No AWS, no lib/: lambdas and constructs both import it.
 *
 * A text the plan writes is a map over exactly the plan's languages (`Texts`); the first language
 * of the plan is the default one (used when nothing says which language a reader prefers).
 */

/** A text in every language of the plan, keyed by BCP 47 tag, in the plan's order. */
export type Texts = Readonly<Record<string, string>>;

/** Languages whose fixed words ship with the project. Any other language is supplied by the plan. */
export const BUILTIN_LANGUAGES = ['zh-Hant', 'zh-Hans', 'en'] as const;
export type BuiltinLanguage = (typeof BUILTIN_LANGUAGES)[number];

/** Keys of the fixed words (plan key `texts.<lang>.<key>` overrides or supplies them). */
export const WORD_KEYS = [
  'languageName',
  'bot.noMatch',
  'bot.degraded',
  'page.title',
  'page.notice',
  'page.phone',
  'page.chat',
  'page.email',
  'page.hours',
  'page.startChat',
  'widget.title',
  'widget.language',
  'widget.log',
  'widget.message',
  'widget.send',
  'widget.sending',
  'widget.you',
  'widget.bot',
  'widget.handoff',
  'widget.error',
  'status.loading',
  'status.unavailable',
  'status.stale',
  'status.updated',
  'status.operational',
  'status.degraded',
  'status.outage',
  'status.overall.operational',
  'status.overall.degraded',
  'status.overall.outage',
  'status.current',
  'status.started',
  'status.eta',
  'status.updates',
  'status.history',
  'status.noHistory',
  'status.contact',
  'status.chat',
  'status.investigating',
  'status.identified',
  'status.monitoring',
  'status.resolved',
  'status.recovering',
  'status.feed',
  'status.maintenance',
  'status.maintenanceActive',
  'status.uptime',
  'status.uptimeNoIncident',
  'status.uptimeAffected',
  'response.general',
  'response.severe',
  'response.emergency',
  'warning.general',
  'warning.important',
  'warning.emergency',
  'alert.level',
  'alert.cause',
  'alert.measures',
  'alert.time',
  'alert.contacts',
  'alert.acknowledge',
  'alert.ref',
  'alert.malformed',
  'drill.start',
  'drill.abort',
  'drill.end',
  'drill.cancelled',
  'drill.start-faults',
] as const;
export type WordKey = (typeof WORD_KEYS)[number];
export type Words = Readonly<Record<WordKey, string>>;

/** Plan texts that have a built-in default (the plan may leave them out in a built-in language). */
export const DEFAULTED_TEXT_KEYS = [
  'incidents.templates.general.title',
  'incidents.templates.general.message',
  'incidents.templates.severe.title',
  'incidents.templates.severe.message',
  'incidents.templates.emergency.title',
  'incidents.templates.emergency.message',
  'incidents.recoveringMessage',
  'incidents.resolvedMessage',
  'incidents.noEta',
  'incidents.statusPage.title',
  'incidents.statusPage.components.chatbot',
  'incidents.statusPage.components.agents',
] as const;
export type DefaultedTextKey = (typeof DEFAULTED_TEXT_KEYS)[number];

const ZH_HANT_WORDS: Words = {
  languageName: '繁體中文',
  'bot.noMatch': '抱歉,我暫時未能回答這個問題,現為您轉接人工客服。',
  'bot.degraded': '抱歉,智能客服正處於應急狀態,請聯絡人工客服,我們會盡快為您處理。',
  'page.title': '客戶服務',
  'page.notice': '智能客服暫時無法使用。請透過以下方式聯絡我們的人工客服，我們會盡快為您服務。',
  'page.phone': '電話',
  'page.chat': '網上即時對話',
  'page.email': '電郵',
  'page.hours': '服務時間',
  'page.startChat': '與客服對話',
  'widget.title': '網上客服',
  'widget.language': '語言',
  'widget.log': '對話',
  'widget.message': '您的訊息',
  'widget.send': '傳送',
  'widget.sending': '傳送中…',
  'widget.you': '您',
  'widget.bot': '智能客服',
  'widget.handoff': '請聯絡人工客服。',
  'widget.error': '訊息未能傳送,請修改後再試。',
  'status.loading': '正在載入狀態…',
  'status.unavailable': '狀態資料暫時無法載入。以下聯絡方式仍然有效;請稍後重新整理本頁。',
  'status.stale': '狀態資料可能已過時,最後更新:',
  'status.updated': '最後更新:',
  'status.operational': '正常運作',
  'status.degraded': '部分受影響',
  'status.outage': '服務中斷',
  'status.overall.operational': '所有服務運作正常',
  'status.overall.degraded': '部分服務受影響',
  'status.overall.outage': '服務中斷',
  'status.current': '目前事件',
  'status.started': '開始時間',
  'status.eta': '預計恢復時間',
  'status.updates': '最新進展',
  'status.history': '近期事件',
  'status.noHistory': '近期沒有事件。',
  'status.contact': '聯絡人工客服',
  'status.chat': '線上人工客服',
  'status.investigating': '調查中',
  'status.identified': '已確定原因',
  'status.monitoring': '觀察中',
  'status.resolved': '已解決',
  'status.recovering': '已恢復,確認中',
  'status.feed': '以 Atom 訂閱更新',
  'status.maintenance': '已排定維護',
  'status.maintenanceActive': '維護進行中',
  'status.uptime': '過去 90 天的服務狀況',
  'status.uptimeNoIncident': '沒有事件',
  'status.uptimeAffected': '受影響時間',
  'response.general': '一般事件',
  'response.severe': '嚴重事件',
  'response.emergency': '緊急事件',
  'warning.general': '一般預警',
  'warning.important': '重要預警',
  'warning.emergency': '緊急預警',
  'alert.level': '級別',
  'alert.cause': '原因',
  'alert.measures': '措施',
  'alert.time': '時間',
  'alert.contacts': '聯絡',
  'alert.acknowledge': '確認',
  'alert.ref': '編號',
  'alert.malformed': '事件格式有誤',
  'drill.start': '【演練】這不是真實事件,不會通知客戶:{scenario}。主區域 {primary} 現在從 DNS 移除,流量應在 {objective} 秒內轉到 {standby};最多 {max} 秒後切回。',
  'drill.abort': '【演練】已中止({condition}):{detail}。現在切回主區域 {primary}。',
  'drill.end': '【演練】結束:{result};實測恢復時間 {rto} 秒,目標 {objective} 秒。{failures}',
  'drill.cancelled': '【演練】未開始:{detail}。',
  'drill.start-faults': '【演練】這不是真實事件,不會通知客戶:{scenario}。AWS FIS 現在在主區域 {primary} 注入故障;最多 {max} 秒後停止。',
};

const ZH_HANS_WORDS: Words = {
  languageName: '简体中文',
  'bot.noMatch': '抱歉,我暂时未能回答这个问题,现为您转接人工客服。',
  'bot.degraded': '抱歉,智能客服正处于应急状态,请联系人工客服,我们会尽快为您处理。',
  'page.title': '客户服务',
  'page.notice': '智能客服暂时无法使用。请通过以下方式联系我们的人工客服，我们会尽快为您服务。',
  'page.phone': '电话',
  'page.chat': '在线即时对话',
  'page.email': '电子邮件',
  'page.hours': '服务时间',
  'page.startChat': '与客服对话',
  'widget.title': '在线客服',
  'widget.language': '语言',
  'widget.log': '对话',
  'widget.message': '您的消息',
  'widget.send': '发送',
  'widget.sending': '发送中…',
  'widget.you': '您',
  'widget.bot': '智能客服',
  'widget.handoff': '请联系人工客服。',
  'widget.error': '消息未能发送,请修改后再试。',
  'status.loading': '正在加载状态…',
  'status.unavailable': '状态信息暂时无法加载。以下联系方式仍然有效;请稍后刷新本页。',
  'status.stale': '状态信息可能已过时,最后更新:',
  'status.updated': '最后更新:',
  'status.operational': '正常运行',
  'status.degraded': '部分受影响',
  'status.outage': '服务中断',
  'status.overall.operational': '所有服务运行正常',
  'status.overall.degraded': '部分服务受影响',
  'status.overall.outage': '服务中断',
  'status.current': '当前事件',
  'status.started': '开始时间',
  'status.eta': '预计恢复时间',
  'status.updates': '最新进展',
  'status.history': '近期事件',
  'status.noHistory': '近期没有事件。',
  'status.contact': '联系人工客服',
  'status.chat': '在线人工客服',
  'status.investigating': '调查中',
  'status.identified': '已确定原因',
  'status.monitoring': '观察中',
  'status.resolved': '已解决',
  'status.recovering': '已恢复,确认中',
  'status.feed': '通过 Atom 订阅更新',
  'status.maintenance': '已排定维护',
  'status.maintenanceActive': '维护进行中',
  'status.uptime': '过去 90 天的服务状况',
  'status.uptimeNoIncident': '没有事件',
  'status.uptimeAffected': '受影响时间',
  'response.general': '一般事件',
  'response.severe': '严重事件',
  'response.emergency': '紧急事件',
  'warning.general': '一般预警',
  'warning.important': '重要预警',
  'warning.emergency': '紧急预警',
  'alert.level': '级别',
  'alert.cause': '原因',
  'alert.measures': '措施',
  'alert.time': '时间',
  'alert.contacts': '联系',
  'alert.acknowledge': '确认',
  'alert.ref': '编号',
  'alert.malformed': '事件格式有误',
  'drill.start': '【演练】这不是真实事件,不会通知客户:{scenario}。主区域 {primary} 现在从 DNS 移除,流量应在 {objective} 秒内转到 {standby};最多 {max} 秒后切回。',
  'drill.abort': '【演练】已中止({condition}):{detail}。现在切回主区域 {primary}。',
  'drill.end': '【演练】结束:{result};实测恢复时间 {rto} 秒,目标 {objective} 秒。{failures}',
  'drill.cancelled': '【演练】未开始:{detail}。',
  'drill.start-faults': '【演练】这不是真实事件,不会通知客户:{scenario}。AWS FIS 现在在主区域 {primary} 注入故障;最多 {max} 秒后停止。',
};

const EN_WORDS: Words = {
  languageName: 'English',
  'bot.noMatch': "Sorry, I can't answer that one. Let me pass you to a human agent.",
  'bot.degraded': 'Sorry, the assistant is running in contingency mode. Please contact a human agent, who will help you right away.',
  'page.title': 'Customer service',
  'page.notice': 'Our chat assistant is temporarily unavailable. Please contact our customer-service agents below; we will help you as soon as we can.',
  'page.phone': 'Phone',
  'page.chat': 'Online chat',
  'page.email': 'E-mail',
  'page.hours': 'Opening hours',
  'page.startChat': 'Chat with an agent',
  'widget.title': 'Customer service chat',
  'widget.language': 'Language',
  'widget.log': 'Conversation',
  'widget.message': 'Your message',
  'widget.send': 'Send',
  'widget.sending': 'Sending…',
  'widget.you': 'You',
  'widget.bot': 'Assistant',
  'widget.handoff': 'Please contact a human agent.',
  'widget.error': 'The message could not be sent; please change it and try again.',
  'status.loading': 'Loading status…',
  'status.unavailable': 'Status information cannot be loaded right now. The contacts below still work; please refresh this page later.',
  'status.stale': 'Status information may be out of date. Last updated:',
  'status.updated': 'Last updated:',
  'status.operational': 'Operational',
  'status.degraded': 'Degraded',
  'status.outage': 'Outage',
  'status.overall.operational': 'All systems operational',
  'status.overall.degraded': 'Some services are affected',
  'status.overall.outage': 'Service outage',
  'status.current': 'Current incident',
  'status.started': 'Started',
  'status.eta': 'Expected recovery',
  'status.updates': 'Updates',
  'status.history': 'Recent incidents',
  'status.noHistory': 'No recent incidents.',
  'status.contact': 'Contact a human agent',
  'status.chat': 'Live chat with an agent',
  'status.investigating': 'Investigating',
  'status.identified': 'Identified',
  'status.monitoring': 'Monitoring',
  'status.resolved': 'Resolved',
  'status.recovering': 'Recovered, confirming',
  'status.feed': 'Follow updates (Atom feed)',
  'status.maintenance': 'Scheduled maintenance',
  'status.maintenanceActive': 'Maintenance in progress',
  'status.uptime': 'Service over the last 90 days',
  'status.uptimeNoIncident': 'No incidents',
  'status.uptimeAffected': 'Affected time',
  'response.general': 'General incident',
  'response.severe': 'Severe incident',
  'response.emergency': 'Emergency incident',
  'warning.general': 'General warning',
  'warning.important': 'Important warning',
  'warning.emergency': 'Emergency warning',
  'alert.level': 'Level',
  'alert.cause': 'Cause',
  'alert.measures': 'Measures',
  'alert.time': 'Time',
  'alert.contacts': 'Contacts',
  'alert.acknowledge': 'Acknowledge',
  'alert.ref': 'Ref',
  'alert.malformed': 'Malformed event',
  'drill.start': 'DRILL (not a real incident; customers are not told): {scenario}. The primary {primary} is taken out of DNS now; traffic should move to {standby} within {objective} s. It fails back within {max} s at most.',
  'drill.abort': 'DRILL aborted ({condition}): {detail}. Failing back to the primary {primary} now.',
  'drill.end': 'DRILL ended: {result}; measured recovery time {rto} s against {objective} s. {failures}',
  'drill.cancelled': 'DRILL not started: {detail}.',
  'drill.start-faults': 'DRILL (not a real incident; customers are not told): {scenario}. AWS FIS injects the faults on the primary {primary} now; they stop within {max} s at most.',
};

export const BUILTIN_WORDS: Readonly<Record<BuiltinLanguage, Words>> = { 'zh-Hant': ZH_HANT_WORDS, 'zh-Hans': ZH_HANS_WORDS, en: EN_WORDS };

export const BUILTIN_TEXTS: Readonly<Record<BuiltinLanguage, Readonly<Record<DefaultedTextKey, string>>>> = {
  'zh-Hant': {
    'incidents.templates.general.title': '部分客戶使用智能客服時遇到問題',
    'incidents.templates.general.message':
      '我們發現部分客戶在 {start} 起使用智能客服時遇到問題,正在處理。如需協助,請致電 {phone} 或使用 {chatUrl} 聯絡{team}。預計恢復時間:{eta}。',
    'incidents.templates.severe.title': '智能客服服務部分中斷',
    'incidents.templates.severe.message':
      '智能客服自 {start} 起部分中斷(影響範圍:{scope}),應急預案已啟動,我們深表歉意。請致電 {phone} 或使用 {chatUrl} 聯絡{team}。預計恢復時間:{eta}。',
    'incidents.templates.emergency.title': '智能客服服務中斷',
    'incidents.templates.emergency.message':
      '智能客服自 {start} 起中斷,應急預案已啟動,我們深表歉意。{team}仍可為您服務:請致電 {phone} 或使用 {chatUrl}。預計恢復時間:{eta}。',
    'incidents.recoveringMessage': '服務已恢復,我們正在觀察以確認穩定。如仍遇到問題,請致電 {phone}。',
    'incidents.resolvedMessage': '事件已解決,服務運作正常。感謝您的耐心。',
    'incidents.noEta': '正在評估',
    'incidents.statusPage.title': '服務狀態',
    'incidents.statusPage.components.chatbot': '智能客服',
    'incidents.statusPage.components.agents': '人工客服',
  },
  'zh-Hans': {
    'incidents.templates.general.title': '部分客户使用智能客服时遇到问题',
    'incidents.templates.general.message':
      '我们发现部分客户在 {start} 起使用智能客服时遇到问题,正在处理。如需协助,请致电 {phone} 或使用 {chatUrl} 联系{team}。预计恢复时间:{eta}。',
    'incidents.templates.severe.title': '智能客服服务部分中断',
    'incidents.templates.severe.message':
      '智能客服自 {start} 起部分中断(影响范围:{scope}),应急预案已启动,我们深表歉意。请致电 {phone} 或使用 {chatUrl} 联系{team}。预计恢复时间:{eta}。',
    'incidents.templates.emergency.title': '智能客服服务中断',
    'incidents.templates.emergency.message':
      '智能客服自 {start} 起中断,应急预案已启动,我们深表歉意。{team}仍可为您服务:请致电 {phone} 或使用 {chatUrl}。预计恢复时间:{eta}。',
    'incidents.recoveringMessage': '服务已恢复,我们正在观察以确认稳定。如仍遇到问题,请致电 {phone}。',
    'incidents.resolvedMessage': '事件已解决,服务运行正常。感谢您的耐心。',
    'incidents.noEta': '正在评估',
    'incidents.statusPage.title': '服务状态',
    'incidents.statusPage.components.chatbot': '智能客服',
    'incidents.statusPage.components.agents': '人工客服',
  },
  en: {
    'incidents.templates.general.title': 'Some customers have trouble using the chat assistant',
    'incidents.templates.general.message':
      'Since {start} some customers have had trouble with the chat assistant; we are working on it. For help call {phone} or chat with {team} at {chatUrl}. Expected recovery: {eta}.',
    'incidents.templates.severe.title': 'Chat assistant partially unavailable',
    'incidents.templates.severe.message':
      'The chat assistant has been partly unavailable since {start} (scope: {scope}). Our contingency plan is running; we apologise. Please call {phone} or chat with {team} at {chatUrl}. Expected recovery: {eta}.',
    'incidents.templates.emergency.title': 'Chat assistant unavailable',
    'incidents.templates.emergency.message':
      'The chat assistant has been unavailable since {start}. Our contingency plan is running; we apologise. {team} can still help you: call {phone} or use {chatUrl}. Expected recovery: {eta}.',
    'incidents.recoveringMessage': 'Service has recovered and we are monitoring to confirm it is stable. If you still have trouble, call {phone}.',
    'incidents.resolvedMessage': 'The incident is resolved and service is operating normally. Thank you for your patience.',
    'incidents.noEta': 'being assessed',
    'incidents.statusPage.title': 'Service status',
    'incidents.statusPage.components.chatbot': 'Chat assistant',
    'incidents.statusPage.components.agents': 'Human agents',
  },
};

/**
 * The built-in language that serves a tag, if any: the tag itself, else its language and script
 * (`zh-HK` → zh-Hant, `zh-CN` → zh-Hans), else its language (`en-GB` → en).
 */
export function builtinFor(tag: string): BuiltinLanguage | undefined {
  const builtins: readonly string[] = BUILTIN_LANGUAGES;
  if (builtins.includes(tag)) return tag as BuiltinLanguage;
  try {
    const max = new Intl.Locale(tag).maximize();
    const withScript = `${max.language}-${max.script}`;
    if (builtins.includes(withScript)) return withScript as BuiltinLanguage;
    if (builtins.includes(max.language)) return max.language as BuiltinLanguage;
  } catch {
    return undefined;
  }
  return undefined;
}

/** One word in every language of `words`, as a `Texts` map. */
export function wordTexts(words: Readonly<Record<string, Words>>, key: WordKey): Texts {
  return Object.fromEntries(Object.entries(words).map(([lang, w]) => [lang, w[key]]));
}

/** The text in `lang`, else in the default (first) language of the map. */
export function textIn(texts: Texts, lang: string): string {
  return texts[lang] ?? Object.values(texts)[0] ?? '';
}

/** Every language's text of a map, in order, without repeats (for one-line bilingual labels). */
export function allTexts(texts: Texts, separator = ' / '): string {
  return [...new Set(Object.values(texts))].join(separator);
}
