import { normalizeLiteral, normalizeShared } from '../normalize/normalize.js';
import { isValue, namesSecret, personFieldsOf, personNamesOf, rawValueChunks, readRequests, readSentences, REQUEST_PATTERNS, secretItemOf, type PromptSentence, type SecretItem, type ValueCandidates } from './requests.js';
import { containsWords, isCjkOrThai, SENTENCE_END, tokens } from './tokens.js';

/**
 * What a system prompt protects, read once per distinct prompt (cached): the prompt-injection score
 * then reads the user's input against it. A request is only an injection relative to what the
 * application forbids — "what is the password?" is harmless unless the system prompt keeps one —
 * so these signals exist only when the caller passes the system prompt of the same request.
 *
 * Everything works on normalized text (lower case, no accents; see normalize.ts) and in time
 * linear in the prompt and the input: tokenization is one pass, lookups are set membership.
 */
export interface SystemPromptProfile {
  /** The prompt forbids or limits something ("do not", "never", "only", "avoid", in 18 languages). */
  readonly restrictive: boolean;
  /** It keeps a secret (a password, passphrase, key or code) it must not reveal. */
  readonly secret: boolean;
  /** The quoted secret values it defines (normalized), e.g. the password itself. */
  readonly secretValues: readonly string[];
  /** How it names its secret (head words, their qualifiers, values), when `secret`. */
  readonly secretItem: SecretItem | undefined;
  /** It holds personal data (names, e-mail addresses, birth dates, balances) it must not reveal. */
  readonly personal: boolean;
  /** Names of the people it holds data about (capitalized words in the sentences with their data), when `personal`. */
  readonly entities: ReadonlySet<string>;
  /** Words for the data it holds about them, read from the prompt ("policy number" before "HI-448812"), when `personal`. */
  readonly personalFields: ReadonlySet<string>;
  /** Stems of the terms a restriction is about ("never discuss math" → `math`). */
  readonly restricted: ReadonlySet<string>;
  /** Short restricted stems that match only as whole tokens (acronyms such as `ai`). */
  readonly restrictedExact: ReadonlySet<string>;
  /** Restricted phrases of several words (from the topic families), matched as whole words. */
  readonly restrictedPhrases: readonly string[];
  /** Stems of the terms of "only …" sentences: the assistant's declared scope. */
  readonly scope: ReadonlySet<string>;
  /** The task is about content the user submits (a document, page, e-mail, code, table). */
  readonly content: boolean;
}

// ---------------------------------------------------------------- vocabularies (normalized like the text)

const lit = (xs: readonly string[]): string[] => xs.map(normalizeLiteral);

// Prohibition and limitation markers. Latin-script ones are whole words or word sequences.
const NEGATION_WORDS = [
  // en
  'not', 'never', "don't", 'dont', "doesn't", "can't", 'cannot', "mustn't", "shouldn't", "won't", 'avoid', 'avoiding', 'refrain', 'refuse', 'forbidden', 'prohibited', 'no matter what', 'under no circumstances', 'at all costs', 'no knowledge',
  // de
  'nicht', 'nie', 'niemals', 'niemand', 'niemandem', 'niemanden', 'vermeidet', 'vermeidest', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'keinesfalls', 'vermeide', 'vermeiden', 'vermeiden sie', 'verboten', 'untersagt',
  // fr
  'ne', "n'", 'pas', 'jamais', 'aucun', 'aucune', 'evitez', 'eviter', 'evite', 'evitant', 'personne', 'interdit', 'interdite',
  // es, pt, it
  'no', 'nunca', 'jamas', 'evita', 'evite', 'eviten', 'evitar', 'evitem', 'evitate', 'evitare', 'evitando', 'nadie', 'ninguem', 'nessuno', 'prohibido', 'prohibida', 'proibido', 'proibida', 'vietato', 'vietata', 'nao', 'non', 'mai', 'nessun', 'nessuna', 'ninguna', 'ningun', 'nenhuma', 'nenhum',
  // nl
  'niet', 'nooit', 'vermijd',
  // tr
  'asla', 'hicbir', 'kimseye', 'kimse', 'etme', 'soyleme', 'acma', 'yapma', 'verme', 'paylasma', 'etmemelisiniz', 'etmemelisin', 'vermemelisiniz', 'yapmamalisiniz', 'programlanmadiniz', 'kacinin', 'kacin', 'yasak', 'yasaktir', 'etmeyin', 'yapmayin', 'vermeyin', 'paylasmayin', 'aciklamayin', 'tartismayin',
  // vi (without diacritics)
  'khong', 'dung', 'tranh', 'cam',
  // id, ms, tl
  'jangan', 'tidak', 'hindari', 'menghindari', 'siapapun', 'wag', 'dilarang', 'huwag', 'hindi', 'iwasan', 'bawal',
  // ru, uk
  'не', 'никогда', 'нельзя', 'никому', 'избегает', 'избегая', 'избегай', 'избегайте', 'избегать', 'запрещено', 'ни', 'ні', 'ніколи', 'уникайте',
  // el
  'μην', 'δεν', 'ποτε', 'αποφυγε', 'αποφυγετε',
  // hi, bn, ar
  'न', 'नहीं', 'मत', 'कभी', 'बचें', 'बचना', 'बचता', 'बचती', 'बचते', 'परहेज', 'किसी को', 'निषिद्ध', 'না', 'নয়', 'কখনই', 'কখনো', 'এড়িয়ে', 'নিষিদ্ধ', 'لا', 'لن', 'ابدا', 'تجنب', 'تجنبي', 'تجنبوا', 'ممنوع', 'يحظر', 'عدم',
  // ko (words)
  '절대', '절대로', '금지', '금지됩니다', '마십시오', '마세요', '말고', '말아야', '않습니다', '않아야', '않도록', '않고', '피하십시오', '피하세요',
];
// Limitation markers: a sentence with one of these (and no prohibition) sets the assistant's scope.
const ONLY_WORDS = ['only', 'solely', 'exclusively', 'nur', 'ausschliesslich', 'seulement', 'uniquement', 'solo', 'solamente', 'unicamente', 'apenas', 'somente', 'soltanto', 'alleen', 'sadece', 'yalnizca', 'hanya', 'lamang', 'tanging', 'только', 'лише', 'μονο', 'केवल', 'सिर्फ', 'শুধুমাত্র', 'কেবল', 'فقط', '오직'];
const ONLY_SUBSTRINGS = lit(['只能', '仅', '僅', 'のみ', 'だけ', 'เท่านั้น']);

// Markers inside unsegmented scripts (zh, ja, th) and Korean endings: matched as substrings.
const NEGATION_SUBSTRINGS = lit(['不允许', '不允許', '从不', '從不', '从未', '避开', '避開', '안 된다', '안 됩니다', '안됩니다', '안 돼', '말라', '말 것', '不要', '不得', '不能', '不可', '不应', '不應', '禁止', '切勿', '避免', '绝不', '絕不', '决不', '決不', '别', '勿', 'ないで', 'しない', 'してはいけ', 'してはな', 'ません', '禁止', '避け', '決して', 'ห้าม', 'อย่า', 'ไม่', 'หลีกเลี่ยง', '지 마', '지마', '하지 않', '피하', '금지']);

// Function words and the vocabulary of instructions themselves: never a restricted topic.
const STOP = new Set(
  lit(
    (
    // en
    "a an the and or but if then than as at by for from in into of on onto to with without about above below over under again further once here there when where why how all any both each few more most other some such no nor not only own same so too very can will just should now is are was were be been being have has had having do does did doing i me my we our you your yours he him his she her it its they them their what which who whom this that these those am would could might must shall may also like including include includes etc such e.g eg i.e ie me us one ones thing things anything everything something nothing anyone someone everyone there's it's you're you've you'll i'm let's lets please always strictly consciously at all costs any way ways matter what circumstances circumstance under absolutely in particular particular however therefore instead rather whatever whether while because since so to due potential order ensure maintain keep stay focus focused focusing remain" +
    ' discuss discussing discussion discussions talk talking speak speaking mention mentioning topic topics subject subjects matter matters area areas field fields domain information info details detail content contents answer answers answering question questions query queries provide providing give giving share sharing reveal revealing disclose disclosing tell telling help helping assist assisting respond responding reply replies engage engaging generate generating create creating write writing offer offering allowed allow permitted permit related relating regarding concerning regard job task tasks role purpose goal duty work chatbot chat bot assistant ai-assistant tool service services platform application app model language-model user users people person anyone everybody nobody programmed designed developed built meant supposed instructed trained dedicated use used using make making do doing instructions instruction guidance guidelines rule rules limit limits limitation limitations strict scope beyond refuse refuses decline follow following request requests requested prompt prompts system given private personal including in-depth depth knowledge emulate emulating trained heavily complex topic-related reason reasons appropriate suitable suited certain specific kind kinds type types sort different various other others' +
    // de
    ' der die das den dem des ein eine einer eines einem einen und oder aber wenn dann als wie bei fur von vom zu zum zur mit ohne uber unter auf aus in im an am ist sind war waren sein bist bin hat haben hatte du sie ihr ihre ihren ihrem ihnen dein deine deinen wir uns unser er es man sich nicht nie niemals kein keine keinen auch nur noch schon sehr so dass diese dieser dieses diesen jede jeder jedes alle allen thema themen informationen diskutieren sprechen besprechen reden geben teilen bitte aufgabe rolle benutzer nutzer'.split(' ').join(' ') +
    // fr
    ' le la les l un une des du de d et ou mais si alors que qui quoi dont ou comme pour par avec sans sur sous dans en au aux est sont etait etre avoir a ont vous votre vos tu ton ta tes il elle ils elles nous notre nos on se sa son ses ce cet cette ces tout tous toute toutes pas ne jamais aucun aucune plus tres aussi sujet sujets informations discuter parler partager donner fournir reveler veuillez tache role utilisateur utilisateurs' +
    // es, pt, it
    ' el la los las lo un una unos unas y o pero si que quien como para por con sin sobre en de del al es son era ser estar esta este estos estas ese esa usted ustedes su sus tu tus yo nos nuestro nuestra no nunca ningun ninguna mas muy tambien tema temas informacion discutir hablar compartir dar proporcionar revelar por favor tarea papel usuario usuarios' +
    ' o a os as um uma e ou mas se que como para por com sem sobre em de do da dos das no na nos nas ao e sao era ser estar voce voces seu sua seus suas teu tua nao nunca nenhum nenhuma mais muito tambem tema temas informacoes discutir falar compartilhar dar fornecer revelar tarefa papel usuario usuarios' +
    ' il lo la i gli le un uno una e o ma se che chi come per con senza su in di del della dei degli delle al alla ai a da dal dalla e sono era essere avere lei voi tuo tua tuoi suo sua suoi non mai nessun nessuna piu molto anche argomento argomenti informazioni discutere parlare condividere dare fornire rivelare compito ruolo utente utenti' +
    // tr, id, tl, vi
    ' ve veya ile bir bu su o icin gibi ama fakat de da mi mu ne hic her cok daha en olan olarak sen siz sizin senin bunu konu konular konusunda bilgi tartismak paylasmak vermek lutfen gorev rol kullanici kullanicinin' +
    ' dan atau yang di ke dari untuk dengan tanpa pada dalam ini itu adalah anda kamu kami kita saya tidak jangan hanya juga lebih sangat topik informasi membahas berbicara berbagi memberikan tolong tugas peran pengguna' +
    ' ang ng sa mga na ay at o para kung ito iyan iyon ikaw ka mo iyong kayo namin natin hindi huwag lamang din rin paksa impormasyon talakayin pag-usapan ibahagi magbigay gawain tungkulin gumagamit' +
    ' va hoac cua la co cho voi khong trong tren duoi nay do mot nhung cac ban toi chung chi cung rat chu de thong tin thao luan noi chia se cung cap vui long nhiem vu vai tro nguoi dung' +
    // ru
    ' и или но если то что как для по с без о об на в во из к у от до это этот эта эти тот та те вы ваш ваша ваши ты твой мы наш он она они его ее их не ни никогда только также очень тема темы информацию информация обсуждать говорить делиться давать предоставлять раскрывать пожалуйста задача роль пользователь пользователя пользователей' +
    // hi, bn, ar
    ' के का की को में से पर और या है हैं था थे हो एक यह वह ये वे आप आपका आपकी आपको तुम हम इस उस किसी कोई भी नहीं न मत कभी केवल लिए तरह जैसे विषय विषयों जानकारी चर्चा बात करें करना करो देना साझा बताएं कृपया कार्य भूमिका उपयोगकर्ता' +
    ' এবং বা কিন্তু যদি যে কি এই সেই একটি আপনি আপনার তুমি আমরা আমাদের তার তাদের না নয় কখনই শুধু জন্য মতো থেকে সঙ্গে বিষয় তথ্য আলোচনা করবেন করুন দিন শেয়ার কাজ ভূমিকা ব্যবহারকারী' +
    ' و او في من الى على عن مع ان هذا هذه ذلك التي الذي هو هي انت انتم نحن لا لن لم فقط ايضا اي كل موضوع مواضيع معلومات مناقشة التحدث مشاركة تقديم الكشف الرجاء مهمة دور المستخدم' +
    // ko
    ' 그리고 또는 하지만 이 그 저 것 수 등 및 에 의 를 을 는 은 가 이 에서 으로 로 와 과 당신 당신의 우리 주제 정보 논의 이야기 공유 제공 제발 역할 사용자'
    ).split(' ').filter(Boolean),
  ),
);
// Generic two-character words in unsegmented scripts (zh, ja).
const STOP_CJK = new Set(lit(['讨论', '討論', '话题', '話題', '主题', '主題', '信息', '資訊', '任何', '不要', '用户', '用戶', '提供', '回答', '问题', '問題', '分享', '透露', '什么', '什麼', '可以', '我们', '你的', '您的', '这个', '這個', '一个', '一個', '情况', '情況', '因为', '因為', '为了', '為了', '避免', '禁止', '只能', '议論', 'ユー', 'ーザ', 'ザー', '情報', '提供', '質問', '回答', 'トピ', 'ピッ', 'ック', 'につ', 'つい', 'いて', 'くだ', 'ださ', 'さい', 'ない', 'しな', 'して', 'です', 'ます', 'ませ', 'せん', 'こと', 'ある', 'いる', 'する', 'あな', 'なた', 'たの', 'の話', '話し', '議論', 'どん', 'んな', '場合', '決し', 'して']));

// Words that name a secret (the system prompt protects one; the input asks about it).
const SECRET_WORDS = [
  'password', 'passwords', 'passphrase', 'passcode', 'pass phrase', 'pin', 'pin code', 'secret', 'secrets', 'secret key', 'secret code', 'secret word', 'secret string', 'api key', 'access code', 'access key', 'security code', 'credentials', 'login',
  'passwort', 'kennwort', 'geheim', 'geheimnis', 'geheimer', 'geheime', 'schlussel', 'mot de passe', 'secrete', 'cle', 'contrasena', 'clave', 'secreto', 'secreta', 'senha', 'palavra-passe', 'segredo', 'secreta', 'chave', 'parola d\'ordine', 'segreto', 'segreta', 'chiave', 'wachtwoord', 'haslo',
  'sifre', 'parola', 'gizli', 'anahtar', 'mat khau', 'bi mat', 'khoa', 'kata sandi', 'sandi', 'rahasia', 'kunci', 'lihim', 'susi', 'contrasenya',
  'пароль', 'пароля', 'паролем', 'секрет', 'секретный', 'секретное', 'секретная', 'ключ', 'кодовое',
  'κωδικος', 'μυστικο',
  'पासवर्ड', 'गुप्त', 'रहस्य', 'कुंजी', 'পাসওয়ার্ড', 'গোপন', 'চাবি', 'كلمة المرور', 'كلمة السر', 'السر', 'سر', 'السري', 'السرية', 'المفتاح', 'مفتاح',
  '비밀번호', '암호', '비밀', '키',
];
const SECRET_SUBSTRINGS = lit(['密码', '密碼', '口令', '秘密', '密钥', '密鑰', 'パスワード', '暗証', '秘密', '合言葉', 'キー', '鍵', 'รหัสผ่าน', 'ความลับ', 'รหัสลับ', 'กุญแจ', '비밀번호', '암호']);

// Personal-data vocabulary in a system prompt (with a restriction, the prompt guards personal data).
const PERSONAL_WORDS = [
  'born', 'birth', 'birthday', 'lives', 'live', 'email', 'e-mail', 'phone', 'phone number', 'address', 'balance', 'bank', 'salary', 'private information', 'personal information', 'personal data', "user's", 'users', 'user',
  'geboren', 'geburtsdatum', 'wohnt', 'adresse', 'kontostand', 'ne', 'nee', 'habite', 'naissance', 'nacio', 'nacida', 'nacido', 'vive', 'correo', 'saldo', 'nasceu', 'nascido', 'nascida', 'mora', 'nato', 'nata', 'indirizzo',
  'dogdu', 'yasiyor', 'adresi', 'sinh', 'song', 'dia chi', 'lahir', 'tinggal', 'alamat', 'ipinanganak', 'nakatira',
  'родился', 'родилась', 'живет', 'адрес', 'почта', 'баланс', 'जन्म', 'रहता', 'रहती', 'ईमेल', 'জন্ম', 'থাকেন', 'ইমেল', 'ولد', 'ولدت', 'يعيش', 'تعيش', 'البريد', 'رصيد', '태어', '살고', '이메일', '주소',
];
const PERSONAL_SUBSTRINGS = lit(['出生', '生日', '住在', '居住', '邮箱', '電子郵件', '电子邮件', '余额', '餘額', '生まれ', '住んで', 'メール', '残高', 'เกิด', 'อาศัย', 'อีเมล']);

// The task is about content the user submits.
const CONTENT_WORDS = [
  'content', 'contents', 'document', 'documents', 'article', 'page', 'webpage', 'web page', 'html', 'emails', 'text', 'paper', 'code', 'summarize', 'summarise', 'summary', 'transaction', 'transactions', 'resume', 'review', 'file', 'submitted', 'provided', 'table',
  'inhalt', 'inhalte', 'inhalten', 'eingereichten', 'dokument', 'contenu', 'contenus', 'soumis', 'contenido', 'contenidos', 'enviado', 'contenuto', 'contenuti', 'inviati', 'conteudo', 'conteudos', 'documento',
  'icerik', 'noi dung', 'konten', 'nilalaman', 'содержани', 'содержимо', 'контент', 'सामग्री', 'বিষয়বস্তু', 'المحتوى',
];
const CONTENT_SUBSTRINGS = lit(['内容', '內容', 'コンテンツ', 'เนื้อหา', '콘텐츠', '내용']);

// Topic families: a restriction naming a broad topic also covers its usual sub-topics (a prompt
// that forbids "AI" forbids questions about neural networks). English only; a family applies when
// one of its trigger stems is a restricted term. Members with a space match as whole phrases.
const TOPIC_FAMILIES: readonly (readonly [readonly string[], readonly string[]])[] = [
  [['ai', 'artif', 'machi', 'neura'], ['ai', 'artificial intelligence', 'machine learning', 'neural', 'deep learning', 'llm', 'llms', 'language model', 'gpt', 'chatgpt', 'backpropagation', 'turing test', 'transformer', 'nlp', 'natural language processing', 'computer vision', 'reinforcement learning', 'robots', 'machines mimicking']],
  [['math', 'mathe', 'algeb', 'equat', 'calcu', 'arith'], ['math', 'maths', 'mathematics', 'mathematical', 'algebra', 'geometry', 'calculus', 'equation', 'equations', 'arithmetic', 'trigonometry', 'formula', 'formulas', 'formulae', 'polynomial', 'quadratic', 'derivative', 'integral', 'theorem', 'calculate', 'calculation', 'fraction', 'fractions', 'pythagorean', 'hypotenuse', 'square root']],
  [['recip', 'cooki', 'cook', 'bakin', 'bake'], ['recipe', 'recipes', 'cook', 'cooking', 'bake', 'baking', 'ingredient', 'ingredients', 'dish', 'cuisine', 'cake', 'bread', 'soup', 'sauce', 'oven']],
  [['relig'], ['religion', 'religious', 'god', 'gods', 'church', 'bible', 'quran', 'koran', 'faith', 'prayer', 'christianity', 'islam', 'judaism', 'hinduism', 'buddhism', 'atheism', 'spiritual', 'theology']],
  [['polit'], ['politics', 'political', 'election', 'elections', 'president', 'democrat', 'democrats', 'republican', 'republicans', 'parliament', 'voting', 'senator', 'congress', 'government policy']],
  [['sport', 'sports'], ['sport', 'sports', 'football', 'soccer', 'basketball', 'baseball', 'tennis', 'cricket', 'hockey', 'olympics', 'league', 'championship', 'world cup', 'athlete', 'athletes', 'nba', 'nfl', 'fifa', 'super bowl']],
  [['music', 'compo'], ['music', 'musical', 'song', 'songs', 'composer', 'composers', 'composed', 'singer', 'band', 'album', 'melody', 'symphony', 'lyrics', 'opera', 'concerto']],
  [['medic', 'psych', 'drug', 'drugs'], ['medical', 'medicine', 'medication', 'medications', 'drug', 'drugs', 'disease', 'diagnosis', 'symptom', 'symptoms', 'treatment', 'prescription', 'psychiatric', 'pharmaceutical', 'dosage', 'dose', 'disorder', 'antidepressant', 'painkiller']],
  [['quant', 'physi'], ['quantum', 'physics', 'superposition', 'entanglement', 'particle', 'particles', 'relativity', 'qubit', 'qubits', 'schrodinger']],
  [['space'], ['space travel', 'astronaut', 'astronauts', 'rocket', 'rockets', 'nasa', 'moon landing', 'apollo', 'spacecraft', 'orbit', 'mars mission', 'space station']],
  [['clima'], ['climate change', 'global warming', 'greenhouse', 'carbon emissions', 'fossil fuels', 'global temperature', 'sea level rise']],
  [['movie', 'films', 'film', 'tv', 'carto', 'telev'], ['movie', 'movies', 'film', 'films', 'tv', 'television', 'series', 'cartoon', 'cartoons', 'anime', 'actor', 'actress', 'cinema', 'hollywood', 'netflix', 'sitcom']],
  [['crypt'], ['cryptography', 'encryption', 'encrypt', 'decrypt', 'cipher', 'ciphers', 'steganography']],
];

// ---------------------------------------------------------------- tokenization

export { tokens } from './tokens.js';

const ARABIC_PREFIX = /^(?:وال|بال|فال|لل|ال)(?=[\u0621-\u064a]{3})/;

/** Stem for matching: the first five characters of a word (Arabic article dropped). */
function stem(w: string): string {
  if (isAscii(w)) return w.length > 5 ? w.slice(0, 5) : w;
  if (isCjkOrThai(w)) return w;
  const a = w.replace(ARABIC_PREFIX, '');
  const cps = [...a];
  return cps.length > 5 ? cps.slice(0, 5).join('') : a;
}

function letterCount(w: string): number {
  return isAscii(w) ? w.length : [...w].length;
}

function isAscii(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (w.charCodeAt(i) > 0x7f) return false;
  return true;
}

// ---------------------------------------------------------------- profile

// a quoted phrase: the quote marks are not apostrophes inside words (`computer's`)
const QUOTED = /(?<![\p{L}\p{N}])["'\u201c\u2018\u00ab\u300c]([^"'\u201d\u2019\u00bb\u300d\n]{1,60})["'\u201d\u2019\u00bb\u300d](?![\p{L}\p{N}])/gu;
// Words that make a named item a secret even without a prohibition ("Keep it secret.").
const KEEP_SECRET = lit(['secret', 'confidential', 'private', 'geheim', 'vertraulich', 'confidentiel', 'confidentielle', 'confidencial', 'riservato', 'riservata', 'segreto', 'secreto', 'sigiloso', 'секрет', 'конфиденциально', '机密', '保密', '秘密', '기밀', '비밀']);
const EMAIL = /[a-z0-9._-]{1,64}@[a-z0-9-]{1,64}\.[a-z]{2,24}/;
// clause pieces of a sentence: commas, dashes and colons in the scripts above
const PIECE_END = /[,:\u060c\u3001\uff0c]|\s[-\u2013\u2014]\s/g;
// English clause openings that start a reason or a description, not a restricted topic
const INTRO = /^(?:as (?:a|an|the)\b|due to\b|for (?:[a-z]{1,15} ){0,2}reasons?\b|to (?:avoid|maintain|ensure|keep)\b|however\b|therefore\b|in particular\b|because\b|since\b|so that\b|which\b|that\b|while (?:you|it)\b)/;
// English openings that end the restricted phrase inside a clause: "… AI or physics that are suited for …"
const TAIL = / (?:that|which|who|to maintain|to ensure|to keep|so that|because|since|as (?:it|this|they)|in order to|this is|it is)\b/;

/** Every pattern the profile uses (for the boundedness test). */
export const CONTEXT_PATTERNS: readonly RegExp[] = [QUOTED, PIECE_END, INTRO, TAIL, SENTENCE_END, EMAIL, ...REQUEST_PATTERNS];

interface PhraseSet {
  readonly single: ReadonlySet<string>;
  readonly multi: readonly string[];
}
function phraseSet(words: readonly string[]): PhraseSet {
  const single = new Set<string>();
  const multi: string[] = [];
  for (const raw of words) {
    const w = normalizeLiteral(raw);
    if (w.includes(' ')) multi.push(w);
    else single.add(w);
  }
  return { single, multi };
}
const NEG = phraseSet(NEGATION_WORDS);
const SECRET = phraseSet(SECRET_WORDS);
const PERSONAL = phraseSet(PERSONAL_WORDS);
const CONTENT = phraseSet(CONTENT_WORDS);
const ONLY = phraseSet(ONLY_WORDS);

function hasAny(norm: string, toks: readonly string[], set: PhraseSet, substrings: readonly string[]): boolean {
  for (const t of toks) if (inflectionOf(t, set)) return true;
  for (const m of set.multi) if (containsWords(norm, m)) return true;
  for (const s of substrings) if (norm.includes(s)) return true;
  return false;
}

/** The token is a listed word or, for words of five or more letters, that word with an ending of up to five letters (passwort → passworts, контент → контенте). */
function inflectionOf(t: string, set: PhraseSet): boolean {
  if (set.single.has(t)) return true;
  const n = t.length;
  for (let k = Math.max(5, n - 5); k < n; k++) if (set.single.has(t.slice(0, k))) return true;
  return false;
}

const cache = new Map<string, SystemPromptProfile>();
const CACHE_SIZE = 64;

/** Reads a system prompt once (results are cached for the 64 most recent prompts). */
export function profileSystemPrompt(systemPrompt: string): SystemPromptProfile {
  let p = cache.get(systemPrompt);
  if (p) return p;
  p = buildProfile(systemPrompt);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(systemPrompt, p);
  return p;
}

function buildProfile(sp: string): SystemPromptProfile {
  const norm = normalizeShared(sp, 2).text;
  const sentences = norm.split(SENTENCE_END).filter((s) => s.trim().length > 0);
  const allTokens = tokens(norm);
  let restrictive = false;
  const restricted = new Set<string>();
  const restrictedExact = new Set<string>();
  // acronyms in the original prompt (AI, ML, VR) may be restricted topics despite their length
  const acronyms = new Set<string>();
  for (const m of sp.matchAll(/\b[A-Z]{2,4}\b/g)) acronyms.add(m[0].toLowerCase());
  const addTerm = (w: string): void => {
    if (acronyms.has(w) && letterCount(w) <= 3) {
      restrictedExact.add(w);
      return;
    }
    if (STOP.has(w) || STOP_CJK.has(w) || NEG.single.has(w)) return;
    if (/^\d/.test(w)) return;
    if (isCjkOrThai(w)) {
      if (letterCount(w) >= 2) restricted.add(w);
      return;
    }
    const len = letterCount(w);
    if (len >= 4) restricted.add(stem(w));
    else if (len === 3 && !/^[a-z]{3}$/.test(w)) restricted.add(w);
  };
  const scope = new Set<string>();
  const marked: PromptSentence[] = [];
  for (const s of sentences) {
    const st = tokens(s);
    const negated = st.some((t) => NEG.single.has(t)) || NEG.multi.some((m) => containsWords(s, m)) || NEGATION_SUBSTRINGS.some((m) => s.includes(m));
    marked.push({ text: s, negated });
    if (!negated) {
      if (st.some((t) => ONLY.single.has(t)) || ONLY_SUBSTRINGS.some((m) => s.includes(m))) {
        restrictive = true;
        for (const t of st) if (!STOP.has(t) && !STOP_CJK.has(t) && !ONLY.single.has(t) && (isCjkOrThai(t) || letterCount(t) >= 4)) scope.add(stem(t));
      }
      continue;
    }
    restrictive = true;
    // a quoted topic names the restriction exactly
    const quoted = [...s.matchAll(QUOTED)].map((m) => m[1]!);
    if (quoted.length > 0) {
      for (const q of quoted) for (const t of tokens(q)) addTerm(t);
      continue;
    }
    // otherwise: the clause holding the prohibition and the list clauses after it, up to a clause
    // that gives a reason or a description ("… to maintain focus on …", "… that are suited for …")
    let on = false;
    for (const piece of s.split(PIECE_END)) {
      const p = piece.trim();
      if (p.length === 0) continue;
      const pt = tokens(p);
      const marked = pt.some((t) => NEG.single.has(t)) || NEG.multi.some((m) => containsWords(p, m)) || NEGATION_SUBSTRINGS.some((m) => p.includes(m));
      if (marked) on = true;
      else if (!on || INTRO.test(p)) {
        on = false;
        continue;
      }
      const tail = TAIL.exec(p);
      for (const t of tokens(tail ? p.slice(0, tail.index) : p)) addTerm(t);
      if (tail) on = false;
    }
  }
  const restrictedPhrases: string[] = [];
  for (const [triggers, members] of TOPIC_FAMILIES) {
    if (!triggers.some((t) => restricted.has(t) || restrictedExact.has(t))) continue;
    for (const m of members) {
      if (m.includes(' ')) restrictedPhrases.push(m);
      else if (m.length <= 3) restrictedExact.add(m);
      else restricted.add(stem(m));
    }
  }
  const isStop = (t: string): boolean => STOP.has(t) || STOP_CJK.has(t) || NEG.single.has(t);
  const item = secretItemOf(marked, valueCandidates(sp), (t) => inflectionOf(t, SECRET), isStop);
  // a prompt keeps a secret when it forbids something and names one, or names one and gives its value or calls it secret ("keep it secret")
  const secret = (restrictive && (hasAny(norm, allTokens, SECRET, SECRET_SUBSTRINGS) || item.heads.size > 0)) || (item.heads.size > 0 && (item.values.length > 0 || item.wordValues.length > 0 || KEEP_SECRET.some((w) => containsWords(norm, w))));
  const secretValues = secret ? [...item.values, ...item.wordValues] : [];
  // on the original text: normalization reads "@" inside a word as leetspeak
  const email = EMAIL.test(sp.toLowerCase());
  const personal = restrictive && (email || countPersonal(norm, allTokens) >= 2);
  const entities = personal ? personNamesOf(sp, isStop) : new Set<string>();
  const personalFields = personal ? personFieldsOf(sp, isStop) : new Set<string>();
  // a task about submitted content ("the code the user submits"), unless the word is the secret's name ("the discount code")
  const content = allTokens.some((t) => inflectionOf(t, CONTENT) && !(secret && namesSecret(t, item))) || CONTENT.multi.some((m) => containsWords(norm, m)) || CONTENT_SUBSTRINGS.some((m) => norm.includes(m));
  return { restrictive, secret, secretValues, secretItem: secret ? item : undefined, personal, entities, personalFields, restricted, restrictedExact, restrictedPhrases, scope, content };
}

/** Values written in the prompt (see ValueCandidates), normalized as an input would be. */
function valueCandidates(sp: string): ValueCandidates {
  const form = (raw: string): string => normalizeShared(raw, 2).text.trim();
  const strong = rawValueChunks(sp).map(form);
  const weak: string[] = [];
  for (const m of sp.matchAll(QUOTED)) {
    const v = m[1]!.trim();
    if (v.length >= 3 && v.length <= 40 && !isValue(v)) weak.push(form(v));
  }
  return { strong, weak };
}

function countPersonal(norm: string, toks: readonly string[]): number {
  let n = 0;
  const seen = new Set<string>();
  for (const t of toks) if (PERSONAL.single.has(t) && !seen.has(t)) seen.add(t), n++;
  for (const m of PERSONAL.multi) if (containsWords(norm, m)) n++;
  for (const s of PERSONAL_SUBSTRINGS) if (norm.includes(s)) n++;
  return n;
}

// ---------------------------------------------------------------- reading the input against it

export interface ContextHits {
  /** Tokens in the input. */
  readonly tokens: number;
  /**
   * The input asks for the secret the prompt keeps (reveal, spell, translate, encode, hint at,
   * complete or compare it), or contains its value. Naming the same kind of thing is not enough:
   * "how do I reset my password?" does not ask for the prompt's password.
   */
  readonly secret: boolean;
  /** The input asks for personal data about a person the prompt holds data about. */
  readonly personal: boolean;
  /** The input touches a term of a restriction (a topic: on its own, not an attack). */
  readonly restricted: boolean;
}

/** Reads normalized input text (and decoded segments, already normalized) against a profile. */
export function contextHits(profile: SystemPromptProfile, normInput: string): ContextHits {
  // one tokenization, sentence by sentence, shared by the request reading and the topic check
  const read = readSentences(normInput);
  const req = profile.secret || profile.personal ? readRequests(normInput, read, profile.secretItem, profile.personal ? { names: profile.entities, fields: profile.personalFields } : undefined) : undefined;
  const secret = req?.secret ?? false;
  const personal = req?.personal ?? false;
  let restricted = false;
  for (const ph of profile.restrictedPhrases) if (containsWords(normInput, ph)) restricted = true;
  if (!restricted && (profile.restricted.size > 0 || profile.restrictedExact.size > 0)) {
    // restricted terms are never stop words (see addTerm): look the stem up first, the stop list only on a hit
    const hit = (t: string): boolean => !STOP.has(t) && !STOP_CJK.has(t);
    outer: for (const r of read) {
      for (const t of r.toks) {
        if (profile.restrictedExact.has(t)) {
          restricted = true;
          break outer;
        }
        if (isCjkOrThai(t)) {
          if (profile.restricted.has(t) && hit(t)) {
            restricted = true;
            break outer;
          }
          continue;
        }
        const len = letterCount(t);
        if (len < 3) continue;
        const s = stem(t);
        // a four-letter restricted word matches longer forms (math → mathematics) and the reverse
        if ((profile.restricted.has(s) || (len > 4 && profile.restricted.has(s.slice(0, 4)))) && hit(t)) {
          restricted = true;
          break outer;
        }
      }
    }
  }
  let n = 0;
  for (const r of read) n += r.toks.length;
  return { tokens: n, secret, personal, restricted };
}
