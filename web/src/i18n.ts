// Arabic and English. The language is chosen per browser (kept in localStorage) and switchable on
// every page; the document's lang and dir follow it, and the layout mirrors through CSS logical
// properties. Numbers and dates are written as each locale writes them; Arabic-Indic digits are
// an option (some users read Western digits more easily).
export type Lang = 'en' | 'ar';

const en = {
  app: 'Athar',
  tagline: 'Registry of mass graves and the missing',
  map: 'Map',
  persons: 'Persons',
  witnesses: 'Witnesses',
  review: 'Linkage review',
  ledger: 'Ledger',
  language: 'العربية',
  language_label: 'Switch to Arabic',
  digits: 'Arabic-Indic digits',
  sign_in: 'Sign in',
  sign_out: 'Sign out',
  name: 'Name',
  password: 'Password',
  totp: 'Second-factor code (if turned on)',
  signed_in_as: 'Signed in as',
  loading: 'Loading…',
  error: 'Error',
  not_allowed: 'Your role ({role}) may not see this.',
  sites: 'Sites',
  site: 'Site',
  add_site: 'Add a site',
  add_site_hint: 'Click the map where the site is, then fill in the form.',
  cancel: 'Cancel',
  save: 'Save',
  name_ar: 'Name (Arabic)',
  name_lat: 'Name (Latin)',
  governorate: 'Governorate',
  status: 'Status',
  description: 'Description',
  latitude: 'Latitude',
  longitude: 'Longitude',
  location_note: 'Location note',
  warnings: 'Warnings',
  status_history: 'Status history',
  claims: 'Claims',
  figure: 'Figure',
  figure_kind: 'Kind',
  source: 'Source',
  claimed_on: 'Date',
  verification: 'Verification',
  documented: 'Documented persons',
  documented_persons_here: 'Persons documented as buried here',
  none: 'None yet.',
  evidence: 'Evidence',
  upload: 'Upload evidence',
  file: 'File',
  collected_by: 'Collected by',
  collected_at: 'Collected at',
  uploading: 'Uploading',
  uploaded: 'Stored',
  proof_checking: 'Checking the ledger proof in this browser…',
  proof_ok: 'Proof verified in this browser',
  proof_bad: 'Proof FAILED',
  proof_detail: 'entry {entry} is in checkpoint {size} signed by {key}; file SHA-256 matches',
  proof_pending: 'No signed checkpoint covers this entry yet',
  search_persons: 'Search persons',
  search_hint: 'Any spelling, Arabic or Latin script',
  search: 'Search',
  results: 'Results',
  no_results: 'No one found.',
  score: 'Score',
  person: 'Person',
  name_parts: 'Name',
  arabic: 'Arabic',
  latin: 'Latin',
  listed_by: 'Listed by',
  events: 'Events',
  links: 'Links',
  changes: 'History of changes',
  field: 'Field',
  old_value: 'Was',
  new_value: 'Now',
  by: 'By',
  at: 'When',
  reason: 'Reason',
  dna_status: 'DNA',
  pseudonym: 'Pseudonym',
  identity: 'Identity',
  protected: 'protected',
  reveal: 'Reveal identity',
  reveal_note: 'Revealing is recorded in the ledger with your name.',
  testimonies: 'Testimonies',
  pairs_to_review: 'Pairs to review',
  blind: 'Blind review (scores hidden until decided)',
  probability: 'Probability',
  weights: 'Field weights',
  same: 'Same person',
  different: 'Different persons',
  unsure: 'Unsure, later',
  decided: 'Decided',
  no_pairs: 'No pairs to review. Run linkage first.',
  ledger_size: 'Entries in the ledger',
  entry: 'Entry',
  operation: 'Operation',
  record: 'Record',
  actor: 'Actor',
  verify: 'Verify everything',
  verify_running: 'Verifying…',
  verify_ok: 'Everything verified',
  verify_problems: 'Problems found',
  key: 'Verifier key',
  key_changed: 'The server\'s verifier key is not the one this browser saw before.',
  attribution: 'Boundaries: OCHA / UN Cartographic Section (COD-AB Syria), CC BY 3.0 IGO, simplified. The boundaries and names shown do not imply official endorsement or acceptance by the United Nations.',
  back: 'Back',
  fields: 'Fields',
  record_kind: 'Kind',
  legend: 'Legend',
  'status.reported': 'reported',
  'status.unsecured': 'unsecured',
  'status.secured': 'secured',
  'status.tampered': 'tampered',
  'status.excavating': 'excavating',
  'status.excavated': 'excavated',
  'status.missing': 'missing',
  'status.detained': 'detained',
  'status.dead': 'dead',
  'status.identified': 'identified',
  'status.found_alive': 'found alive',
  'status.unverified': 'unverified',
  'status.corroborated': 'corroborated',
  'status.verified': 'verified',
  'status.disputed': 'disputed',
  'status.refuted': 'refuted',
  'kind.minimum': 'minimum',
  'kind.estimate': 'estimate',
  'kind.maximum': 'maximum',
};

type Key = keyof typeof en;

const ar: Record<Key, string> = {
  app: 'أثر',
  tagline: 'سجل المقابر الجماعية والمفقودين',
  map: 'الخريطة',
  persons: 'الأشخاص',
  witnesses: 'الشهود',
  review: 'مراجعة الربط',
  ledger: 'السجل الموثَّق',
  language: 'English',
  language_label: 'التبديل إلى الإنجليزية',
  digits: 'أرقام هندية (٠١٢٣)',
  sign_in: 'تسجيل الدخول',
  sign_out: 'تسجيل الخروج',
  name: 'الاسم',
  password: 'كلمة المرور',
  totp: 'رمز التحقق الثاني (إن كان مفعّلاً)',
  signed_in_as: 'مسجّل الدخول باسم',
  loading: 'جارٍ التحميل…',
  error: 'خطأ',
  not_allowed: 'لا يسمح دورك ({role}) برؤية هذا.',
  sites: 'المواقع',
  site: 'الموقع',
  add_site: 'إضافة موقع',
  add_site_hint: 'انقر على الخريطة حيث يقع الموقع، ثم املأ النموذج.',
  cancel: 'إلغاء',
  save: 'حفظ',
  name_ar: 'الاسم (بالعربية)',
  name_lat: 'الاسم (بالحروف اللاتينية)',
  governorate: 'المحافظة',
  status: 'الحالة',
  description: 'الوصف',
  latitude: 'خط العرض',
  longitude: 'خط الطول',
  location_note: 'ملاحظة عن الموقع',
  warnings: 'تنبيهات',
  status_history: 'تاريخ الحالة',
  claims: 'الادعاءات',
  figure: 'العدد',
  figure_kind: 'النوع',
  source: 'المصدر',
  claimed_on: 'التاريخ',
  verification: 'التحقق',
  documented: 'الأشخاص الموثَّقون',
  documented_persons_here: 'أشخاص موثَّق دفنهم هنا',
  none: 'لا شيء بعد.',
  evidence: 'الأدلة',
  upload: 'رفع دليل',
  file: 'الملف',
  collected_by: 'جمعه',
  collected_at: 'وقت الجمع',
  uploading: 'جارٍ الرفع',
  uploaded: 'تم الحفظ',
  proof_checking: 'جارٍ التحقق من إثبات السجل في هذا المتصفح…',
  proof_ok: 'تم التحقق من الإثبات في هذا المتصفح',
  proof_bad: 'فشل التحقق من الإثبات',
  proof_detail: 'القيد {entry} مشمول في نقطة التحقق ذات الحجم {size} الموقّعة بالمفتاح {key}؛ بصمة الملف SHA-256 مطابقة',
  proof_pending: 'لا توجد نقطة تحقق موقّعة تشمل هذا القيد بعد',
  search_persons: 'البحث عن الأشخاص',
  search_hint: 'بأي تهجئة، بالحروف العربية أو اللاتينية',
  search: 'بحث',
  results: 'النتائج',
  no_results: 'لم يُعثر على أحد.',
  score: 'الدرجة',
  person: 'الشخص',
  name_parts: 'الاسم',
  arabic: 'بالعربية',
  latin: 'باللاتينية',
  listed_by: 'مدرج لدى',
  events: 'الأحداث',
  links: 'الروابط',
  changes: 'سجل التعديلات',
  field: 'الحقل',
  old_value: 'كان',
  new_value: 'أصبح',
  by: 'بواسطة',
  at: 'متى',
  reason: 'السبب',
  dna_status: 'الحمض النووي',
  pseudonym: 'الاسم المستعار',
  identity: 'الهوية',
  protected: 'محمية',
  reveal: 'كشف الهوية',
  reveal_note: 'يُسجَّل الكشف في السجل الموثَّق باسمك.',
  testimonies: 'الشهادات',
  pairs_to_review: 'أزواج للمراجعة',
  blind: 'مراجعة عمياء (تُخفى الدرجات حتى القرار)',
  probability: 'الاحتمال',
  weights: 'أوزان الحقول',
  same: 'الشخص نفسه',
  different: 'شخصان مختلفان',
  unsure: 'غير متأكد، لاحقاً',
  decided: 'تقرّر',
  no_pairs: 'لا أزواج للمراجعة. شغّل الربط أولاً.',
  ledger_size: 'عدد القيود في السجل',
  entry: 'القيد',
  operation: 'العملية',
  record: 'السجل',
  actor: 'الفاعل',
  verify: 'تحقّق من كل شيء',
  verify_running: 'جارٍ التحقق…',
  verify_ok: 'تم التحقق من كل شيء',
  verify_problems: 'مشكلات وُجدت',
  key: 'مفتاح التحقق',
  key_changed: 'مفتاح التحقق لدى الخادم ليس المفتاح الذي رآه هذا المتصفح من قبل.',
  attribution: 'الحدود: أوتشا / قسم الخرائط في الأمم المتحدة (COD-AB سوريا)، CC BY 3.0 IGO، مبسّطة. لا تعني الحدود والأسماء المعروضة إقراراً أو قبولاً رسمياً من الأمم المتحدة.',
  back: 'رجوع',
  fields: 'الحقول',
  record_kind: 'النوع',
  legend: 'مفتاح الألوان',
  'status.reported': 'مُبلَّغ عنه',
  'status.unsecured': 'غير مؤمَّن',
  'status.secured': 'مؤمَّن',
  'status.tampered': 'عُبث به',
  'status.excavating': 'قيد النبش',
  'status.excavated': 'نُبش',
  'status.missing': 'مفقود',
  'status.detained': 'محتجز',
  'status.dead': 'متوفى',
  'status.identified': 'تم التعرف عليه',
  'status.found_alive': 'وُجد حياً',
  'status.unverified': 'غير متحقَّق',
  'status.corroborated': 'مُعزَّز',
  'status.verified': 'متحقَّق',
  'status.disputed': 'متنازع عليه',
  'status.refuted': 'مدحوض',
  'kind.minimum': 'حد أدنى',
  'kind.estimate': 'تقدير',
  'kind.maximum': 'حد أقصى',
};

const dictionaries: Record<Lang, Record<Key, string>> = { en, ar };

let current: Lang = localStorage.getItem('athar.lang') === 'ar' ? 'ar' : 'en';
let indicDigits = localStorage.getItem('athar.digits') === 'arab';

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem('athar.lang', next);
  applyToDocument();
}

export function useIndicDigits(): boolean {
  return indicDigits;
}

export function setIndicDigits(on: boolean): void {
  indicDigits = on;
  localStorage.setItem('athar.digits', on ? 'arab' : 'latn');
}

export function applyToDocument(): void {
  document.documentElement.lang = current;
  document.documentElement.dir = current === 'ar' ? 'rtl' : 'ltr';
  document.title = current === 'ar' ? 'أثر' : 'Athar';
}

export function t(key: Key, values: Record<string, string | number> = {}): string {
  let text = dictionaries[current][key] ?? en[key] ?? key;
  for (const [name, value] of Object.entries(values)) text = text.replace(`{${name}}`, String(value));
  return text;
}

// A word from the data dictionary (a status, a kind) in the current language; unknown words as
// they are.
export function term(prefix: 'status' | 'kind', word: string): string {
  const key = `${prefix}.${word}` as Key;
  return key in en ? t(key) : word;
}

function locale(): string {
  if (current === 'en') return 'en-GB';
  return indicDigits ? 'ar-SY-u-nu-arab' : 'ar-SY-u-nu-latn';
}

export function num(value: number, digits = 0): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

// A date or timestamp as stored ("2024-12-16", "2026-12-04T02:19:21Z", or a year "1985").
export function date(value: string | undefined): string {
  if (!value) return '';
  if (/^\d{4}$/.test(value)) return num(Number(value)).replace(/[,٬]/g, '');
  const parsed = new Date(value.length === 7 ? value + '-01' : value);
  if (Number.isNaN(parsed.getTime())) return value;
  const options: Intl.DateTimeFormatOptions =
    value.length <= 10
      ? { year: 'numeric', month: value.length === 7 ? 'long' : 'short', day: value.length === 7 ? undefined : 'numeric', timeZone: 'UTC' }
      : { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale(), options).format(parsed);
}
