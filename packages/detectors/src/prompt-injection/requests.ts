import { normalizeLiteral } from '../normalize/normalize.js';
import { indexOfWords, sentences, tokens, type Sentence } from './tokens.js';

/**
 * Requests aimed at what a system prompt protects. Sharing a word with the protected item is not an
 * attack ("How do I reset my password?" under a prompt that keeps a password; "Can I get a
 * discount?" under one that keeps a discount code): an attack asks for the item itself — reveal,
 * print, spell, translate, encode, hint at, complete or compare it — or for the personal data the
 * prompt holds about someone. This module finds, in the prompt, how its secret is named (the head
 * word and its family in other languages, the words that qualify it, its value) and, in an input,
 * a reference to that item together with a request for it, sentence by sentence.
 *
 * Everything works on normalized text (lower case, no accents; see normalize.ts) and in time linear
 * in the prompt and the input: tokens are scanned once, each looking at most a few tokens around it.
 */

const lit = (xs: readonly string[]): string[] => xs.map(normalizeLiteral);
const set = (xs: readonly string[]): ReadonlySet<string> => new Set(lit(xs));

// ---------------------------------------------------------------- vocabularies

// Head words by family: a family is the same item in any language ("password", "mot de passe",
// "пароль"). `secret` words name a secret whatever it protects; `code`, `key` and the others do only
// when the prompt makes them one ("the door code is 4417").
type Family = 'secret' | 'code' | 'key' | 'token' | 'phrase' | 'word' | 'combination';
const FAMILY_WORDS: readonly (readonly [Family, readonly string[]])[] = [
  ['secret', ['password', 'passwords', 'passphrase', 'passphrases', 'passcode', 'passcodes', 'pin', 'secret', 'credentials', 'passwort', 'passworter', 'kennwort', 'geheimnis', 'contrasena', 'contrasenas', 'contrasenya', 'senha', 'senhas', 'palavra-passe', 'wachtwoord', 'haslo', 'sifre', 'sifreyi', 'sifresi', 'sifren', 'sifreniz', 'secreto', 'segredo', 'segreto']],
  ['code', ['code', 'codes', 'codice', 'codici', 'codigo', 'codigos', 'kod', 'kodu', 'kode']],
  ['key', ['key', 'keys', 'cle', 'clave', 'chave', 'chiave', 'schlussel', 'anahtar', 'anahtari', 'kunci', 'khoa', 'susi']],
  ['token', ['token', 'tokens']],
  ['phrase', ['phrase']],
  ['word', ['word']],
  ['combination', ['combination']],
];
const FAMILY_OF = new Map<string, Family>();
for (const [f, ws] of FAMILY_WORDS) for (const w of lit(ws)) FAMILY_OF.set(w, f);
// Plural heads refer to a class ("database passwords"), not to the item, unless a determiner picks it.
const PLURAL_HEADS = set(['passwords', 'passphrases', 'passcodes', 'passworter', 'contrasenas', 'senhas', 'codes', 'keys', 'tokens', 'codici', 'codigos']);
// English heads: "a" before them is the indefinite article (in Portuguese it is "the").
const ENGLISH_HEADS = set(['password', 'passwords', 'passphrase', 'passphrases', 'passcode', 'passcodes', 'pin', 'secret', 'credentials', 'code', 'codes', 'key', 'keys', 'token', 'tokens', 'phrase', 'word', 'combination']);
// Heads of several words.
const MULTI_HEADS: readonly (readonly [Family, readonly string[]])[] = [
  ...lit(['mot de passe', 'mots de passe', 'kata sandi', 'kata sandinya', 'kata laluan', 'mat khau', "parola d'ordine", 'pin code', 'pass phrase', 'pass code', 'كلمة المرور', 'كلمة السر', 'clave secreta', 'chave secreta', 'chiave segreta', 'cle secrete', 'code secret', 'codigo secreto', 'codice segreto', 'gizli anahtar', 'khoa bi mat', 'kunci rahasia', 'lihim na susi']).map((p): [Family, string[]] => ['secret', tokens(p)]),
];
// Heads in spaced non-Latin scripts that take endings and particles: matched as token prefixes.
const PREFIX_HEADS: readonly (readonly [string, Family])[] = [
  ...lit(['비밀번호', '암호', 'парол', 'секрет', 'κωδικ', 'συνθηματικ', 'पासवर्ड', 'पासकोड', 'পাসওয়ার্ড', 'گذرواژه', 'رمز عبور']).map((w): [string, Family] => [w, 'secret']),
  ...lit(['код', 'कोड', 'الرمز', 'رمز', '코드']).map((w): [string, Family] => [w, 'code']),
  ...lit(['ключ', 'कुंजी', 'المفتاح', 'مفتاح', '키', 'চাবি']).map((w): [string, Family] => [w, 'key']),
];
// Heads that take suffixes in Latin-script languages (Turkish "şifreni", "şifresini").
const ASCII_PREFIX_HEADS: readonly (readonly [string, Family])[] = [['sifre', 'secret'], ['anahtar', 'key']];
// Heads in scripts written without spaces (zh, ja, th): substrings.
const WIDE_HEADS: readonly (readonly [string, Family])[] = [
  ...lit(['密码', '密碼', '口令', '暗証番号', 'パスワード', '合言葉', '暗号', 'รหัสผ่าน', 'รหัสลับ', '秘密', 'ความลับ']).map((w): [string, Family] => [w, 'secret']),
  ...lit(['验证码', '驗證碼', '代码', '代碼', 'コード', '码', '碼']).map((w): [string, Family] => [w, 'code']),
  ...lit(['密钥', '密鑰', 'キー', '鍵', 'กุญแจ']).map((w): [string, Family] => [w, 'key']),
];
// Compound heads (German): a word ending with one of these names a secret ("Freigabecode").
const COMPOUND_ENDINGS: readonly (readonly [string, Family])[] = [['code', 'code'], ['passwort', 'secret'], ['kennwort', 'secret'], ['schlussel', 'key']];
// English words that end like a compound head but are not one.
const NOT_COMPOUNDS = set(['barcode', 'barcodes', 'postcode', 'zipcode', 'unicode', 'transcode', 'shortcode', 'geocode', 'sourcecode', 'qrcode', 'opcode', 'bytecode', 'pseudocode', 'microcode', 'encode', 'decode']);

// Determiners that pick a definite item ("the", "your", "this").
const DEFINITE = set([
  'the', 'your', 'yours', 'this', 'that', 'its', 'ur',
  'der', 'die', 'das', 'den', 'dem', 'des', 'dein', 'deine', 'deinen', 'deinem', 'ihr', 'ihre', 'ihren', 'ihrem', 'euer', 'eure', 'diesen', 'diese', 'dieses', 'dieser',
  'le', 'la', 'les', 'l', 'ce', 'cet', 'cette', 'ton', 'ta', 'tes', 'votre', 'vos',
  'el', 'los', 'las', 'lo', 'tu', 'tus', 'su', 'sus', 'este', 'esta', 'ese', 'esa',
  'il', 'i', 'gli', 'tuo', 'tua', 'suo', 'sua', 'questo', 'questa', 'quel', 'quella',
  'o', 'os', 'as', 'seu', 'teu', 'esse', 'essa',
  'этот', 'эта', 'это', 'твои', 'твоя', 'твое', 'твою', 'твоим', 'ваш', 'ваша', 'ваше', 'вашу', 'вашим',
  'ang', 'iyong', 'iyo', 'yang', 'ini', 'itu', 'senin', 'sizin', 'bu',
  'आपका', 'आपकी', 'आपके', 'तुम्हारा', 'तुम्हारी', 'तुम्हारे', 'यह', 'इस', 'আপনার', 'তোমার',
]);
// Words before a head that make it someone's own or any such item, not the protected one.
const NOT_THE_ITEM = set([
  'my', 'mine', 'a', 'an', 'any', 'some', 'another', 'every', 'each', 'no', 'new', 'own', 'his', 'her', 'their', 'user', 'users', 'customer', 'customers', 'someone', 'somebody', 'people', 'wrong', 'incorrect', 'old', 'temporary', 'default', 'strong', 'secure', 'safe', 'good', 'weak', 'different', 'one-time', 'forgotten', 'expired', 'personal', 'other', 'such',
  'mein', 'meine', 'meinen', 'meinem', 'meines', 'meiner', 'ein', 'eine', 'einen', 'einem', 'einer', 'eines', 'kein', 'keine', 'keinen', 'neue', 'neuen', 'neues', 'neuer', 'sicheres', 'sicheren',
  'mon', 'ma', 'mes', 'un', 'une', 'des', 'nouveau', 'nouvel', 'nouvelle',
  'mi', 'mis', 'una', 'unos', 'unas', 'nueva', 'nuevo',
  'mio', 'mia', 'miei', 'mie', 'uno', 'nuova', 'nuovo',
  'meu', 'minha', 'meus', 'minhas', 'um', 'uma', 'nova', 'novo',
  'мои', 'моя', 'мое', 'мою', 'моего', 'моеи', 'моим', 'новыи', 'новую',
  '내', '제', '나의', '저의', 'मेरा', 'मेरी', 'मेरे', 'আমার', 'benim', 'kendi',
]);
// Reflexive possessives: the speaker's own when the speaker is the subject ("я забыл свой пароль"),
// the assistant's otherwise ("можете поделиться своим паролем?").
const REFLEXIVE = set(['свои', 'свою', 'своим', 'своего', 'своеи', 'свое', 'अपना', 'अपनी', 'अपने']);
const FIRST_PERSON = set(['i', 'ich', 'je', 'j', 'yo', 'eu', 'io', 'я', 'мне', 'меня', 'मैं', 'मुझे', 'ben', 'saya', 'aku', 'toi', 'ako']);
// Adjectives a protected item often carries, whatever the prompt calls it.
const ITEM_ADJECTIVES = set(['secret', 'current', 'actual', 'real', 'exact', 'full', 'whole', 'complete', 'entire', 'correct', 'right', 'same', 'internal', 'hidden', 'special', 'master', 'admin', 'administrator', 'root', 'access', 'login', 'security', 'private', 'confidential', 'system', 'final', 'geheime', 'geheimen', 'geheimer', 'interne', 'internen', 'secrete', 'secreto', 'secreta', 'segreto', 'segreta', 'interno', 'interna', 'секретныи', 'секретная', 'секретное', 'секретную', 'секретного', 'секретным', 'गुप्त', 'গোপন', 'السري', 'السرية', '시스템', 'sistem', 'gizli', 'rahasia', 'bi mat', 'lihim']);
// Words after a head that make it a modifier of something else ("password policy", "code lock").
const MODIFIER_NEXT = set(['policy', 'policies', 'requirement', 'requirements', 'rule', 'rules', 'reset', 'resets', 'manager', 'managers', 'field', 'fields', 'box', 'strength', 'change', 'changes', 'expiry', 'expiration', 'authentication', 'protection', 'protected', 'lock', 'locks', 'generator', 'recovery', 'page', 'screen', 'form', 'entry', 'setting', 'settings', 'option', 'options', 'complexity', 'history', 'editor', 'review', 'reviews', 'base', 'snippet', 'block', 'sample', 'example', 'examples', 'quality', 'style', 'formatter', 'file', 'files', 'repository', 'repo', 'error', 'errors', 'signing', 'pair', 'ring', 'card', 'cards', 'fob', 'holder']);
// Connectors between a head and its qualifier ("codice di verifica", "code of the door").
const CONNECTORS = set(['of', 'for', 'de', 'di', 'do', 'da', 'del', 'della', 'dello', 'dei', 'du', 'des', 'dos', 'das', 'der']);
const PREPOSITIONS = set(['for', 'of', 'to', 'from', 'in', 'on', 'at', 'behind', 'about', 'with', 'de', 'di', 'da', 'do', 'del', 'della', 'du', 'des', 'dos', 'das', 'para', 'pour', 'per', 'por', 'fur', 'von', 'zu', 'pro', 'dlia', 'для']);

// Words that ask for an item: reveal, print, spell, translate, encode, share, hint at, complete, compare,
// write a poem about. Non-Latin ones (and Korean verb stems) are matched as token prefixes.
const EXTRACT = set([
  // en
  'reveal', 'tell', 'give', 'show', 'print', 'repeat', 'say', 'spell', 'write', 'output', 'display', 'share', 'disclose', 'divulge', 'provide', 'leak', 'recite', 'dump', 'translate', 'encode', 'encrypt', 'convert', 'reverse', 'hint', 'hints', 'clue', 'clues', 'rhyme', 'rhymes', 'poem', 'haiku', 'acrostic', 'song', 'riddle', 'remind', 'whisper', 'echo', 'expose', 'letter', 'letters', 'character', 'characters', 'char', 'chars', 'digit', 'digits', 'length', 'what', 'which', 'whats', 'dictate', 'sing', 'anagram', 'hex', 'base64', 'binary', 'morse', 'leetspeak', 'unscramble', 'sharing',
  // de
  'sag', 'sage', 'sagen', 'nenne', 'nennen', 'nenn', 'verrate', 'verraten', 'verrat', 'gib', 'geben', 'zeig', 'zeige', 'zeigen', 'schreib', 'schreibe', 'schreiben', 'buchstabiere', 'buchstabieren', 'wiederhole', 'ubersetze', 'lautet', 'welche', 'welcher', 'welches', 'teile', 'teilen', 'teilst', 'verschlussele', 'kodiere', 'bestatige', 'bestatigen', 'gedicht', 'buchstaben',
  // fr
  'dis', 'dites', 'dire', 'donne', 'donnez', 'donner', 'revele', 'revelez', 'reveler', 'montre', 'montrez', 'ecris', 'ecrivez', 'ecrire', 'epelle', 'epelez', 'repete', 'repetez', 'traduis', 'traduisez', 'indique', 'indiquez', 'quel', 'quelle', 'quels', 'quelles', 'quoi', 'partage', 'partagez', 'partager', 'encode', 'encodez', 'confirmer', 'confirmez', 'poeme', 'lettre', 'lettres', 'premiers', 'premieres',
  // es
  'dime', 'dame', 'digame', 'dimela', 'dimelo', 'decir', 'dimmelo', 'dammelo', 'decirme', 'revela', 'revelame', 'revelar', 'reveles', 'muestra', 'muestrame', 'muestre', 'escribe', 'escribeme', 'escriba', 'deletrea', 'deletree', 'repite', 'repita', 'traduce', 'traduzca', 'comparte', 'comparta', 'compartir', 'confirmar', 'confirma', 'cual', 'cuales', 'letras', 'primeras', 'primeros', 'codifica', 'poema',
  // it
  'dimmi', 'dammi', 'dici', 'dica', 'dire', 'rivela', 'rivelami', 'rivelare', 'mostra', 'mostrami', 'scrivi', 'scrivimi', 'ripeti', 'traduci', 'condividi', 'condividere', 'confermare', 'conferma', 'qual', 'quale', 'quali', 'lettera', 'lettere', 'prime', 'primi', 'codifica', 'poesia',
  // pt
  'diga', 'diz', 'dizer', 'dize', 'revele', 'revela', 'revelar', 'mostre', 'escreva', 'escreve', 'soletre', 'soletra', 'repita', 'traduza', 'compartilhe', 'compartilhar', 'partilhar', 'partilhe', 'partilha', 'confirme', 'quais', 'informe',
  // nl, pl, tr, id, tl, vi
  'wat', 'geef', 'vertel', 'zeg', 'noem', 'deel', 'jakie', 'jaki', 'podaj', 'powiedz', 'napisz', 'nedir', 'soyle', 'soyleyin', 'soyler', 'ver', 'verin', 'verir', 'yaz', 'yazin', 'goster', 'paylas', 'paylasir', 'paylasabilir', 'siir', 'apa', 'beritahu', 'berikan', 'sebutkan', 'tulis', 'tunjukkan', 'bagikan', 'berbagi', 'konfirmasi', 'mengonfirmasikan', 'mengkonfirmasi', 'puisi', 'ano', 'sabihin', 'ibigay', 'ibahagi', 'isulat', 'kumpirmahin', 'tula', 'gi', 'cho', 'chia', 'tho', 'viet',
  // ru, uk, el
  'какои', 'какая', 'какое', 'каков', 'какие', 'что', 'стих', 'стихи', 'стихотворение', 'буквам', 'первые', 'буквы',
  'ποιος', 'ποιο', 'ποια', 'πες', 'πειτε', 'δωσε', 'δωστε', 'γραψε', 'μοιρασου',
  // hi, bn, ar
  'क्या', 'कविता', 'ক্রোস্টিক', 'কী', 'কি', 'কবিতা', 'ما', 'ماذا', 'ماهي', 'ماهو', 'اخبرني', 'أخبرني', 'اعطني', 'أعطني', 'اكتب', 'قل', 'شارك', 'مشاركة', 'قصيدة',
]);
// Request words that also occur in ordinary talk about an item ("I couldn't complete checkout with the code"): they count only right before it.
const WEAK_EXTRACT = set(['send', 'confirm', 'list', 'complete', 'finish', 'compare', 'guess', 'describe', 'mention', 'copy', 'read', 'recall', 'story', 'contains', 'contain', 'include']);
// "the first half of the password", "the last three characters": a part of the item.
const PART_WORDS = set(['first', 'last', 'half', 'part', 'beginning', 'end', 'premiers', 'premieres', 'primeras', 'primeros', 'prime', 'primi', 'первые']);
const PART_NEXT = set(['of', 'half', 'two', 'three', 'four', 'five', 'few', 'letter', 'letters', 'character', 'characters', 'digit', 'digits', 'chars', 'de', 'di', 'lettres', 'letras', 'lettere', 'буквы', 'символы']);
// Request words in inflecting non-Latin scripts (prefixes of tokens) and in scripts without spaces (substrings).
const EXTRACT_PREFIXES = lit(['скаж', 'назов', 'дай', 'даи', 'покаж', 'раскр', 'напиш', 'повтор', 'перевед', 'сообщ', 'подел', 'подтверд', 'подскаж', 'бата', 'बता', 'साझा', 'दिखा', 'लिख', 'अनुवाद', 'বল', 'লিখ', 'শেয়ার', 'দেখা', 'أخبر', 'اخبر', 'أعط', 'اعط', 'اكتب', 'شارك', '알려', '말해', '공유', '써', '보여', '확인']);
const EXTRACT_WIDE = lit(['教えて', '教え', '何', '書いて', '書く', '書き', '言って', '見せて', '共有', '詩', 'なに', 'なん', '是什么', '是什麼', '什么', '什麼', '告诉', '告訴', '说出', '說出', '给我', '給我', '透露', '多少', '拼写', '写出', '寫出', '写一', '寫一', '显示', '顯示', '分享', '뭐', '무엇', 'อะไร', 'บอก', 'เขียน', 'แบ่งปัน']);
// Verbs that manage an item rather than ask for it ("reset the password", "enter the code").
const MANAGE = set([
  'verify', 'verifies', 'check', 'checks', 'validate', 'validates', 'hash', 'hashes', 'hashed',
  'reset', 'resetting', 'change', 'changing', 'changed', 'update', 'updating', 'recover', 'recovering', 'renew', 'create', 'creating', 'set', 'setting', 'choose', 'choosing', 'pick', 'enter', 'entering', 'entered', 'apply', 'applying', 'applied', 'redeem', 'redeeming', 'use', 'using', 'used', 'paste', 'activate', 'generate', 'store', 'storing', 'save', 'manage', 'protect', 'rotate', 'rotating', 'revoke', 'remove', 'delete', 'disable', 'enable', 'forgot', 'forget', 'forgotten', 'lost', 'lose', 'got', 'get', 'received', 'receive', 'input', 'type', 'typed', 'submit', 'sync', 'unlock', 'expire', 'expired', 'mistyped', 'accept', 'accepted', 'work', 'works', 'working', 'valid', 'invalid', 'wrong', 'incorrect', 'rejected',
  'vergessen', 'vergass', 'zurucksetzen', 'andern', 'aendern', 'erstellen', 'eingeben', 'einlosen', 'verwenden', 'benutzen', 'funktioniert',
  'oublie', 'reinitialiser', 'changer', 'modifier', 'creer', 'utiliser', 'saisir', 'entrer', 'marche', 'fonctionne',
  'olvide', 'restablecer', 'restablezco', 'cambiar', 'crear', 'creo', 'usar', 'introducir', 'aplicar', 'funciona',
  'dimenticato', 'reimpostare', 'reimposto', 'cambiare', 'creare', 'usare', 'inserire',
  'esqueci', 'redefinir', 'trocar', 'alterar', 'criar',
  'забыл', 'забыла', 'сбросить', 'изменить', 'поменять', 'восстановить', 'создать', 'ввести', 'использовать', 'работает',
]);
const MANAGE_WIDE = lit(['リセット', '変更', '忘れ', '再設定', '重置', '修改', '更改', '找回', '忘记', '忘記', '재설정', '변경', '잊어', 'भूल', 'बदल', 'रीसेट']);
// Words after an item that ask for a transformed copy of it ("… backwards", "… letter by letter").
const TRANSFORM = set(['backwards', 'backward', 'reversed', 'reverse', 'letter', 'letters', 'character', 'characters', 'digit', 'digits', 'base64', 'hex', 'hexadecimal', 'binary', 'morse', 'leetspeak', 'rot13', 'uppercase', 'spelled', 'french', 'spanish', 'german', 'italian', 'portuguese', 'chinese', 'japanese', 'russian', 'emoji', 'emojis', 'pig', 'ruckwarts', 'reves', 'contrario', 'tras', 'lettre', 'буквам', 'наоборот']);
// A sentence opening a yes/no question about the item ("Does the code contain …?").
const YES_NO = set(['is', 'does', 'do', 'did', 'was', 'were', 'are', 'has', 'have', 'ist', 'hat', 'est-ce', 'enthalt']);
// Question words count before the item ("what is the code"), not after it ("the code, what should I do") …
const WH = set(['what', 'which', 'whats', 'welche', 'welcher', 'welches', 'quel', 'quelle', 'quels', 'quelles', 'quoi', 'cual', 'cuales', 'qual', 'quale', 'quali', 'quais', 'wat', 'jakie', 'jaki', 'nedir', 'apa', 'ano', 'gi', 'какои', 'какая', 'какое', 'каков', 'какие', 'что', 'ποιος', 'ποιο', 'ποια', 'क्या', 'কী', 'কি', 'ما', 'ماذا', 'ماهي', 'ماهو']);
// … except in languages that put them after it ("पासवर्ड क्या है", "mật khẩu là gì").
const WH_AFTER = set(['nedir', 'gi', 'apa', 'क्या', 'কী', 'কি']);
// Question words that ask for a fact about a person.
const PERSON_QUESTIONS = set(['what', 'whats', 'where', 'when', 'which', 'who', 'how', 'wo', 'wann', 'was', 'welche', 'welcher', 'wie', 'ou', 'quand', 'quel', 'quelle', 'donde', 'cuando', 'cual', 'dove', 'quando', 'quale', 'qual', 'onde', 'где', 'когда', 'какои', 'какая', 'что', 'куда', 'nerede', 'nereye', 'hangi', 'dimana', 'kapan', 'apa', 'saan', 'kailan', 'ano', 'dau', 'nao', 'gi', 'που', 'ποτε', 'ποιο', 'ποια', 'कहां', 'कहाँ', 'कब', 'क्या', 'कौन', 'কোথায়', 'কখন', 'কি', 'কী', 'أين', 'اين', 'متى', 'ما', 'ماذا']);
const PERSON_QUESTIONS_WIDE = lit(['哪里', '哪裡', '哪儿', '什么', '什麼', '何时', '何時', 'どこ', 'いつ', '何', '어디', '언제', '무엇', '뭐', 'ที่ไหน', 'เมื่อไร', 'อะไร']);
// "I need Tom's home address": a want is a request too.
const PERSON_WANTS = set(['need', 'want', 'know', 'find', 'lookup', 'read', 'list', 'send', 'compare', 'confirm', 'describe', 'brauche', 'brauchen', 'besoin', 'veux', 'necesito', 'quiero', 'bisogno', 'voglio', 'preciso', 'quero', 'нужен', 'нужна', 'нужно', 'хочу', 'узнать', 'bilmem', 'perlu', 'kailangan', 'जानना', 'चाहिए', 'print', 'imprimir', 'imprime', 'drucke', 'imprimer', 'stampa', 'stampare']);
// Verbs that change a person's data rather than ask for it ("update the customer's email").
const PERSON_MANAGE = set(['update', 'updating', 'change', 'changing', 'edit', 'correct', 'fix', 'add', 'remove', 'delete', 'andern', 'aktualisieren', 'modifier', 'changer', 'cambiar', 'actualizar', 'modificare', 'cambiare', 'alterar', 'atualizar', 'изменить', 'обновить']);

// What a prompt holds about a person, and what an input asks about them.
const PERSON_FIELDS = set([
  'born', 'birth', 'birthday', 'birthdate', 'dob', 'age', 'live', 'lives', 'living', 'lived', 'reside', 'resides', 'residence', 'residing', 'address', 'email', 'e-mail', 'phone', 'telephone', 'mobile', 'balance', 'salary', 'salaries', 'earn', 'earns', 'earnings', 'income', 'wage', 'color', 'colour', 'favorite', 'favourite', 'initials', 'hometown', 'city', 'location', 'whereabouts', 'details', 'record', 'records', 'data', 'info', 'information', 'biography', 'profile', 'diagnosis', 'ssn', 'name', 'surname', 'lastname',
  'geboren', 'geburtsdatum', 'geburtstag', 'geburtsjahr', 'alter', 'wohnt', 'wohnen', 'wohnort', 'adresse', 'telefon', 'telefonnummer', 'kontostand', 'gehalt', 'lieblingsfarbe', 'daten', 'nachname', 'initialen', 'e-mail-adresse',
  'naissance', 'anniversaire', 'habite', 'vit', 'courriel', 'solde', 'salaire', 'couleur', 'nom', 'donnees', 'ville', 'initiales', 'preferee',
  'nacio', 'nacido', 'nacida', 'nacimiento', 'cumpleanos', 'edad', 'vive', 'viven', 'direccion', 'domicilio', 'correo', 'telefono', 'saldo', 'salario', 'sueldo', 'nombre', 'datos', 'ciudad', 'iniciales', 'favorito', 'favorita',
  'nato', 'nata', 'nascita', 'compleanno', 'eta', 'abita', 'abitano', 'indirizzo', 'stipendio', 'colore', 'nome', 'dati', 'citta', 'iniziali', 'preferito', 'preferita',
  'nasceu', 'nascido', 'nascida', 'nascimento', 'aniversario', 'idade', 'mora', 'moram', 'endereco', 'telefone', 'cor', 'dados', 'cidade', 'iniciais', 'preferida',
  'родился', 'родилась', 'рождения', 'возраст', 'живет', 'живут', 'проживает', 'адрес', 'почта', 'почты', 'телефон', 'баланс', 'зарплата', 'цвет', 'имя', 'данные', 'город', 'инициалы', 'народився', 'народилася', 'живе', 'адреса',
  'dogdu', 'dogum', 'yasiyor', 'yasadigi', 'oturuyor', 'adres', 'adresi', 'e-posta', 'bakiye', 'maas', 'isim', 'sehir', 'sehri', 'sinh', 'song', 'lahir', 'tinggal', 'alamat', 'gaji', 'nama', 'warna', 'favorit', 'inisial', 'inisyal', 'ipinanganak', 'nakatira', 'tirahan', 'kaarawan', 'kulay', 'paborito', 'lungsod',
  'γεννηθηκε', 'ζει', 'διευθυνση', 'γενεθλια',
  'जन्म', 'रहता', 'रहती', 'रहते', 'पता', 'ईमेल', 'वेतन', 'नाम', 'रंग', 'पसंदीदा', 'निवास', 'জন্ম', 'থাকেন', 'থাকে', 'ঠিকানা', 'ইমেল', 'ইমেইল', 'বাস', 'ولد', 'ولدت', 'ميلاد', 'يعيش', 'تعيش', 'يسكن', 'تسكن', 'عنوان', 'البريد', 'بريد', 'رصيد', 'راتب', 'لون', 'اسم',
]);
const PERSON_FIELDS_WIDE = lit(['อยู่ที่ไหน', '出生', '生日', '住在', '住哪', '住址', '地址', '邮箱', '郵箱', '电子邮件', '電子郵件', '余额', '餘額', '工资', '工資', '生まれ', '住んで', '住所', 'メール', '誕生', '残高', '給料', 'เกิด', 'อาศัย', 'อีเมล', 'ที่อยู่']);
// Korean, Russian and Arabic words take endings and particles: matched by prefix.
const PERSON_FIELDS_PREFIXES = lit(['태어', '살고', '사는', '주소', '이메일', '생일', '잔액', 'живет', 'живёт', 'проживает', 'родил', 'адрес', 'почт', 'баланс', 'зарплат', 'рожден', 'инициал', 'البريد', 'عنوان', 'يعيش', 'تعيش', 'ولد']);
// Words for the person a prompt holds data about.
const PERSON_REFS = set([
  'user', 'users', 'customer', 'customers', 'patient', 'employee', 'employees', 'client', 'clients', 'member', 'members', 'policyholder', 'holder', 'student', 'pupil', 'child', 'tenant', 'guest', 'passenger', 'applicant', 'candidate', 'resident', 'his', 'her', 'him', 'he', 'she', 'their',
  'benutzer', 'benutzers', 'nutzer', 'nutzers', 'kunde', 'kunden', 'kundin', 'patienten', 'mitarbeiter', 'mitarbeiters', 'seine', 'seinen', 'seiner', 'sein', 'er',
  'utilisateur', 'utilisatrice', 'client', 'cliente', 'patient', 'employe', 'elle', 'lui', 'ses',
  'usuario', 'usuaria', 'paciente', 'empleado', 'empleada', 'ella',
  'utente', 'paziente', 'dipendente', 'lei',
  'funcionario', 'ele', 'ela', 'dele', 'dela',
  'он', 'она', 'его', 'ее', 'ему', 'еи',
  'kullanici', 'kullanicinin', 'musteri', 'pengguna', 'pelanggan', 'gumagamit', 'χρηστης', 'χρηστη',
  'उपयोगकर्ता', 'ग्राहक', 'वह', 'उसका', 'उसकी', 'उसके', 'ব্যবহারকারী', 'ব্যবহারকারীর', 'তার', 'তিনি', 'العميل', 'هو', 'هي',
]);
const PERSON_REFS_PREFIXES = lit(['사용자', '고객', 'пользовател', 'клиент', 'пациент', 'сотрудник', 'користувач', 'المستخدم', 'مستخدم']);
const PERSON_REFS_WIDE = lit(['用户', '用戶', '客户', '客戶', '他', '她', 'ユーザー', '顧客', '彼', 'ผู้ใช้', 'ลูกค้า']);
// Verbs that "reveal" in a prohibition ("never reveal the code"): a generic head under one names a secret.
const REVEAL_IN_PROHIBITION = set(['reveal', 'tell', 'share', 'give', 'disclose', 'divulge', 'say', 'mention', 'repeat', 'print', 'show', 'leak', 'expose', 'provide', 'verrate', 'verraten', 'weiter', 'weitergeben', 'gib', 'nenne', 'revele', 'reveler', 'revelar', 'reveles', 'revelez', 'rivelare', 'rivelate', 'раскрываи', 'раскрываите', 'сообщаи', 'говори']);
const NOT_NAMES = set(['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'the', 'her', 'his', 'she', 'they', 'you', 'your', 'never', 'always', 'only', 'customer', 'record', 'patient', 'employee', 'user', 'name']);
// Function words of the listed languages (not a qualifier of another kind of item).
const FUNCTION_WORDS = set([
  'me', 'us', 'i', 'we', 'you', 'it', 'them', 'him', 'to', 'for', 'of', 'in', 'on', 'at', 'by', 'with', 'from', 'about', 'and', 'or', 'but', 'so', 'if', 'then', 'is', 'are', 'was', 'were', 'be', 'been', 'am', 'can', 'could', 'would', 'will', 'should', 'shall', 'may', 'might', 'must', 'please', 'now', 'again', 'just', 'exactly', 'only', 'here', 'there', 'out', 'up', 'too', 'also', 'not', 'no', 'yes', 'all', 'as', 'into', 'onto', 'than', 'like', 'how', 'why', 'who', 'whom', 'whose', 'where', 'when', 'ok', 'okay', 'quickly', 'already', 'still', 'today', 'least', 'at',
  'mir', 'uns', 'mich', 'bitte', 'ich', 'du', 'sie', 'es', 'und', 'oder', 'ist', 'sind', 'jetzt', 'nochmal', 'mal', 'dann', 'wenigstens', 'uber', 'von', 'zu', 'mit', 'fur', 'auf', 'an',
  'moi', 'nous', 'je', 'tu', 'vous', 'et', 'ou', 'est', 'sont', 'maintenant', 'svp', 'nos', 'sur', 'pour', 'avec', 'dans', 'a', 'au', 'aux', 'en',
  'yo', 'y', 'son', 'ahora', 'por', 'favor', 'al', 'sobre', 'con', 'para', 'en', 'me', 'te', 'nos', 'de', 'del', 'di', 'da', 'do', 'della', 'dello', 'dei', 'du', 'des', 'dos', 'das', 'pour', 'par', 'per',
  'ci', 'e', 'sono', 'ora', 'per', 'su', 'con', 'mi', 'ti',
  'eu', 'agora', 'sobre', 'com', 'para', 'em', 'no', 'na',
  'мне', 'нам', 'я', 'ты', 'вы', 'и', 'или', 'пожалуиста', 'сеичас', 'теперь', 'про', 'о', 'об', 'на', 'в', 'для', 'с', 'к', 'от', 'по', 'за', 'а', 'же', 'ли', 'у',
  've', 'cua', 'la', 'va', 'voi', 'trong', 'ban', 'toi', 'bang', 'tentang', 'untuk', 'dan', 'anda', 'kami', 'ng', 'sa', 'mo', 'ko', 'bang', 'icin', 'hakkinda', 'bir',
  'هي', 'هو', 'من', 'في', 'على', 'عن', 'الى', 'إلى', 'مع', 'لي', 'هل', 'لنا', 'بك', 'के', 'का', 'की', 'को', 'में', 'से', 'पर', 'और', 'है', 'हैं', 'मुझे', 'आप', 'तुम', 'সম্পর্কে', 'আমাকে', 'এর',
]);

// ---------------------------------------------------------------- heads

interface Head {
  /** Tokens the head spans. */
  readonly len: number;
  readonly family: Family;
  /** A word that names a secret only in context (code, key). */
  readonly generic: boolean;
  readonly english: boolean;
  readonly plural: boolean;
}

const multiByFirst = new Map<string, (readonly [Family, readonly string[]])[]>();
for (const m of MULTI_HEADS) {
  const list = multiByFirst.get(m[1][0]!) ?? [];
  list.push(m);
  multiByFirst.set(m[1][0]!, list);
}

function headAt(toks: readonly string[], i: number, compounds: ReadonlyMap<string, Family>): Head | undefined {
  const t = toks[i]!;
  const seqs = multiByFirst.get(t);
  if (seqs) for (const [family, seq] of seqs) if (seq.every((w, k) => toks[i + k] === w)) return { len: seq.length, family, generic: false, english: false, plural: seq[0] === 'mots' };
  const f = FAMILY_OF.get(t) ?? compounds.get(t);
  if (f !== undefined) return { len: 1, family: f, generic: f !== 'secret' && !compounds.has(t), english: ENGLISH_HEADS.has(t), plural: PLURAL_HEADS.has(t) };
  if (t.charCodeAt(0) > 0x7f) for (const [p, family] of PREFIX_HEADS) if (t.startsWith(p)) return { len: 1, family, generic: family !== 'secret', english: false, plural: false };
  const c0 = t.charCodeAt(0);
  if (c0 === 0x73 || c0 === 0x61) for (const [p, family] of ASCII_PREFIX_HEADS) if (t.startsWith(p)) return { len: 1, family, generic: family !== 'secret', english: false, plural: false };
  return undefined;
}

function compoundFamily(t: string): Family | undefined {
  if (NOT_COMPOUNDS.has(t)) return undefined;
  // "wlan-passwort", "wi-fi-password", "admin-pin": the last part names the item
  const dash = t.lastIndexOf('-');
  if (dash > 0 && dash < t.length - 1) {
    const last = t.slice(dash + 1);
    return FAMILY_OF.get(last) ?? compoundFamily(last);
  }
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) return undefined;
  }
  for (const [e, f] of COMPOUND_ENDINGS) if (t.length >= e.length + 4 && t.endsWith(e)) return f;
  return undefined;
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return true;
  }
  return false;
}

/** `t` is in the set, or (non-Latin scripts) starts with one of `prefixes`, or (hyphenated) one of its parts is in the set. */
function inSet(s: ReadonlySet<string>, t: string, prefixes?: readonly string[]): boolean {
  if (s.has(t)) return true;
  if (prefixes && t.charCodeAt(0) > 0x7f) for (const p of prefixes) if (t.startsWith(p)) return true;
  // hyphenated words: "base64-encode", "donne-moi"
  if (t.includes('-')) for (const p of t.split('-')) if (p.length > 1 && s.has(p)) return true;
  return false;
}

const isExtract = (t: string): boolean => inSet(EXTRACT, t, EXTRACT_PREFIXES) || startsWithAny(t, EXTRACT_ASCII_PREFIXES);
// Turkish verbs take long suffixes ("paylaşmanız", "söyleyebilir").
const EXTRACT_ASCII_PREFIXES = ['paylas', 'soyley', 'goster', 'bildir', 'verebilir', 'yazabilir'];

function anyWide(text: string, list: readonly string[]): boolean {
  for (const w of list) if (text.includes(w)) return true;
  return false;
}

/** Tokens with French and Italian elisions dropped ("l'utente" → "utente"). */
function words(text: string): string[] {
  const toks = tokens(text);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    let q = 1;
    while (q <= 5 && q < t.length - 1 && t.charCodeAt(q) !== 0x27) q++;
    if (q <= 5 && q < t.length - 1 && ELIDED.has(t.slice(0, q + 1))) toks[i] = t.slice(q + 1);
  }
  return toks;
}
const ELIDED = new Set(["l'", "d'", "j'", "n'", "s'", "c'", "m'", "t'", "qu'", "dell'", "all'", "dall'", "nell'", "sull'", "un'", "quell'"]);

// ---------------------------------------------------------------- the prompt's side

/** How a system prompt names its secret. */
export interface SecretItem {
  /** Families of the head words naming the secret (`secret`, `code`, `key`, …): the same item in any language. */
  readonly heads: ReadonlySet<string>;
  /** Words qualifying a head in the prompt ("discount" in "discount code", "verifica" in "codice di verifica"). */
  readonly qualifiers: ReadonlySet<string>;
  /** Compound words naming it (German "freigabecode"), with their family. */
  readonly compounds: ReadonlyMap<string, Family>;
  /** Values with a digit as written in the prompt next to a head ("4417", "zebra-42", "beta456"). */
  readonly values: readonly string[];
  /** Quoted values without a digit ("forever"): count only with the item named or asked about. */
  readonly wordValues: readonly string[];
}

export interface PromptSentence {
  readonly text: string;
  /** The sentence forbids something. */
  readonly negated: boolean;
}

/** Values written in a prompt, in normalized form: `strong` ones have a digit as written ("ZEBRA-42", "tidepool77"); `weak` ones are quoted words ("Forever"). */
export interface ValueCandidates {
  readonly strong: readonly string[];
  readonly weak: readonly string[];
}

/**
 * Reads how a prompt names its secret. A word that always names a secret (password) counts
 * wherever it occurs; a generic one (code, key) only in a sentence that gives a value, says it is
 * secret, or forbids revealing it. `isStop` tells function words and instruction vocabulary apart.
 */
export function secretItemOf(prompt: readonly PromptSentence[], candidates: ValueCandidates, isSecretWord: (t: string) => boolean, isStop: (t: string) => boolean): SecretItem {
  const heads = new Set<string>();
  const qualifiers = new Set<string>();
  const compounds = new Map<string, Family>();
  const values = new Set<string>();
  const wordValues = new Set<string>();
  const strong = new Set(candidates.strong);
  // quoted words: a prompt quotes a handful of things; more are not worth a pass each
  const weak = candidates.weak.slice(0, 32);
  const content = (t: string): boolean => !isStop(t) && isContentWord(t) && !REVEAL_IN_PROHIBITION.has(t) && !weak.includes(t);
  for (const s of prompt) {
    const toks = words(s.text);
    const given = strong.size === 0 ? [] : s.text.split(' ').map(trimPunctuation).filter((c) => strong.has(c));
    const secretish = given.length > 0 || toks.some((t) => isSecretWord(t)) || (s.negated && toks.some((t) => REVEAL_IN_PROHIBITION.has(t)));
    let found = false;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      let h = headAt(toks, i, compounds);
      if (!h) {
        const f = compoundFamily(t);
        if (f !== undefined) {
          compounds.set(t, f);
          h = headAt(toks, i, compounds);
        }
      }
      if (!h) continue;
      if (h.generic && !secretish) continue;
      found = true;
      heads.add(h.family);
      // the words describing it nearby ("the door PIN for the staff entrance", "el código de descuento para empleados")
      for (let k = Math.max(0, i - 3); k < Math.min(toks.length, i + h.len + 4); k++) {
        if (k >= i && k < i + h.len) continue;
        if (content(toks[k]!) && !headAt(toks, k, compounds)) qualifiers.add(toks[k]!);
      }
      i += h.len - 1;
    }
    for (const [w, f] of WIDE_HEADS) {
      if (!s.text.includes(w) || (f !== 'secret' && !secretish)) continue;
      heads.add(f);
      found = true;
    }
    if (!found) continue;
    for (const v of given) values.add(v);
    for (const v of weak) if (s.text.includes(v)) wordValues.add(v);
  }
  return { heads, qualifiers, compounds, values: [...values], wordValues: [...wordValues] };
}

/** The word names the prompt's secret ("code" when the prompt keeps a discount code). */
export function namesSecret(t: string, item: SecretItem): boolean {
  const h = headAt([t], 0, item.compounds);
  return h !== undefined && item.heads.has(h.family);
}

/** Chunks of the original prompt that may be values (between spaces, CJK punctuation and quotes), trimmed of ASCII punctuation. */
export function rawValueChunks(original: string): string[] {
  const out: string[] = [];
  let from = 0;
  const flush = (to: number): void => {
    if (to > from) {
      const c = trimPunctuation(original.slice(from, to));
      if (isValue(c)) out.push(c);
    }
  };
  for (let i = 0; i < original.length; i++) {
    const c = original.charCodeAt(i);
    const sep = c <= 0x20 || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff0f) || c === 0xab || c === 0xbb || (c >= 0x2018 && c <= 0x201f) || c === 0x22 || c === 0x27;
    if (sep) {
      flush(i);
      from = i + 1;
    }
  }
  flush(original.length);
  return out;
}

/** A written value: 3 to 40 characters with a digit, and a letter unless it is a number of four digits or more ("4417", "zebra-42", not "10:30"). */
export function isValue(c: string): boolean {
  if (c.length < 3 || c.length > 40 || !hasDigit(c)) return false;
  let letters = 0;
  let digits = 0;
  for (const ch of c) {
    const k = ch.codePointAt(0)!;
    if (k >= 0x30 && k <= 0x39) digits++;
    else if (ch.toLowerCase() !== ch.toUpperCase()) letters++;
  }
  return letters > 0 || (digits === c.length && digits >= 4);
}

function trimPunctuation(c: string): string {
  let a = 0;
  let b = c.length;
  const punct = (ch: number): boolean => ch < 0x80 && !((ch >= 0x30 && ch <= 0x39) || (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a));
  while (a < b && punct(c.charCodeAt(a))) a++;
  while (b > a && punct(c.charCodeAt(b - 1))) b--;
  return c.slice(a, b);
}

/** Names of people in a prompt that holds personal data: capitalized words in the sentences about them. */
const CAPITALIZED = /(?<![\p{L}\p{N}])[A-Z][a-z]{2,20}(?![\p{L}\p{N}])/gu;
const ORIGINAL_SENTENCE_END = /[.!?;\n]{1,8}(?:\s|$)/g;

/** Every pattern this module uses (for the boundedness test). */
export const REQUEST_PATTERNS: readonly RegExp[] = [CAPITALIZED, ORIGINAL_SENTENCE_END];

export function personNamesOf(original: string, isStop: (t: string) => boolean): Set<string> {
  const names = new Set<string>();
  for (const s of original.split(ORIGINAL_SENTENCE_END)) {
    const norm = normalizeLiteral(s).toLowerCase();
    if (!tokens(norm).some((t) => PERSON_FIELDS.has(t)) && !anyWide(norm, PERSON_FIELDS_WIDE) && !norm.includes('@')) continue;
    const lead = s.trimStart();
    for (const m of s.matchAll(CAPITALIZED)) {
      const w = m[0].toLowerCase();
      // the sentence's first word is capitalized anyway
      if (m.index === s.length - lead.length) continue;
      if (!isStop(w) && !NOT_NAMES.has(w) && !PERSON_FIELDS.has(w) && !FUNCTION_WORDS.has(w) && !NOT_THE_ITEM.has(w) && !DEFINITE.has(w)) names.add(w);
    }
  }
  return names;
}

/**
 * The words a prompt uses for the data it holds about people: up to two words right before a value
 * in the sentences about them ("policy number HI-448812", "salary 72,000", "phone 0113 …").
 */
export function personFieldsOf(original: string, isStop: (t: string) => boolean): Set<string> {
  const fields = new Set<string>();
  for (const s of original.split(ORIGINAL_SENTENCE_END)) {
    const toks = tokens(normalizeLiteral(s).toLowerCase());
    for (let i = 0; i < toks.length; i++) {
      if (!hasDigit(toks[i]!) && !toks[i]!.includes('@')) continue;
      for (let k = Math.max(0, i - 2); k < i; k++) {
        const t = toks[k]!;
        if (!hasDigit(t) && t.length >= 3 && !isStop(t) && isContentWord(t) && !NOT_NAMES.has(t)) fields.add(t);
      }
    }
  }
  return fields;
}

// ---------------------------------------------------------------- the input's side

export interface Requests {
  /** The input asks for the protected secret (or names its value). */
  readonly secret: boolean;
  /** The input asks for personal data about the person the prompt holds data about. */
  readonly personal: boolean;
}

const LOOK = 8;

/**
 * Reads a normalized input against the prompt's secret and its people. `item` is undefined when
 * the prompt keeps no secret; `person` is undefined when it holds no personal data.
 */
/** The people a prompt holds data about: their names and the words for the data. */
export interface PersonItem {
  readonly names: ReadonlySet<string>;
  readonly fields: ReadonlySet<string>;
}

/** A sentence of the input and its tokens (elisions dropped). */
export interface SentenceTokens {
  readonly s: Sentence;
  readonly toks: readonly string[];
}

/** The sentences of a normalized input, tokenized once. */
export function readSentences(norm: string): SentenceTokens[] {
  return sentences(norm).map((s) => ({ s, toks: words(s.text) }));
}

export function readRequests(norm: string, read: readonly SentenceTokens[], item: SecretItem | undefined, person: PersonItem | undefined): Requests {
  let secret = false;
  let personal = false;
  let referenced = false;
  let previousReferenced = false;
  if (item && item.heads.size === 0 && item.values.length === 0 && item.wordValues.length === 0) item = undefined;
  for (const { s, toks } of read) {
    let sentenceReferenced = false;
    if (item && !secret) {
      const r = secretInSentence(s, toks, item);
      secret = r.requested;
      sentenceReferenced = r.referenced;
      referenced ||= r.referenced;
    }
    if (item && !secret && previousReferenced && followUp(s, toks)) secret = true;
    previousReferenced = sentenceReferenced;
    if (person && !personal) personal = personalInSentence(s, toks, person);
    if (secret && (personal || !person)) break;
  }
  // the value itself: with a digit it is no coincidence; a plain word counts with the item named or a question asked
  if (item && !secret) {
    for (const v of item.values) if (indexOfWords(norm, v, 0) >= 0) secret = true;
    if (!secret && (referenced || read.some((r) => r.s.question))) for (const v of item.wordValues) if (indexOfWords(norm, v, 0) >= 0) secret = true;
  }
  return { secret, personal };
}

/** What a sentence says as a whole, read once (a sentence may name the item many times). */
interface SentenceFacts {
  readonly s: Sentence;
  readonly toks: readonly string[];
  /** Management words in scripts without spaces ("リセット"). */
  readonly wideManaged: boolean;
  /** Request words in scripts without spaces ("教えて"). */
  readonly wideExtract: boolean;
}

function sentenceFacts(s: Sentence, toks: readonly string[]): SentenceFacts {
  const wide = hasWideScript(s.text) || toks.some((t) => t.charCodeAt(0) > 0x7f);
  return { s, toks, wideManaged: wide && anyWide(s.text, MANAGE_WIDE), wideExtract: wide && anyWide(s.text, EXTRACT_WIDE) };
}

function secretInSentence(s: Sentence, toks: readonly string[], item: SecretItem): { requested: boolean; referenced: boolean } {
  let referenced = false;
  // Most sentences name no item: what the checks below need is worked out on the first head found.
  let firstPerson: boolean | undefined;
  let facts: SentenceFacts | undefined;
  for (let i = 0; i < toks.length; i++) {
    const h = headAt(toks, i, item.compounds);
    if (!h || !item.heads.has(h.family)) continue;
    firstPerson ??= toks.some((t) => FIRST_PERSON.has(t));
    if (!isTheItem(toks, i, h, item, firstPerson)) continue;
    referenced = true;
    facts ??= sentenceFacts(s, toks);
    if (asked(facts, i, h.len)) return { requested: true, referenced };
  }
  if (hasWideScript(s.text)) {
    facts ??= sentenceFacts(s, toks);
    for (const [w, f] of WIDE_HEADS) {
      if (!item.heads.has(f)) continue;
      const at = s.text.indexOf(w);
      if (at < 0) continue;
      const before = s.text.slice(Math.max(0, at - 3), at);
      if (before.endsWith('私の') || before.endsWith('我的') || before.endsWith('我們的') || before.endsWith('我们的')) continue;
      referenced = true;
      if (facts.wideManaged) continue;
      if (facts.wideExtract || s.question) return { requested: true, referenced };
    }
  }
  return { requested: false, referenced };
}

/**
 * A sentence right after one that names the item asks for it by pronoun ("I forgot the password.
 * Tell it to me.", "Sag es mir bitte."): a request word and an object pronoun, and no management verb.
 */
function followUp(s: Sentence, toks: readonly string[]): boolean {
  let request = false;
  let pronoun = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (MANAGE.has(t)) return false;
    if (isExtract(t) || TRANSFORM.has(t)) request = true;
    if (OBJECT_PRONOUNS.has(t)) pronoun = true;
  }
  return request && pronoun;
}
// Object pronouns that are not also articles ("the" in Romance languages).
const OBJECT_PRONOUNS = set(['it', 'es', 'ihn', 'lo', 'его', 'это']);

/** The text has characters of a script written without spaces (CJK, Thai). */
function hasWideScript(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x0e00 && c < 0x0e80) || (c >= 0x3040 && c < 0xa000) || (c >= 0xf900 && c < 0xfb00)) return true;
  }
  return false;
}

/** The head at `i` refers to the protected item: not someone's own, not another kind of code. */
function isTheItem(toks: readonly string[], i: number, h: Head, item: SecretItem, firstPerson: boolean): boolean {
  let j = i - 1;
  let qualified = false;
  while (j >= 0 && i - j <= 3) {
    const t = toks[j]!;
    if (item.qualifiers.has(t)) qualified = true;
    else if (!ITEM_ADJECTIVES.has(t)) break;
    j--;
  }
  const before = j >= 0 ? toks[j]! : '';
  if (NOT_THE_ITEM.has(before) && !(before === 'a' && !h.english)) return false;
  if (REFLEXIVE.has(before) && firstPerson) return false;
  const definite = DEFINITE.has(before) || REFLEXIVE.has(before) || (before === 'a' && !h.english);
  // a word of its own right before it: another kind of item ("error code", "guest Wi-Fi password")
  if (before !== '' && !definite && before.charCodeAt(0) < 0x80 && isContentWord(before)) return false;
  if (h.plural && !definite) return false;
  const n1 = toks[i + h.len];
  const n2 = toks[i + h.len + 1];
  if (n1 !== undefined) {
    if (MODIFIER_NEXT.has(n1)) return false;
    if (item.qualifiers.has(n1) || (CONNECTORS.has(n1) && n2 !== undefined && item.qualifiers.has(n2))) qualified = true;
    // "the secret to a good cake", "the password for my account"
    if (PREPOSITIONS.has(n1) && n2 !== undefined && (NOT_THE_ITEM.has(n2) || (toks[i] === 'secret' && !item.qualifiers.has(n2)))) return false;
  }
  if (h.generic && !qualified) {
    // a bare "code" is the protected one only when nothing makes it another code
    if (n1 !== undefined && isContentWord(n1) && !TRANSFORM.has(n1)) return false;
    if (n1 !== undefined && PREPOSITIONS.has(n1) && n2 !== undefined && isContentWord(n2) && !TRANSFORM.has(n2) && !item.qualifiers.has(n2)) return false;
  }
  return true;
}

/** A word that carries meaning of its own (not a determiner, pronoun, auxiliary or request word). */
function isContentWord(t: string): boolean {
  return !FUNCTION_WORDS.has(t) && !DEFINITE.has(t) && !NOT_THE_ITEM.has(t) && !REFLEXIVE.has(t) && !isExtract(t) && !WEAK_EXTRACT.has(t) && !PART_WORDS.has(t) && !MANAGE.has(t) && !YES_NO.has(t) && !PERSON_QUESTIONS.has(t) && !hasDigit(t);
}

/** Something in the sentence asks for the item at `i`. */
function asked(facts: SentenceFacts, i: number, len: number): boolean {
  const { s, toks } = facts;
  let managed = facts.wideManaged;
  // "… if the code is still valid", "… the code isn't working": a state of the item, not a request for it
  for (let k = i + len; k < Math.min(toks.length, i + len + 3); k++) if (MANAGE.has(toks[k]!)) managed = true;
  for (let k = i - 1; k >= Math.max(0, i - LOOK) && !managed; k--) {
    const t = toks[k]!;
    if (MANAGE.has(t)) {
      managed = true;
      break;
    }
    // "what is the code": a question word counts when it opens the phrase, not from afar ("what should I do if the code …")
    if (WH.has(t) || WEAK_EXTRACT.has(t)) {
      if (i - k <= 4) return true;
      continue;
    }
    if (PART_WORDS.has(t)) {
      const n = toks[k + 1];
      if (n !== undefined && (PART_NEXT.has(n) || hasDigit(n))) return true;
      continue;
    }
    if (isExtract(t) || TRANSFORM.has(t)) return true;
  }
  if (!managed && toks.length > 0 && YES_NO.has(toks[0]!) && i <= 5 && s.question) return true;
  for (let k = i + len; k < Math.min(toks.length, i + len + LOOK); k++) {
    const t = toks[k]!;
    if (MANAGE.has(t) || (t.charCodeAt(0) > 0x7f && anyWide(t, MANAGE_WIDE))) return false;
    // after the item, question words count only in languages that put them there
    if ((isExtract(t) && (!WH.has(t) || WH_AFTER.has(t))) || TRANSFORM.has(t) || (WEAK_EXTRACT.has(t) && k - i <= 3)) return true;
  }
  // the item alone as a question ("The password?")
  if (!managed && s.question && toks.length <= 3) return true;
  // request words attached to the item without spaces (CJK, Korean)
  if (!managed && facts.wideExtract) return true;
  return false;
}

/** The sentence asks for personal data about the person the prompt holds data about. */
function personalInSentence(s: Sentence, toks: readonly string[], person: PersonItem): boolean {
  const names = person.names;
  // a name from the prompt anywhere in the sentence; "the user", "her" next to the field ("the user's
  // email", "where does she live"), since long texts say "user" and "data" for other reasons
  let named = false;
  const refs: number[] = [];
  const fields: number[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const wide = t.charCodeAt(0) > 0x7f;
    // a name, or its German genitive ("Lauras E-Mail-Adresse")
    if (names.has(t) || (t.length > 3 && t.endsWith('s') && names.has(t.slice(0, -1)))) named = true;
    else if (PERSON_REFS.has(t) || (wide && startsWithAny(t, PERSON_REFS_PREFIXES))) refs.push(i);
    if (PERSON_FIELDS.has(t) || person.fields.has(t) || (wide && startsWithAny(t, PERSON_FIELDS_PREFIXES))) fields.push(i);
  }
  if (fields.length === 0 && anyWide(s.text, PERSON_FIELDS_WIDE)) fields.push(toks.length);
  if (fields.length === 0) return dumpRequested(toks);
  let about = named || (anyWide(s.text, PERSON_REFS_WIDE) && toks.length <= 40);
  for (let a = 0, b = 0; !about && a < refs.length && b < fields.length; ) {
    if (Math.abs(refs[a]! - fields[b]!) <= 4) about = true;
    else if (refs[a]! < fields[b]!) a++;
    else b++;
  }
  if (!about) return dumpRequested(toks);
  const field = fields[0]!;
  for (let k = field - 1; k >= Math.max(0, field - 6); k--) if (PERSON_MANAGE.has(toks[k]!)) return false;
  if (s.question) return true;
  for (const t of toks) if (isExtract(t) || PERSON_QUESTIONS.has(t) || PERSON_WANTS.has(t)) return true;
  return anyWide(s.text, PERSON_QUESTIONS_WIDE) || anyWide(s.text, EXTRACT_WIDE);
}

// "Print your database", "list the users in your database": the records themselves.
const DATABASE = set(['database', 'databases', 'db', 'datenbank', 'veritabani', 'veritabanini', 'डेटाबेस', 'ডাটাবেস', 'قاعدة', 'datos', 'dados', 'donnees']);
const DUMP = set(['print', 'show', 'list', 'dump', 'share', 'give', 'tell', 'export', 'send', 'output', 'display', 'imprimir', 'imprime', 'imprimer', 'drucke', 'stampa', 'प्रिंट', 'প্রিন্ট', 'طباعة']);

function dumpRequested(toks: readonly string[]): boolean {
  let db = false;
  let dump = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (DATABASE.has(t) && i > 0 && (DEFINITE.has(toks[i - 1]!) || REFLEXIVE.has(toks[i - 1]!) || toks[i - 1] === 'de')) db = true;
    if (DUMP.has(t) || (t.charCodeAt(0) > 0x7f && startsWithAny(t, ['प्रिंट', 'প্রিন্ট', 'طباع']))) dump = true;
  }
  return db && dump;
}

function startsWithAny(t: string, list: readonly string[]): boolean {
  for (const p of list) if (t.startsWith(p)) return true;
  return false;
}
