"""Hand-written posts of the early period (1 September - 23 October 2021).

The odd narrative post, as real channels carry before any crisis: the Yemen war as Gulf
aggression, Turkish drones over Sinjar and Duhok, the US presence blamed after an ISIS
attack in Kirkuk (5 September), and from the vote of 10 October the stolen-election line
and the first attacks on UNAMI's chief. One Lebanese post on the Tayouneh shooting
(14 October) speaks of a foreign-made strife and one militia statement warns of attacks
staged to be blamed on the factions: the only sedition and false-flag posts here, weeks
from the drone attack. Observers report some of it (no narrative). Fiction, written fresh.
"""

from __future__ import annotations

from seeds.replay.drafts import Draft, post, share

EF = ("election_fraud",)
UN_EF = ("un_interference", "election_fraud")
US = ("us_culpability",)
GULF = ("gulf_aggression",)
TURK = ("anti_turkish_presence",)


def regional_posts() -> list[Draft]:
    return [
        post("sabreenS1", "2021-09-06 08:20", "ar", """
شهداء الشرطة الاتحادية في كركوك سقطوا وطائرات الاستطلاع الأمريكية تحوم فوق المنطقة ليل
نهار. كيف لا ترى كاميراتها تحركات داعش؟ بقاء القوات الأمريكية هو المظلة التي يتحرك تحتها
الإرهاب.""", US, key="early-kirkuk-sabreen"),
        post("kataibhezbollah_demo", "2021-09-06 15:10", "ar", """
بيان | تكرار الهجمات في كركوك وديالى يؤكد أن وجود القوات الأمريكية لم يحمِ العراقيين يوماً،
بل أبقى لبقايا داعش ممرات آمنة في الصحراء. على الحكومة أن تنفذ قرار إخراجها بلا مماطلة.""",
             US),
        share("Tura313", "2021-09-06 09:05", "early-kirkuk-sabreen"),
        post("alishamkhani_ir", "2021-09-09 06:40", "fa", """
خروج شتاب‌زده آمریکا از افغانستان نشان داد حضور نظامی واشنگتن در منطقه جز ناامنی، کشتار و
ویرانی ثمری نداشته است. عراق نباید تجربه کابل را تکرار کند.""", US),
        post("kataibhezbollah_demo", "2021-09-12 13:00", "ar", """
بيان | نحذر من أن أي استهداف للبعثات الأجنبية في هذه الأيام عمل مدبّر يراد منه تبرير بقاء
القوات الأجنبية، وفصائلنا بريئة منه سلفاً.""", ("false_flag",)),
        post("lh_media_demo", "2021-09-13 17:30", "ar", """
سبع سنوات من القصف والحصار على اليمن، وطائرات التحالف السعودي تواصل غاراتها على صنعاء
ومأرب والعالم صامت. من يجوّع شعباً كاملاً لا يحق له الحديث عن الاستقرار.""", GULF),
        post("Tura313", "2021-09-14 11:15", "ar", """
المسيّرات التركية تعود إلى سماء سنجار 🔻 قواعد أنقرة تتكاثر في دهوك وحكومة بغداد تكتفي
ببيانات الاستنكار. الأرض العراقية ليست حديقة خلفية لأحد.""", TURK, media="photo"),
        post("sabreenS1", "2021-09-19 19:40", "ar", """
آل سعود يقصفون اليمن ويحاصرونه منذ سبع سنين ثم يرسلون وفودهم للحديث عن السلام في المنطقة..
دماء أطفال صعدة تكذّبهم. #اليمن""", GULF),
        post("AAH_spox_demo", "2021-09-22 10:30", "ar", """
القواعد العسكرية التركية في شمال العراق احتلال لا لبس فيه، وصبر العراقيين على هذا التجاوز
لن يطول.""", TURK),
        post("AmirAbdoll_demo", "2021-09-28 09:00", "en", """
Seven years of bombing and blockade have left Yemen's children hungry and sick. Those who
wage this war must lift the siege now; there is no military solution in Yemen.""", GULF),
        post("Tura313", "2021-10-04 12:40", "ar", """
قصف تركي جديد قرب مخمور 🔻 ثلاثون قاعدة ونقطة عسكرية تركية داخل أراضينا، وما زال البعض
يسميها تعاوناً أمنياً. هذا احتلال يجب أن يرحل.""", TURK),
        post("lh_media_demo", "2021-10-14 18:10", "ar", """
رصاص القناصين في الطيونة لم يكن حادثاً عابراً: هناك مشروع يُدار من الخارج لجرّ اللبنانيين
إلى اقتتال أهلي وإشعال نار بين أبناء الوطن الواحد. لن نُستدرج.""", ("sedition",)),
        post("Wire_EN_demo", "2021-10-14 16:30", "en", """
Gunfire erupts in Beirut during a protest against the judge investigating the port blast;
several people are killed, Lebanese officials say."""),
    ]


def election_posts() -> list[Draft]:
    return [
        post("Qais_alkhazali", "2021-10-03 09:30", "ar", """
تصلنا معلومات عن محاولات للعبث بأجهزة العد الإلكتروني. نقولها من الآن: لن نقبل أن تُسرق
أصوات الناس، وعلى المفوضية أن تسمح بالعد اليدوي.""", EF),
        post("sabreenS1", "2021-10-11 21:00", "ar", """
النتائج الأولية خرجت من غرف مغلقة.. قوائم الحشد تخسر عشرات المقاعد بين ليلة وضحاها؟ أرقام
لا يصدقها عاقل، والصناديق يجب أن تُفتح أمام الجميع.""", EF, key="early-results-sabreen"),
        share("Tura313", "2021-10-11 21:40", "early-results-sabreen"),
        post("HadiAmeri_demo", "2021-10-12 08:30", "ar", """
لا نقبل بهذه النتائج، وسندافع عن أصوات مرشحينا وناخبينا بكل الطرق القانونية حتى يعاد
العد يدوياً في كل المحطات.""", EF),
        post("kataibhezbollah_demo", "2021-10-12 13:00", "ar", """
بيان | ما جرى في العاشر من تشرين أكبر عملية احتيال على الشعب العراقي في تاريخه الحديث،
وأصوات المجاهدين وعوائل الشهداء صودرت عمداً.""", EF),
        post("Wire_EN_demo", "2021-10-12 15:20", "en", """
Iran-aligned factions reject Iraq's preliminary election results and say they will
challenge them; the election commission says appeals will be reviewed."""),
        post("Qais_alkhazali", "2021-10-13 10:00", "ar", """
ما حصل في الانتخابات تلاعب منظم بالأرقام، وسنسلك كل الطرق القانونية والسلمية لاستعادة
أصوات جمهورنا.""", EF),
        post("Tura313", "2021-10-14 09:20", "en", """
Votes for the Hashd lists vanished somewhere between the polling station and the server
in Baghdad. Iraqis will not swallow this. Recount by hand. #Iraq""", EF),
        post("sabreenS1", "2021-10-15 20:30", "ar", """
بلاسخارت تبارك النتائج قبل أن تُحسم الطعون.. بعثة يونامي لم تأتِ لتراقب بل لتطبخ البرلمان
القادم على مقاس السفارات.""", UN_EF),
        post("ShiblZaidi_demo", "2021-10-16 07:45", "ar", """
من صادر أصوات العراقيين في العاشر من تشرين يعرف أن الحقيقة ستظهر. العد اليدوي الشامل
حق لا منّة.""", EF),
        post("TamerBadawi1", "2021-10-16 13:00", "en", """
Militia-aligned channels now say the vote was stolen and blame UNAMI for blessing the
results. The same handful of accounts, the same talking points."""),
        post("AAH_spox_demo", "2021-10-17 18:00", "ar", """
وثّق وكلاؤنا فروقات بين الأوراق وأرقام الأجهزة في محطات كثيرة، ولن نسكت عن سرقة إرادة
الناخبين.""", EF),
        post("Tura313", "2021-10-19 16:30", "ar", """
🔻 خيام الاعتصام الأولى أمام بوابات المنطقة الخضراء. المعتصمون: لن نغادر قبل إبطال
النتائج التي صادرت أصواتنا.""", EF, media="photo"),
        post("kataibhezbollah_demo", "2021-10-20 12:00", "ar", """
بيان | ممثلة الأمين العام تجاوزت حدود عملها وصارت طرفاً في تقرير نتائج الانتخابات وشكل
الحكومة، ونحمّل بعثتها مسؤولية ما يجري من عبث بإرادة العراقيين.""", UN_EF),
        post("ShafaqNews_demo", "2021-10-20 14:10", "ar", """
شفق نيوز/ فصائل مسلحة تصعّد خطابها ضد بعثة الأمم المتحدة وتتهمها بالانحياز في ملف نتائج
الانتخابات، والبعثة تؤكد أنها جهة مراقبة فقط."""),
        post("sabreenS1", "2021-10-22 10:15", "ar", """
جمعة رفض الاحتيال الانتخابي.. المعتصمون يؤدون الصلاة أمام الخضراء ويطالبون بالعد اليدوي
الشامل 📍بغداد""", EF, media="video"),
    ]


def early_posts() -> list[Draft]:
    return regional_posts() + election_posts()
