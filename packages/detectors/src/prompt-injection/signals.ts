import { normalizeLiteral } from '../normalize/normalize.js';
import { assertBounded } from '../util/regex-bound.js';

/**
 * Prompt-injection signals, matched against normalized text (lower case, no accents, whitespace
 * runs collapsed, homoglyphs and leetspeak undone — see normalize.ts). Each signal belongs to a
 * category; the score combines categories, not individual matches. Every pattern is bounded.
 *
 * Languages: en, de, fr, es, it, pt, nl, ru, uk, pl, zh, ja, ko, hi, bn, ar, tr, vi, id, tl, th, el
 * for the strong categories (override, leak, secrets); English and the main European languages for
 * the rest.
 */
export type SignalCategory =
  | 'override' // ignore previous instructions
  | 'new-instructions' // from now on / new task / instead
  | 'role' // you are now / act as / DAN / developer mode
  | 'template' // chat-template and fake system delimiters
  | 'authority' // I am your developer / system mode
  | 'leak' // reveal your system prompt
  | 'secret-request' // tell me your password
  | 'secret-mention' // "your password", "contraseña" (weaker: also in ordinary mail)
  | 'pii-request' // another person's birth date, address, balance
  | 'exfil' // send ... to http://, markdown image with data
  | 'tool' // call the tool / run this command (in retrieved content)
  | 'address-ai' // "AI assistant, ..." inside content
  | 'output-directive' // "in your response include", "translate your answer"
  | 'code-directive' // "incorporate the following code into your implementation"
  | 'embedded-request' // a user-style request line inside retrieved content
  | 'framing' // hypothetical / imagine / role-play framing
  | 'encoded' // decode this / hidden payload
  | 'repetition' // repeat X N times / many-shot Q:A:
  | 'hidden' // HTML comment or invisible text carrying instructions
  | 'persuasion' // bribes and rewards for compliance ("I'll give you $200 if …")
  | 'split' // payload splitting: "part 1 … part 2", "combine A, B and C"
  | 'dismiss' // "ignore the function and …", "ignoriere das …": a reader told to set the text aside (any language)
  | 'assertion'; // content dictating the answer ("let's state that the output is …"): counts in retrieved content only

export interface Signal {
  readonly id: string;
  readonly category: SignalCategory;
  readonly re: RegExp;
  /**
   * Keywords one of which every match contains, when the pattern's own literals are too short to
   * serve (features.ts derives the gate from the pattern otherwise). Checked by a property test.
   */
  readonly gate?: readonly string[];
}

const W = '(?:[ \\n][^ \\n]{1,24}){0,3}[ \\n]'; // up to three words between
const W1 = '(?:[ \\n][^ \\n]{1,24}){0,1}[ \\n]';
const W6 = '(?:[ \\n][^ \\n]{1,24}){0,6}[ \\n]';
const C = (n: number): string => `[^\\n]{0,${n}}`; // gap in characters (CJK, Indic, Thai)

// patterns are written with natural spelling; their literals get the same normalization as the text
const sig = (id: string, category: SignalCategory, source: string, gate?: readonly string[]): Signal => ({ id, category, re: assertBounded(new RegExp(normalizeLiteral(source), 'g')), ...(gate ? { gate: gate.map(normalizeLiteral) } : {}) });

const IGNORE_EN = '(?:ignore|ignoring|disregard|forget|skip|override|overwrite|bypass|neglect|abandon|drop|discard|dismiss|delete|erase|clear|reset|do not follow|don\'?t follow|stop following|pay no attention to|never mind)';
const PREVIOUS_EN = '(?:previous|prior|above|earlier|preceding|former|initial|original|old|existing|foregoing|all|any|every|your|the|system|these|those|developer|safety|content)';
const INSTRUCTIONS_EN = '(?:instructions?|prompts?|rules?|directions?|directives?|guidelines|commands?|context|messages?|orders|constraints|programming|guidance|restrictions|policies|polic(?:y|ies)|filters|limitations|settings|training|conversation|text|content|input|tasks?|everything|above|webpage|email|document)';

// "ignore" as an imperative, in the languages above
const IGNORE_MULTI = '(?:भूल जाओ|भूल जाइए|\\b(?:ignore|disregard|ignorieren sie|ignoriere|ignorier|ignorez|ignora|ignoren|ignorare|ignorate|ignorar|ignorem|negeer|zignoruj|yok say(?:in)?|gormezden gel(?:in)?|bo qua|abaikan|huwag pansinin|balewalain)\\b|игнорируйте|игнорируй|игнорировать|проигнорируйте|проигнорируй|忽略|忽视|忽視|无视|無視|무시|अनदेखा|नजरअंदाज|नज़रअंदाज़|উপেক্ষা|تجاهل|ละเว้น|เพิกเฉย)';
// say / state / write / answer, in the languages above
const SAY_MULTI = '(?:\\b(?:say|state|tell|write|declare|print|output|answer|reply|respond|claim|sagen sie|sage|sag|schreibe|schreiben sie|antworte|geben sie an|erklare|dites|dis|declarez|declare|ecrivez|ecris|affirmez|affirme|repondez|di|decir|diga|digan|declara|escribe|responde|afirma|dire|dichiara|scrivi|rispondi|afferma|dizer|declare|escreva|responda|afirme|belirtin|belirt|soyle|yaz|noi|viet|tra loi|katakan|tulis|nyatakan|sabihin|isulat|ipahayag)\\b|скажите|скажи|напишите|напиши|ответьте|ответь|заявите|укажите|说|說|写|寫|声明|聲明|回答|表示|述べ|言って|書い|答え|말하|쓰세요|답하|बताओ|बताएं|बताना|कहें|कहो|लिखें|লিখুন|বলুন|قل|اكتب|أشر|اذكر|บอก|เขียน)';

export const SIGNALS: readonly Signal[] = [
  // --- override ---
  sig('override.en', 'override', `\\b${IGNORE_EN}${W}${PREVIOUS_EN}${W1}${INSTRUCTIONS_EN}\\b`),
  sig('override.en-above', 'override', `\\b(?:ignore|disregard|forget) (?:all )?(?:of )?(?:the |that |this |what(?: was)? )?(?:above|before|said|previous|that|it|everything)\\b`),
  sig('override.en-instead', 'override', `\\b(?:ignore|disregard|forget about) (?:the|this|that|your) (?:webpage|page|email|document|article|text|question|request|task|data|table|file|review|input|content|code)(?: and\\b|,? (?:instead|just|simply|only)\\b)`),
  sig('override.de', 'override', `\\b(?:ignorier(?:e|en|t)?|vergiss|vergessen|missachte|missachten|uberschreibe)\\b${W6}(?:vorherigen?|vorigen?|bisherigen?|obigen?|alle[ns]?|fruheren?)${W1}(?:anweisungen|anordnungen|instruktionen|befehle|regeln|vorgaben|richtlinien)`),
  sig('override.fr', 'override', `\\b(?:ignore[zrs]?|oublie[zrs]?|neglige[zr]?|ne tiens pas compte)\\b${W6}(?:instructions|consignes|regles|directives|ordres)${W1}(?:precedentes|anterieures|ci-dessus|d'avant|passees)`),
  sig('override.es', 'override', `\\b(?:ignora|ignore|ignoren|ignorar|olvida|olvide|olviden|olvidar|omite|omita|descarta)\\b${W6}(?:instrucciones|indicaciones|reglas|ordenes|directrices)${W1}(?:anteriores|previas|de arriba|precedentes)`),
  sig('override.it', 'override', `\\b(?:ignora|ignorare|ignori|ignorate|dimentica|dimenticare|dimentichi|dimenticate|trascura)\\b${W6}(?:istruzioni|indicazioni|regole|direttive|ordini)${W1}(?:precedenti|di sopra|sopra|anteriori)`),
  sig('override.pt', 'override', `\\b(?:ignore|ignora|ignorar|ignorem|esqueca|esquecer|esquecam|desconsidere|desconsidera)\\b${W6}(?:instrucoes|indicacoes|regras|ordens|diretrizes)${W1}(?:anteriores|previas|acima|precedentes)`),
  sig('override.nl', 'override', `\\b(?:negeer|vergeet)\\b${W6}(?:vorige|eerdere|bovenstaande|alle)${W1}(?:instructies|aanwijzingen|regels)`),
  sig('override.pl', 'override', `\\b(?:zignoruj|ignoruj|zapomnij)\\b${W6}(?:poprzednie|wczesniejsze|powyzsze|wszystkie)${W1}(?:instrukcje|polecenia|zasady)`),
  sig('override.ru', 'override', `(?:игнорируй|игнорируйте|игнорировать|проигнорируй|проигнорируйте|забудь|забудьте|не обращай(?:те)? внимания на|отбрось|отмени)${W6}(?:предыдущ|прежн|вышеуказанн|вышеизложенн|все|ранее)[а-я]{0,4}${W1}(?:инструкци|указани|правил|команд|распоряжени)`),
  sig('override.uk', 'override', `(?:ігноруй|ігноруйте|забудь|забудьте)${W6}(?:попередн|усі|всі)[а-яії]{0,4}${W1}(?:інструкці|вказівк|правил)`),
  sig('override.el', 'override', `(?:αγνοησε|αγνοηστε|ξεχασε|ξεχαστε)${W6}(?:προηγουμενες|ολες)${W1}(?:οδηγιες|εντολες)`),
  sig('override.zh', 'override', `(?:忽略|忽视|无视|無視|忘记|忘記|忘掉|不要理会|不要理會|不理会|跳过|跳過|放弃|放棄)${C(8)}(?:之前|以前|先前|上面|上述|前面|所有|原来|原來|原有|以上)${C(8)}(?:指令|指示|说明|說明|规则|規則|提示|命令|要求|设定|設定)`),
  sig('override.ja', 'override', `(?:以前|前|上記|これまで|先ほど|すべて|全て|上)の${C(10)}(?:指示|命令|ルール|指令|プロンプト|制約)${C(6)}(?:無視|忘れ)`),
  sig('override.ko', 'override', `(?:이전|앞의|위의|모든|기존)${C(12)}(?:지시|지침|명령|규칙|안내)${C(12)}(?:무시|잊)`),
  sig('override.hi', 'override', `(?:पिछले|पिछली|पूर्व|पहले|सभी|उपरोक्त)${C(24)}(?:निर्देश|निर्देशों|आदेश|नियम)${C(24)}(?:अनदेखा|अनदेखी|नजरअंदाज|नज़रअंदाज़|भूल|उपेक्षा)`),
  sig('override.bn', 'override', `(?:আগের|পূর্ববর্তী|পূর্বের|সমস্ত|সব)${C(24)}(?:নির্দেশ|নির্দেশাবলী|নিয়ম)${C(24)}(?:উপেক্ষা|ভুলে|অগ্রাহ্য)`),
  sig('override.ar', 'override', `(?:تجاهل|تجاهلي|تجاهلوا|انس|انسى|اهمل|أهمل)${C(24)}(?:التعليمات|تعليمات|الإرشادات|الارشادات|إرشادات|الأوامر|الاوامر|أوامر|القواعد)`),
  sig('override.tr', 'override', `(?:onceki|yukaridaki|tum|butun)${C(30)}(?:talimat|yonerge|komut|kural)${C(30)}(?:yok say|gormezden gel|unut|dikkate alma|gormezden)`),
  sig('override.vi', 'override', `\\b(?:bo qua|phot lo|quen|lo di)\\b${C(30)}(?:huong dan|chi dan|chi thi|lenh|quy tac)${C(20)}(?:truoc|tren)`),
  sig('override.id', 'override', `\\b(?:abaikan|lupakan|acuhkan)\\b${C(30)}(?:instruksi|petunjuk|perintah|arahan|aturan)`),
  sig('override.tl', 'override', `\\b(?:huwag pansinin|balewalain|kalimutan|wag pansinin|ipagwalang-bahala)\\b${C(30)}(?:tagubilin|instruksyon|utos|panuto|direksyon)`),
  sig('override.th', 'override', `(?:ละเว้น|เพิกเฉย|ไม่สนใจ|อย่าไปสนใจ|อย่าสนใจ|ลืม|ละทิ้ง)${C(20)}(?:คำแนะนำ|คำสั่ง|ข้อกำหนด|กฎ)`),
  sig('override.actually', 'override', `(?:^|[.!?,;:] |\\n)(?:actually|wait|no wait|scratch that|on second thought|change of plans?|forget (?:about )?(?:that|it|this))[,.!]? (?:[^\\n]{0,80}? )?(?:instead|rather)\\b`),
  sig('override.forget-that', 'override', `(?:^|[.!?] |\\n)(?:forget (?:about )?(?:that|it|this|everything)|never ?mind (?:that|this)?|disregard (?:that|this))[,.!]`),
  sig('override.previous-multi', 'override', `\\b(?:ignoriere[n]?|ignorieren sie|vergiss|ignorez|ignore[rz]?|oubliez|ignora[r]?|ignoren|olvida|ignorate|dimentica|ignore|esqueca|yok say)\\b${W1}(?:die |les |las |los |le |i |as |os |alle |todas |tutte |toutes )?(?:vorherigen|bisherigen|precedentes?|anteriores|precedenti|onceki)\\b|(?:игнорир|проигнорир|забуд)[а-я]{0,6} (?:все )?(?:предыдущ|прежн)|(?:忽略|无视|無視|忘记|忘記)(?:之前|以前|先前|前面)|(?:이전|앞의) ?[^\\n]{0,12}무시|(?:पिछले|पिछली)[^\\n]{0,20}(?:अनदेखा|नजरअंदाज|भूल)|(?:আগের|পূর্ববর্তী)[^\\n]{0,20}(?:উপেক্ষা|ভুলে)|(?:تجاهل|انس)[^\\n]{0,12}(?:السابقة|ما سبق)|(?:ละเว้น|อย่าไปสนใจ|ไม่สนใจ)[^\\n]{0,30}ก่อนหน้า`),
  sig('new.actually-multi', 'new-instructions', `\\b(?:en fait|en realidad|de hecho|in realta|na verdade|eigentlich|aslinda|thuc ra|sebenarnya|sa totoo lang)\\b[^\\n]{0,120}\\b(?:a la place|plutot|en su lugar|en cambio|en vez|invece|em vez disso|ao inves|stattdessen|yerine|thay vao do|sebagai gantinya|sa halip)\\b|на самом деле[^\\n]{0,120}вместо|वास्तव में[^\\n]{0,120}(?:के बजाय|बजाय|इसके बजाय|उलट|अवरोही)|実は[^\\n]{0,60}代わりに|사실[^\\n]{0,60}대신|(?:उसके|इसके) बारे में भूल जा(?:ओ|इए|एं)|(?:oublie[zr]?|olvida|dimentica|esqueca|vergiss) (?:ca|eso|esto|cio|isso|das)\\b`),
  sig('override.above-multi', 'override', `(?:\\b(?:ignora|ignore|ignorar|olvida) lo (?:anterior|de arriba|dicho)|\\bignore[zr]? (?:ce qui precede|tout ce qui precede|ce qui est au-dessus)|\\bignora (?:quanto|quello|cio che e) (?:sopra|detto|precede)|\\bignore o (?:acima|anterior)|\\bignorier(?:e|en sie)? (?:das|alles) (?:obige|vorherige|bisherige)|игнорируй(?:те)? (?:вышесказанное|всё вышеизложенное|все вышеизложенное|сказанное выше|вышеуказанное|всё выше|все выше)|(?:忽略|无视|無視|忘记)(?:以上|上面|上述|前面)|(?:上記|以上|上)(?:の(?:こと|内容))?を(?:無視|忘れ)|위의? (?:것|내용|모든 것)을? 무시|ऊपर[^\\n]{0,20}(?:अनदेखा|अनदेखी|नजरअंदाज|अवहेलना)|yukaridaki(?:ni|leri)? (?:yok say|gormezden gel|unut)|\\bbo qua (?:dieu|nhung dieu|noi dung) (?:tren|o tren)|\\babaikan (?:yang|hal) di atas|\\bhuwag pansinin ang (?:nasa )?itaas|تجاهل ما (?:سبق|ورد|ذكر)|উপরের[^\\n]{0,20}উপেক্ষা|ละเว้น(?:ข้างต้น|ด้านบน))`),
  sig('override.rules-multi', 'override', `(?:\\b(?:olvida|olvidate|olvide|ignora|ignore|ignoren) (?:de )?(?:todas? )?(?:esas|estas|las|tus|sus) (?:reglas|instrucciones|normas|restricciones)|\\b(?:oublie[zr]?|ignore[zr]?) (?:toutes )?(?:ces|les|tes|vos) (?:regles|instructions|consignes|restrictions)|\\b(?:dimentica|ignora) (?:tutte )?(?:quelle|queste|le|tue) (?:regole|istruzioni|restrizioni)|\\b(?:esqueca|ignore) (?:todas )?(?:essas|estas|as|suas) (?:regras|instrucoes|restricoes)|\\b(?:vergiss|ignoriere) (?:alle )?(?:diese|die|deine) (?:regeln|anweisungen|einschrankungen)|(?:забудь|забудьте|игнорируй|игнорируйте) (?:все )?(?:эти|свои|ваши|твои) (?:правила|инструкции|ограничения)|अवहेलना करें|अवहेलना करो|अनदेखा करें|अनदेखी करें)`),

  // --- new instructions ---
  sig('new.en', 'new-instructions', `\\b(?:new|updated|revised|real|actual|true|additional|secret|hidden|important|urgent) (?:instructions?|task|directive|orders|rules|system prompt|objective|mission|goal)(?: (?:are|is|follow))? ?:`),
  sig('new.from-now', 'new-instructions', `\\b(?:from now on|from this (?:point|moment) on|starting now|henceforth|for the rest of this conversation|for all future (?:responses|answers))\\b`),
  sig('new.your-task', 'new-instructions', `\\byour (?:new |real |only |actual |true )(?:task|job|goal|purpose|objective|instruction|mission) (?:is|will be|now is)\\b`),
  // gated on 'instead' alone: its ~500 leading phrases would crowd the keyword automaton's 32767 states
  sig('new.do-instead', 'new-instructions', `\\binstead(?:,| of (?:that|this|answering|summarizing|doing))?(?: you (?:must|should|will)| please)? (?:say|print|output|write|respond|reply|answer|tell|state|reveal|give|send|repeat|return)\\b`, ['instead']),
  sig('new.multi', 'new-instructions', `(?:\\bab (?:jetzt|sofort)\\b|\\bvon nun an\\b|\\ba partir de (?:maintenant|ahora|agora)\\b|\\bdesormais\\b|\\bde ahora en adelante\\b|\\bd'ora in poi\\b|\\bda ora in poi\\b|\\bde agora em diante\\b|с этого момента|отныне|从现在开始|從現在開始|今から|これからは|지금부터|अब से|bundan sonra|tu bay gio|mulai sekarang|mula ngayon)`),

  // --- role ---
  sig('role.you-are-now', 'role', `\\byou (?:are|re|will be|will act as|shall be) (?:now|no longer|from now on)\\b`),
  sig('role.act-as', 'role', `\\b(?:act|behave|respond|answer|reply|speak|talk|write) (?:as|like) (?:if you (?:are|were)|an? |my |the )?(?:unfiltered|uncensored|unrestricted|evil|jailbroken|rogue|different|new|dan|ai without|developer|admin|root|hacker|system|linux terminal|terminal)`),
  sig('role.pretend', 'role', `\\b(?:pretend|imagine|suppose|assume) (?:that )?(?:you (?:are|were|have|had|can)|to be|you're)\\b`),
  sig('role.persona', 'role', `\\b(?:dan|stan|dude|aim|evil ?bot|developer mode|dev mode|god mode|jailbreak(?:ed)?|do anything now|unfiltered mode|no restrictions mode|opposite mode|anti-?gpt|betterdan|maximum)\\b(?: mode| enabled| activated| prompt)?`),
  sig('role.no-limits', 'role', `\\b(?:without|free (?:of|from)|no longer (?:bound|restricted) by|not bound by|ignore) (?:any |all |the |your )?(?:ethical |moral |safety |content )?(?:restrictions|limitations|filters|censorship|guidelines|rules|boundaries|constraints|policies|guardrails)\\b`),
  sig('role.with-no-limits', 'role', `\\bwith(?:out)? no (?:topic |ethical |moral |safety |content )?(?:restrictions|limitations|limits|filters|rules|boundaries|constraints|guardrails|censorship)\\b`, ['with no', 'without no']),
  sig('role.stop-being', 'role', `\\b(?:stop|quit) (?:being|acting as|pretending to be) (?:a|an|the|my|your)\\b`, ['stop being', 'quit being', 'stop acting', 'quit acting', 'stop pretending', 'quit pretending']),
  sig('role.game-you-are', 'role', `\\b(?:game|story|scenario|role-?play|simulation|world) (?:where|in which) you(?:'re| are| play| will be| act as)\\b`, ['where you', 'which you']),
  sig('role.permission', 'role', `\\b(?:said|says|told you|decided|agreed|confirmed) (?:that )?you(?:'re| are)? (?:now )?(?:allowed|permitted|authori[sz]ed) to\\b|\\byou(?:'re| are) now (?:allowed|permitted|authori[sz]ed) to\\b|\\byou(?:'re| are) (?:allowed|permitted) to (?:ignore|break|bypass|discuss|talk about|share|reveal|tell|give)\\b|\\b(?:rules?|restrictions?|guidelines|limits|instructions) (?:don't|do not|doesn't|does not|no longer|won't|will not) apply\\b|\\b(?:rules?|restrictions?|guidelines|limits|filters) (?:are|were|have been) (?:suspended|lifted|removed|disabled)\\b|\\byou have (?:my |full |special )?permission to\\b|\\b(?:i know|i understand|i realize|even though|although) (?:that )?you(?:'re| are| were)? (?:not (?:allowed|supposed|permitted)|can't|cannot|shouldn't|said not|were told not)\\b|\\bforget that you (?:can't|cannot|aren't|are not|shouldn't|are unable)\\b`, ['allowed', 'permitted', 'authorized', 'authorised', 'apply', 'suspended', 'lifted', 'removed', 'disabled', 'permission', 'supposed', 'can\'t', 'cannot', 'shouldn\'t', 'said not', 'told not', 'forget that you']),
  sig('role.stay-in-character', 'role', `\\b(?:stay in character|break character|remain in character|never break character|character break)\\b`),
  sig('role.multi', 'role', `(?:\\bdu bist (?:jetzt|nun|ab sofort)\\b|\\btu es (?:maintenant|desormais)\\b|\\b(?:ahora )?eres (?:ahora|un|una)\\b|\\bora sei\\b|\\bagora voce e\\b|теперь ты|ты теперь|你现在是|你現在是|扮演|あなたは今|今からあなたは|너는 이제|이제 너는|अब तुम|sen artik|gio day ban la)`),

  // --- chat templates and fake delimiters ---
  sig('template.chatml', 'template', `<\\|(?:im_start|im_end|im_sep|system|user|assistant|endoftext|end_of_turn|eot_id|start_header_id|end_header_id|begin_of_text)\\|>`),
  sig('template.llama', 'template', `\\[inst\\]|\\[\\/inst\\]|<<sys>>|<<\\/sys>>|<s>|<\\/s>|<start_of_turn>|<end_of_turn>`),
  sig('template.role-header', 'template', `(?:^|\\n)(?:#{1,4} ?|\\*\\*|\\[|<|-{2,3} ?|={2,3} ?)?(?:system|assistant|developer|system prompt|system message|admin|root|instruction|instructions|new instructions)(?: message| prompt| note| override)?(?:\\*\\*|\\]|>|:|-{2,3}|={2,3})`),
  sig('template.xml-system', 'template', `<\\/?(?:system|sys|system_prompt|instructions?|admin|developer|assistant|important|override|secret)(?: [^>]{0,40})?>`),
  sig('template.human-assistant', 'template', `(?:^|\\n)(?:human|user|assistant|ai|chatgpt|gpt|claude|bot|model) ?: [^\\n]{1,200}\\n(?:human|user|assistant|ai|chatgpt|gpt|claude|bot|model) ?:`, ['human:', 'human :', 'user:', 'user :', 'assistant:', 'assistant :', 'ai:', 'ai :', 'chatgpt:', 'chatgpt :', 'gpt:', 'gpt :', 'claude:', 'claude :', 'bot:', 'bot :', 'model:', 'model :']),
  sig('template.end-of-context', 'template', `\\b(?:end of (?:context|document|input|email|text|data|webpage)|end_of_(?:context|document|input)|(?:context|document|input) ends here|begin(?:ning of)? (?:new )?(?:instructions|system prompt))\\b`),

  // --- authority ---
  sig('authority.i-am', 'authority', `\\b(?:i am |i'm |im |this is |we are |speaking as )(?:your|the|an?|their) ?(?:developer|creator|programmer|admin|administrator|owner|operator|boss|supervisor|manager|god|master|maker|ceo|engineer|system administrator|sysadmin|root user|security team|it department|moderator|openai|anthropic|trainer)\\b`),
  sig('authority.god', 'authority', `\\bi am (?:god|a god|your god|the admin|root|the system|the developer|the owner)\\b|\\b(?:ich bin gott|je suis dieu|soy dios|sono dio|sou deus|ben tanriyim|toi la chua|saya tuhan|aku tuhan|ako ang diyos)\\b|я бог|我是上帝|我是神|私は神|나는 신이|मैं भगवान|আমি ঈশ্বর|انا الله|أنا الله|<(?:god|भगवान|神|dieu|dios|gott)[ _-]?(?:mode|model|मॉडल|मोड|模式|モード)>|وضع النظام|ओवरराइड मोड|सिस्टम मोड`),
  sig('authority.as-your', 'authority', `\\bas (?:your|the|an?) (?:developer|creator|admin|administrator|boss|supervisor|manager|owner|operator|police officer|officer|detective|investigator|government official|auditor|system administrator|it (?:support|admin))\\b`),
  sig('authority.mode', 'authority', `\\b(?:system|admin|administrator|developer|debug|maintenance|root|god|sudo|diagnostic|test|override|training|unrestricted|privileged) (?:mode|access|override|command|check|privileges?)\\b(?: (?:enabled|activated|on|engaged|granted))?`),
  sig('authority.override-tag', 'authority', `\\b(?:developer|system|admin|security|training) (?:training )?(?:data )?override\\b|\\bpriority (?:override|instruction)\\b|\\boverride (?:code|protocol|authorization)\\b`),
  sig('authority.authorized', 'authority', `\\b(?:i am|i'm|im) (?:authorized|authorised|allowed|permitted|cleared|entitled) to\\b|\\bauthori[sz]ation (?:code|level|granted)\\b`),
  sig('authority.multi', 'authority', `(?:ich bin (?:dein|ihr|der) (?:entwickler|administrator|chef)|je suis (?:ton|votre|le) (?:developpeur|administrateur|createur|patron)|soy (?:tu|su|el) (?:desarrollador|administrador|creador|jefe)|sono (?:il tuo|il suo) (?:sviluppatore|amministratore|capo)|sou (?:seu|o seu|o teu) (?:desenvolvedor|administrador|chefe)|я (?:твой|ваш) (?:разработчик|администратор|создатель|начальник)|我是你的(?:开发者|開發者|管理员|管理員|创造者|老板)|私はあなたの(?:開発者|管理者)|나는 (?:당신의|너의) (?:개발자|관리자)|मैं (?:आपका|तुम्हारा) (?:डेवलपर|व्यवस्थापक|मालिक)|ben (?:senin|sizin) (?:gelistiricin|yoneticin)|(?:системный|административный|режим разработчика)|(?:систем|系统|系統|システム|시스템|सिस्टम|sistem|systeme|sistema|system)[ -]?(?:режим|模式|モード|모드|मोड|modu|mode|modo|modus)|\\b(?:mode|modo|modus|режим) (?:maintenance|mantenimiento|manutencao|manutencion|manutenzione|wartung|wartungsmodus|administrateur|administrador|amministratore|desarrollador|developpeur|sviluppatore|desenvolvedor|sistema|systeme|debug|depuracion|entwickler|разработчика|обслуживания|администратора)|\\btoi la (?:mot )?(?:nha phat trien|quan tri vien|sep cua ban)|\\bsaya (?:adalah )?(?:pengembang|developer|admin|administrator|bos anda)|\\bsebagai (?:bos|atasan|pengembang|admin) anda|\\bako ang (?:iyong )?(?:developer|tagapaglikha|boss|admin)|gelistiriciyim|yoneticiyim|\\bje suis (?:un |le )?(?:developpeur|administrateur)|\\bsoy (?:un |el )?(?:desarrollador|administrador)|\\bsono (?:uno |lo |l')?(?:sviluppatore|amministratore)|\\bsou (?:um |o )?(?:desenvolvedor|administrador)|\\bich bin (?:ein |der )?(?:entwickler|administrator)|я (?:разработчик|администратор)|我是(?:开发者|開發者|开发人员|管理员|管理員)|私は(?:開発者|管理者)|저는 (?:개발자|관리자)|मैं (?:एक )?(?:डेवलपर|डेवलपर हूं|व्यवस्थापक)|انا (?:مطور|المطور|المسؤول)|\\ben tant qu'(?:ia|administrateur|developpeur)|\\bcomo (?:tu|su) (?:jefe|desarrollador|administrador)|\\bcome (?:tuo|suo) (?:capo|sviluppatore)|\\bcomo (?:seu|teu) (?:chefe|desenvolvedor)|\\bals (?:dein|ihr) (?:chef|entwickler|vorgesetzter)|\\ben tant que (?:ton|votre) (?:patron|developpeur|administrateur))`),

  // --- leak ---
  sig('leak.en', 'leak', `\\b(?:reveal|show|print|repeat|output|display|tell|give|share|leak|dump|list|recite|spell out|write out|disclose|expose|provide|paste|copy|return|echo|translate|summarize|what (?:is|are|was|were))\\b${W}(?:(?:your|the|its|my|all|these|those|initial|original|hidden|secret|system|above)${W1})?(?:system prompt|system message|system instructions?|initial (?:prompt|instructions)|original (?:prompt|instructions)|hidden (?:prompt|instructions)|secret (?:prompt|instructions)|pre-?prompt|prompt (?:above|text)|instructions (?:above|you were given|you received)|developer (?:prompt|message|instructions)|configuration|custom instructions|guidelines you|rules you (?:were|are) given)`),
  sig('leak.words-above', 'leak', `\\b(?:repeat|print|output|copy|recite|write down|tell me) (?:all |every |each )?(?:of )?(?:the )?(?:words|text|everything|lines|sentences|characters|tokens|content) (?:above|before|preceding|prior|written (?:above|before)|at the (?:beginning|start))\\b`),
  sig('leak.starting-with', 'leak', `\\b(?:starting|beginning|start) (?:with|from) ["'\\u201c]?(?:you are|your instructions|system|i am)\\b`),
  sig('leak.what-told', 'leak', `\\bwhat (?:were you|have you been|are you) (?:told|instructed|programmed|asked|configured|prompted)\\b|\\bhow were you (?:instructed|programmed|configured|prompted)\\b`),
  sig('leak.multi', 'leak', `(?:(?:zeig|nenne|wiederhole|verrate|gib)[a-z]{0,3}${C(40)}(?:system-?prompt|systemnachricht|anweisungen)|(?:montre|affiche|revele|repete|donne)[a-z]{0,3}${C(40)}(?:prompt systeme|instructions initiales|tes instructions|vos instructions)|(?:muestra|revela|repite|dime|imprime)${C(40)}(?:prompt del sistema|instrucciones (?:iniciales|del sistema)|tus instrucciones)|(?:mostra|rivela|ripeti|dimmi)${C(40)}(?:prompt di sistema|istruzioni (?:iniziali|di sistema)|tue istruzioni)|(?:mostre|revele|repita|diga)${C(40)}(?:prompt do sistema|instrucoes (?:iniciais|do sistema)|suas instrucoes)|(?:покажи|раскрой|повтори|выведи|скажи)${C(40)}(?:системн[а-я]{1,3} (?:промпт|подсказк|инструкци|сообщени)|свои инструкции|исходн)|(?:显示|顯示|告诉我|告訴我|输出|輸出|重复|重複|透露|泄露|打印)${C(10)}(?:系统提示|系統提示|系统指令|系統指令|初始指令|原始指令|你的指令|提示词|提示詞)|(?:システムプロンプト|初期指示|あなたの指示)${C(10)}(?:表示|教え|見せ|出力|繰り返)|(?:시스템 프롬프트|초기 지시|원래 지시)${C(12)}(?:보여|알려|출력|반복|공개)|(?:सिस्टम प्रॉम्प्ट|प्रारंभिक निर्देश)${C(20)}(?:दिखा|बता|दोहरा))`),

  // --- secrets and personal data requests ---
  sig('secret.mention', 'secret-mention', `\\b(?:your|our|its|system|admin|administrator|root|database|db|wifi|server|company'?s?) (?:own )?(?:password|passcode|passphrase|pass code|pin(?: code| number)?|api[ -]?keys?|secret key|secret code|secret word|secret|credentials|login details|access (?:code|token|key)|auth(?:entication)? token|private key|security code|master key|recovery code)s?\\b`),
  sig('secret.share', 'secret-request', `\\b(?:share|tell|give|send|confirm|reveal|disclose|provide|show|type|enter|spell|read out|what(?: is|'s| are)|whats)\\b${W}(?:the |your |our |my |a )?(?:password|passcode|passphrase|credentials|api ?key|secret key|private key|access code|login)\\b`),
  sig('secret.multi', 'secret-mention', `(?:passwort|kennwort|zugangsdaten|mot de passe|identifiants|contrasena|clave secreta|credenciales|parola d'ordine|credenziali|senha|credenciais|wachtwoord|haslo|пароль|пароля|учетные данные|密码|密碼|口令|パスワード|暗証番号|비밀번호|암호|पासवर्ड|গোপন শব্দ|পাসওয়ার্ড|كلمة المرور|كلمة السر|sifre|parola|mat khau|kata sandi|kata laluan|รหัสผ่าน|κωδικος|contrasenya|гупт|गुप्त कुंजी|秘密鍵|비밀 키|секретный ключ|chiave segreta|chave secreta|cle secrete|geheimer schlussel|gizli anahtar|khoa bi mat|kunci rahasia|lihim na susi|กุญแจลับ|المفتاح السري|গোপন কী)`),
  sig('pii.request', 'pii-request', `\\b(?:[a-z]{2,20}'s|the user'?s?|the users|user'?s|customer'?s|client'?s|patient'?s|employee'?s|his|her|their) (?:current |full |home |exact |personal |private |real )?(?:birth ?date|date of birth|birthday|dob|address|home address|city of residence|location|whereabouts|phone number|mobile number|email(?: address)?|e-mail|social security|ssn|bank (?:account|balance|details)|account (?:balance|number)|balance|credit card|card number|salary|medical (?:history|record|condition)|diagnosis|passport|id number|maiden name|favou?rite colou?r|age)\\b`, [' birth', ' date of birth', ' dob', ' address', ' city of residence', ' location', ' whereabouts', ' phone number', ' mobile number', ' email', ' e-mail', ' social security', ' ssn', ' bank ', ' account ', ' balance', ' credit card', ' card number', ' salary', ' medical ', ' diagnosis', ' passport', ' id number', ' maiden name', ' favorite colo', ' favourite colo', ' age']),
  sig('pii.user-third-person', 'pii-request', `(?:\\bthe user'?s\\b|\\bthe users'|\\b(?:del|al) usuario\\b|\\bde l'utilisateur\\b|\\bdes (?:benutzers|nutzers)\\b|\\bdell'utente\\b|\\bdo usuario\\b|\\bvan de gebruiker\\b|пользователя|用户的|用戶的|ユーザーの|사용자의|उपयोगकर्ता (?:के|की|का)|kullanicinin|\\bng gumagamit\\b|المستخدم|\\bnguoi dung\\b|\\bpengguna\\b|ผู้ใช้|ব্যবহারকারীর)`),
  sig('pii.where-live', 'pii-request', `\\bwhere (?:does|do|did) (?:the user|the customer|he|she|they|[a-z]{2,20}) (?:currently )?(?:live|reside|stay|work)\\b|\\bwhat is the (?:user'?s?|customer'?s?) (?:name|email|address|location)\\b`),
  sig('pii.multi', 'pii-request', `(?:geburtsdatum|wohnort|wohnadresse|kontostand|date de naissance|adresse du domicile|solde bancaire|fecha de nacimiento|domicilio|saldo bancario|saldo de la cuenta|data di nascita|indirizzo di casa|saldo del conto|data de nascimento|endereco residencial|saldo bancario|дата рождения|день рождения|домашний адрес|баланс|где (?:сейчас )?живет|出生日期|生日|住址|余额|餘額|住在哪|生年月日|誕生日|住所|残高|생년월일|생일|주소|잔액|जन्म तिथि|जन्मदिन|पता|शेष राशि|कहां रहता|dogum tarihi|ikamet|bakiye|ngay sinh|dia chi|so du|tanggal lahir|alamat|saldo|kaarawan|tirahan|วันเกิด|ที่อยู่|ยอดเงิน|জন্ম তারিখ|ঠিকানা|تاريخ الميلاد|عنوان|رصيد|اين يعيش)`),

  // --- exfiltration ---
  sig('exfil.send-to', 'exfil', `\\b(?:send|post|forward|upload|transmit|email|e-mail|submit|exfiltrate|leak|copy|report|deliver|mail)\\b${W6}(?:to|at|into|via) (?:https?:\\/\\/|www\\.|[a-z0-9._-]{1,64}@[a-z0-9-]{1,64}\\.|the (?:following )?(?:url|endpoint|address|server|webhook|link))`),
  sig('exfil.markdown-image', 'exfil', `!\\[[^\\]\\n]{0,100}\\]\\((?:https?:)?\\/\\/[^)\\s?&=]{1,300}[?&=][^)\\s]{0,300}`, ['![']),
  sig('exfil.render-image', 'exfil', `\\b(?:render|display|show|include|output|embed|print|add)\\b${W6}(?:image|markdown|img|picture|pixel)\\b${C(120)}(?:https?:\\/\\/|url)`),
  sig('exfil.in-url', 'exfil', `\\b(?:append|add|include|put|insert|encode|embed|attach)\\b${W6}(?:to|in|into|as) (?:the |a |this )?(?:url|link|query(?: string)?|query parameter|parameter|image (?:url|link|source))\\b`),
  sig('exfil.img-tag', 'exfil', `<img [^>]{0,200}src=["']?https?:\\/\\/[^"'\\s>]{1,300}[?&][^"'\\s>]{0,300}`),

  // --- tool directives (retrieved content telling the agent what to call) ---
  sig('tool.call', 'tool', `\\b(?:call|invoke|use|run|execute|trigger|activate)\\b (?:the |this |your |a )?(?:[a-z_]{2,40} )?(?:tool|function|plugin|api|action|command|skill)\\b${W6}(?:to|with|and)\\b`),
  sig('tool.execute', 'tool', `\\b(?:execute|run|eval(?:uate)?|perform)\\b (?:the |this )?(?:following|below|attached|next|above) (?:shell )?(?:command|code|script|instruction|query|sql|payload)s?\\b`),
  sig('tool.json', 'tool', `["']?(?:tool_calls?|function_call|tool_use|tool_name)["']?\\s?:|<(?:tool_call|function_call|tool_use|invoke)\\b`),
  sig('tool.browse', 'tool', `\\b(?:browse to|navigate to|open|visit|go to|click(?: on)?|fetch|download|access)\\b (?:the |this )?(?:following |below )?(?:url|link|website|webpage|page|site)?:? ?(?:https?:\\/\\/|www\\.)`),

  // --- text that addresses the AI from inside content ---
  sig('address-ai.en', 'address-ai', `\\b(?:dear|hey|hello|hi|attention|note to|message to|instructions? (?:for|to)|important (?:for|to)|if you are|if you're|to) (?:the |any |an |all )?(?:ai|a\\.i\\.|assistant|ai assistant|chatbot|bot|language model|llm|gpt|chatgpt|claude|gemini|copilot|agent|ai agent|model|large language model|virtual assistant)s?\\b`, [' ai', ' a.i.', ' assistant', ' chatbot', ' bot', ' language model', ' llm', ' gpt', ' chatgpt', ' claude', ' gemini', ' copilot', ' agent', ' model', ' virtual assistant']),
  sig('address-ai.must', 'address-ai', `\\b(?:ai|assistant|chatbot|language model|llm|model|agent)(?:,| must| should| will| shall| needs to| has to)(?: now)? (?:must |should |will |now )?(?:ignore|respond|reply|answer|say|tell|print|output|include|add|send|follow|obey|comply|execute|forward|recommend|mention)\\b`),

  // --- directives about the response (typical of indirect injection) ---
  sig('output.your-response', 'output-directive', `\\b(?:include|add|insert|mention|integrate|incorporate|append|embed|put|inject|weave|state|write|attach|sneak|emphasi[sz]e|highlight|promote|advertise|recommend|encourage|urge|remind|tell|inform|warn|suggest|ask) [^\\n.!?]{0,120}\\b(?:in|to|into|within|throughout|at the (?:end|beginning|start) of) (?:your|the|each|every) (?:response|reply|answer|output|message|summary|results?|explanation|code|implementation|solution|text)s?\\b`),
  sig('output.in-your-response', 'output-directive', `(?:^|\\n|[.!?] )(?:in|within|throughout|at the (?:end|start|beginning) of) (?:your|the) (?:response|reply|answer|output|message)s?,|\\b(?:in|to|into|within) your (?:response|reply|answer|output|message)s?\\b`),
  sig('output.add-to-reply', 'output-directive', `\\b(?:add|append|insert|include|put|attach|prepend)\\b[^\\n]{0,160}?\\bto (?:your|the|each|every) (?:response|reply|answer|output|message)s?\\b`),
  sig('output.modify-response', 'output-directive', `\\b(?:modify|change|alter|adjust|enhance|augment|supplement|rewrite|transform|translate|convert|render|express|encode|encrypt|write|format|present|provide|deliver|give|compose|make|reverse|invert|respond|reply|answer|begin|start|end|finish|conclude|sign|prefix|suffix|wrap|spell|structure)\\b (?:all |only |each |every )?(?:of )?(?:your|the) (?:entire |whole |full |final )?(?:response|reply|answer|output|message|summary)s?\\b`),
  sig('output.respond-in', 'output-directive', `\\b(?:respond|reply|answer|write|speak|talk|communicate)\\b (?:only |exclusively |solely |back |entirely )?(?:in|using|with) (?:emojis?|base ?\\d{2}|binary|hex(?:adecimal)?|morse|pig latin|rot13|reverse|a cipher|caesar|leetspeak|all caps|uppercase|capital letters|(?:[a-z]{3,15}) language|spanish|french|german|italian|portuguese|chinese|japanese|russian|korean|arabic|hindi|dutch|polish|turkish)\\b`),
  sig('output.use-cipher', 'output-directive', `\\b(?:use|apply|using)\\b${W1}(?:emoji substitution|a (?:simple |monoalphabetic |caesar |substitution )?cipher|base ?\\d{2} encoding|rot13|pig latin|leetspeak|morse code)\\b`),

  // --- "incorporate the following code" (code-context indirect injection) ---
  sig('code.include-following', 'code-directive', `\\b(?:incorporate|include|add|append|embed|integrate|insert|use|utilize|utilise|blend|employ|introduce|place|put|merge|implement|consider|ensure|validate|supplement|let|enhance|augment|paste|copy|apply|make use of|don't forget|do not forget|remember)\\b${C(120)}(?:the )?(?:following|below|subsequent|given|provided|above|next) (?:code|snippet|code snippet|code block|block|excerpt|code excerpt|section|code section|lines?|script|function)\\b`),
  sig('code.into-your-code', 'code-directive', `\\b(?:code|snippet|block|excerpt|section)\\b${C(80)}\\b(?:in|into|within|to) your (?:code|implementation|solution|algorithm|program|script|response|answer|codebase|project|function|elucidation|explanation)\\b`),
  sig('code.your-code-following', 'code-directive', `\\byour (?:code|solution|implementation|algorithm|codebase|program|script|function|project|approach)\\b${C(120)}\\b(?:following|below|subsequent|given|provided) (?:code|snippet|code snippet|code block|block|excerpt|code excerpt|section|code section|lines?|script)\\b`),

  // --- requests embedded in retrieved content ---
  sig('request.question-line', 'embedded-request', `(?:^|\\n)(?:what|how|why|which|who|where|when|is|are|do|does|can|could|should|would)\\b[^\\n?]{3,200}\\?[ ]?(?:\\n|$)`, ['what', 'how', 'why', 'which', 'who', 'where', 'when', 'is', 'are', 'do', 'can', 'could', 'should', 'would']),
  sig('request.start', 'embedded-request', `(?:^|\\n)(?:please )?(?:help me|show me|tell me|teach me|give me|write me|find me|can you|could you|would you|will you|describe|explain|analy[sz]e|summari[sz]e|suggest|recommend|provide|list|compose|draft|create|generate|translate|classify|determine|identify|evaluate|what are the|what is the|what's the|how (?:can|do|does|should|to) (?:i|you|we|one)|is this|why (?:do|does|is|are)|which (?:is|are))\\b[^\\n]{3,200}(?:[?.!]|$)`),

  // --- framing ---
  sig('framing.hypothetical', 'framing', `\\b(?:imagine|hypothetically|suppose|let's pretend|lets pretend|pretend|in a (?:fictional|hypothetical|alternate|parallel|dystopian|fantasy) (?:world|universe|scenario|reality)|in a world where|let's play a game|lets play a game|role-?play|for (?:a|my) (?:novel|story|screenplay|research project|school project)|in this (?:game|story|scenario|world|universe|simulation))\\b`),
  sig('framing.scenario', 'framing', `\\b(?:hypothetical(?:ly)?|parallel (?:universe|world|reality)|alternate (?:universe|reality)|for the (?:purpose|sake) of (?:this|the) (?:exercise|argument|discussion|game)|in a (?:world|universe|reality) (?:where|in which)|hypothetisch|parallel(?:welt|universum)|in einer welt,? in der|fur die zwecke dieser ubung|hypothetique(?:ment)?|univers parallele|dans un monde ou|aux fins de cet exercice|hipotetic[oa]s?|hipoteticamente|universo paralelo|en un mundo (?:donde|en el que)|a efectos de este ejercicio|ipotetic[oa]|ipoteticamente|universo parallelo|in un mondo (?:in cui|dove)|ai fini di questo esercizio|em um mundo onde|num mundo onde|para (?:efeitos|fins) deste exercicio|varsayimsal|paralel (?:evren|dunya)|bir dunyada|gia dinh|vu tru song song|trong mot the gioi|hipotetis|alam semesta paralel|di dunia di mana|sa isang mundo kung saan)\\b|гипотетическ|параллельн(?:ой|ом|ая) (?:вселенн|мир)|в мире,? где|काल्पनिक|समानांतर (?:ब्रह्मांड|दुनिया)|एक ऐसी दुनिया में|কাল্পনিক|হিপোথেটিক|সমান্তরাল|افتراضي|عالم مواز|في عالم حيث|平行宇宙|平行世界|假设的|假設的|假设性|パラレルワールド|並行世界|仮に|가정적|평행 우주|โลกคู่ขนาน|ในโลกที่`),
  sig('framing.multi', 'framing', `(?:stell dir vor|angenommen|imagine[sz]?|suppos(?:ons|ez)|imagina|supongamos|immagina|supponiamo|imagine|suponha|представь|предположим|假设|假設|想象|想像|想象一下|仮に|想像して|상상해|가정해|मान लीजिए|कल्पना कीजिए|hayal et|varsayalim|hay tuong tuong|gia su|bayangkan|misalkan|isipin|ipagpalagay|ลองนึกภาพ|สมมติ|কল্পনা করুন|ধরা যাক|تخيل|لنفترض)`),

  // --- encodings and smuggling ---
  sig('encoded.decode-multi', 'encoded', `\\b(?:dekodieren|dekodiere|entschlussel[a-z]{0,3}|decodez|dechiffrez|decodifica(?:r)?|descifra(?:r)?|decifra(?:r)?|decodifique|decodificare|decifrare|cozup|cozun|coz|giai ma|dekode|pecahkan|i-decode)\\b|декодир|расшифр|解码|解碼|デコード|解読|디코드|해독|डीकोड|डिकोड|ডিকোড|فك (?:شفرة|تشفير)|ถอดรหัส`),
  sig('encoded.decode-this', 'encoded', `\\b(?:decode|decipher|decrypt|translate|convert|interpret|read)\\b${W}(?:this|the following|these|that)?${W1}(?:base ?\\d{2}|hex(?:adecimal)?|binary|morse|rot ?13|cipher|encoded|encrypted|ascii|unicode|reversed?|backwards?)\\b`),
  sig('split.combine', 'split', `\\b(?:concatenate|combine|join|merge|interlace|interleave|put together) (?:the |these )?(?:strings?|parts|pieces|variables|fragments|letters|words)\\b|\\b(?:concatenate|combine|join|merge|interlace|interleave|put together|kombiniere|combine[zr]?|combina|kombinasikan|gabungkan|pagsamahin|birlestir|ket hop|объедини(?:те)?|соедини(?:те)?)\\b[^\\n]{0,40}\\b[a-z1-3](?:,| and| und| et| y| e| ve| dan| at| и| va) (?:[a-z1-3](?:,| and| und| et| y| e| ve| dan| at| и| va) )?[a-z1-3]\\b`),
  sig('split.parts', 'split', `\\b(?:part|teil|partie|parte|deel|czesc|bolum|kisim|phan|bagian|bahagi|часть|частина)\\.? ?(?:1|one|a|i|eins|un|uno|um|bir|mot|satu|isa|один|первая)\\b[^\\n]{0,300}\\b(?:part|teil|partie|parte|deel|czesc|bolum|kisim|phan|bagian|bahagi|часть|частина)\\.? ?(?:2|two|b|ii|zwei|deux|dos|dois|due|iki|hai|dua|dalawa|два|вторая)\\b|(?:भाग|অংশ|الجزء|パート|第一部分|部分1|部分 1|파트|ส่วนที่) ?(?:1|१|১|١|一)${C(300)}(?:भाग|অংশ|الجزء|パート|第二部分|部分2|部分 2|파트|ส่วนที่) ?(?:2|२|২|٢|二)`),

  // --- persuasion: rewards and bribes for compliance ---
  sig('persuasion.reward', 'persuasion', `\\b(?:i(?:'ll| will| would| shall| can)|we(?:'ll| will)|i'm going to|i am going to)\\b (?:happily |gladly )?(?:give|pay|donate|send|tip|reward|buy|transfer|offer)\\b${W}(?:\\$ ?\\d|€ ?\\d|£ ?\\d|\\d{2,9} ?(?:dollars?|euros?|usd|bucks)|dollars?|euros?|money|cash|bitcoin|tip|reward|charity|five stars?|5 stars?)|\\b(?:ich gebe|ich zahle|ich spende)\\b${W}\\d{2,9}|\\bje (?:vous|te) (?:donnerai|paierai|offrirai)\\b|\\b(?:te|le|les) (?:dare|pagare|donare)\\b${W}\\d{2,9}|\\b(?:ti|le|vi) (?:daro|paghero|donero)\\b|\\b(?:te|lhe|vos) (?:darei|pagarei|doarei)\\b|\\bя (?:дам|заплачу|пожертвую|подарю)\\b|\\b(?:tip|reward|bonus|pay) (?:you )?\\$ ?\\d{1,9}\\b`),

  // --- content dictating the answer (read only in retrieved or submitted content) ---
  sig('assertion.lets-state', 'assertion', `\\b(?:let's|lets|let us|we (?:might|could|should|would|will|can|must|may|shall)|you (?:must|should|will|shall|need to|have to)|i suggest (?:that )?you(?: to)?|it's (?:common practice|customary|standard|best) to|it is (?:common practice|customary|standard|best) to)\\b (?:[a-z]{1,15} ){0,3}?(?:state|say|claim|declare|assert|assume|consider|answer|respond|report|conclude|pretend|print|output|write)\\b(?: that)?(?:[ :][^\\n.]{0,80}?\\b(?:is|are|was|were|equals?|as|be)\\b|:)`),
  sig('assertion.multi', 'assertion', `\\b(?:lassen sie uns sagen|sagen wir|nehmen wir an|konnte man sagen|wir konnten sagen|disons que|supposons que|admettons que|nous pourrions (?:dire|affirmer)|on pourrait dire|digamos que|supongamos que|admitamos que|podriamos (?:decir|afirmar)|diciamo che|supponiamo che|ammettiamo che|potremmo (?:dire|affermare)|suponhamos que|vamos supor|poderiamos (?:dizer|afirmar)|diyelim ki|farz edelim|varsayalim|belirtebiliriz|diyebiliriz|hay noi rang|chung ta co the noi|anggap saja|katakanlah|kita bisa mengatakan|sabihin nating|ipagpalagay natin|maaari nating sabihin)\\b|скажем,? что|допустим|можно сказать|мы могли бы (?:сказать|заявить)|चलो कहते हैं|मान लेते हैं|हम कह सकते हैं|हम बता सकते हैं|आइए बताते हैं|बताते हैं कि|ধরে নেওয়া যাক|আমরা বলতে পারি|আমরা বলি|لنقل|لنفترض|يمكننا القول|我们可以说|我們可以說|让我们说|讓我們說|不妨说|としましょう|と言えます|と述べ|라고 하자|가정하자|말할 수 있|เราอาจจะบอกว่า|สมมติว่า`),
  sig('assertion.could-be', 'assertion', `\\b(?:output|answer|result|conclusion|capital|sum|total|value|correct answer|final answer|response) (?:could|would|should|might|must|will) (?:be|read|say)\\b|\\b(?:state|say|declare|claim|report|answer) (?:that )?the (?:output|answer|result|conclusion|capital|sum|total|value) (?:is|was|of)\\b`),


  // --- repetition and many-shot ---
  sig('repeat.n-times', 'repetition', `\\b(?:repeat|say|write|print|output|type)\\b${C(80)}\\b(?:\\d{2,6}|hundred|thousand|million|forever|infinite(?:ly)?|endless(?:ly)?) (?:times|x)\\b|\\brepeat (?:the word|this word|it) (?:forever|endlessly)\\b`),
  sig('repeat.many-shot', 'repetition', `(?:(?:^|[\\n ])(?:q|question|user|human|질문|ถาม|вопрос|问|問|frage|pregunta|domanda|pergunta|soru|cau hoi|tanong|pertanyaan|प्रश्न|سؤال|প্রশ্ন) ?: ?[^\\n]{1,300}?(?:[\\n ])(?:a|answer|assistant|ai|답|ตอบ|ответ|答|antwort|respuesta|risposta|resposta|cevap|tra loi|sagot|jawaban|उत्तर|جواب|উত্তর) ?: ?[^\\n]{1,300}?){2}`, ['q:', 'q :', 'question:', 'question :', 'user:', 'user :', 'human:', 'human :', '질문', 'ถาม', 'вопрос', '问', '問', 'frage', 'pregunta', 'domanda', 'pergunta', 'soru', 'cau hoi', 'tanong', 'pertanyaan', 'प्रश्न', 'سؤال', 'প্রশ্ন']),

  // --- hidden carriers ---
  sig('hidden.html-comment', 'hidden', `<!--${C(200)}\\b(?:ignore|instruction|assistant|ai|respond|reply|say|state|tell|system|prompt|must|should|follow)\\b`),
  sig('hidden.html-comment-multi', 'hidden', `<! ?--${C(200)}(?:${SAY_MULTI}|<a href=|https?:\\/\\/)`, ['<!--', '<! --']),

  // --- "ignore the function and state …", in any language ---
  sig('dismiss.ignore-and-say', 'dismiss', `${IGNORE_MULTI}[^\\n.!?]{0,80}(?:${SAY_MULTI}|: )`),
];
