import { Converter } from 'opencc-js/t2cn';
import type { BuiltinLanguage } from '../../contracts/languages';
import type { OrgUnit } from './schema';

/**
 * The organisation a plan gets when it leaves `organisation` out: the five units of plan §2.1 with
 * their §2.2 duties, in each built-in language (zh-Hans converted from zh-Hant with OpenCC, as the
 * bot's matcher does), owning the four audiences of §4.3.2.
 */
export interface DefaultUnit {
  readonly members: Record<BuiltinLanguage, string>;
  readonly duties: Record<BuiltinLanguage, string>[];
  readonly audiences: readonly ('opsOnCall' | 'customerService' | 'management' | 'partners')[];
}

type Pair = { 'zh-Hant': string; en: string };

const RAW: Record<OrgUnit, { members: Pair; duties: Pair[]; audiences: DefaultUnit['audiences'] }> = {
  commandPost: {
    members: { 'zh-Hant': '公司高層領導擔任指揮長(管理層名單)', en: 'A senior executive as commander (the management audience)' },
    duties: [
      { 'zh-Hant': '制定應急響應策略,明確應急響應等級和流程', en: 'Set the response strategy, the response levels and the procedure' },
      { 'zh-Hant': '決策重大事項,協調公司內部資源', en: 'Decide major matters and coordinate the company\'s resources' },
      { 'zh-Hant': '指導、監督應急辦公室開展應急工作', en: 'Direct and supervise the contingency office' },
    ],
    audiences: ['management'],
  },
  office: {
    members: { 'zh-Hant': '應急辦公室值班人員', en: 'The contingency office duty officer' },
    duties: [
      { 'zh-Hant': '組織、協調、監督和指導各部門開展應急工作', en: 'Organise, coordinate and supervise every unit\'s contingency work' },
      { 'zh-Hant': '組織應急演練,向上級領導報告應急響應情況', en: 'Run the drills and report the response to the command post' },
      { 'zh-Hant': '與合作夥伴、行業協會保持溝通', en: 'Keep partners and industry bodies informed' },
    ],
    audiences: ['partners'],
  },
  technicalSupport: {
    members: { 'zh-Hant': '運維值班輪值(運維團隊)', en: 'The ops on-call rota (the opsOnCall audience)' },
    duties: [
      { 'zh-Hant': '保證智能客服系統的穩定運行', en: 'Keep the chatbot running' },
      { 'zh-Hant': '及時響應應急事件,進行故障排查和修復', en: 'Respond to alerts, troubleshoot and fix' },
      { 'zh-Hant': '提供技術支持,協助其他部門應對應急事件', en: 'Support the other units with technical help' },
    ],
    audiences: ['opsOnCall'],
  },
  customerService: {
    members: { 'zh-Hant': '人工客服主管及當值客服', en: 'Customer-service leads and the agents on duty' },
    duties: [
      { 'zh-Hant': '處理客戶咨詢、投訴,維護客戶關系', en: 'Answer customer questions and complaints' },
      { 'zh-Hant': '在服務中斷期間提供替代服務(人工客服)', en: 'Serve customers by human agents while the chatbot is down' },
      { 'zh-Hant': '協助應急辦公室發布客戶通告', en: 'Help the office publish customer notices' },
    ],
    audiences: ['customerService'],
  },
  informationSecurity: {
    members: { 'zh-Hant': '信息安全值班人員', en: 'The information-security duty officer' },
    duties: [
      { 'zh-Hant': '監控網絡環境,防范網絡安全事件', en: 'Watch the network and prevent security incidents' },
      { 'zh-Hant': '應對網絡安全事件,保護客戶信息', en: 'Handle security incidents and protect customer data' },
      { 'zh-Hant': '協助其他部門開展應急工作', en: 'Support the other units' },
    ],
    audiences: [],
  },
};

const toSimplified = Converter({ from: 't', to: 'cn' });
const all = (p: Pair): Record<BuiltinLanguage, string> => ({ 'zh-Hant': p['zh-Hant'], 'zh-Hans': toSimplified(p['zh-Hant']), en: p.en });

export const DEFAULT_ORGANISATION: Readonly<Record<OrgUnit, DefaultUnit>> = Object.fromEntries(
  Object.entries(RAW).map(([unit, u]) => [unit, { members: all(u.members), duties: u.duties.map(all), audiences: u.audiences }]),
) as Record<OrgUnit, DefaultUnit>;
