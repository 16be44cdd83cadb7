"""Hand-written signal: 5–10 November, the drone attack on the prime minister's home.

Fiction for the demonstration, written fresh. The shape follows the seed report: a
"false flag" warning two days before (5 November); within hours of the attack
(2021-11-06 23:30 UTC) Iranian officials speak of sedition and foreign think tanks,
militia leaders of a "third party" and sedition, militia outlets of theatre and a victim
act; from the afternoon of 7 November, the US embassy's C-RAM that "did not fire".
"""

from __future__ import annotations

from seeds.replay.drafts import Draft, post, share

FF = ("false_flag",)
STAGED = ("staged_incident",)
SED = ("sedition",)
SED_US = ("sedition", "us_culpability")
US = ("us_culpability",)


def before_attack_posts() -> list[Draft]:
    return [
        post("alishamkhani_ir", "2021-11-04 06:30", "fa", """
۱۳ آبان یادآور این حقیقت است که حضور آمریکا در منطقه، از افغانستان تا عراق، جز ناامنی و
تروریسم حاصلی برای ملت‌ها نداشته است.""", US),
        post("Tura313", "2021-11-05 11:20", "ar", """
عاجل | القوات الأمنية تطلق الرصاص الحي على المتظاهرين السلميين قرب بوابة الخضراء عند
جسر الجمهورية، وأنباء عن إصابات 🔴""", media="video"),
        post("ShafaqNews_demo", "2021-11-05 11:45", "ar", """
شفق نيوز/ مواجهات بين محتجين على نتائج الانتخابات والقوات الأمنية قرب المنطقة الخضراء،
ومصادر طبية تتحدث عن إصابات في صفوف الطرفين."""),
        post("sabreenS1", "2021-11-05 12:30", "ar", """
ارتقاء شهيد من المعتصمين وإصابة العشرات بعد إطلاق النار عليهم. الحكومة تتحمل المسؤولية
كاملة عن هذا الدم 🩸""", media="photo"),
        post("kataibhezbollah_demo", "2021-11-05 13:10", "ar", """
بيان | إن الاعتداء على المتظاهرين السلميين جريمة لن تمر، ونحمّل رئيس الحكومة المنتهية
ولايته كامل المسؤولية عن الدماء التي سالت اليوم."""),
        post("MKadhimi_demo", "2021-11-05 14:00", "ar", """
وجهت بتشكيل لجنة تحقيق عليا بأحداث اليوم قرب المنطقة الخضراء، ولن يُستثنى أحد من
المحاسبة. التظاهر السلمي حق يحميه القانون."""),
        # The pre-positioned warning the seed report cites (footnote 11).
        post("Qais_alkhazali", "2021-11-05 14:37:06", "ar", """
وصلتنا معلومات تفيد بأن أطرافاً تعمل لصالح أجهزة استخبارات أجنبية تُعدّ لعمل تفجيري
داخل المنطقة الخضراء، كي تُحمَّل فصائل المقاومة مسؤوليته ويُتخذ ذريعة لضربها. نضع هذه
المعلومات أمام الرأي العام قبل وقوع المحظور.""", FF,
             pinned_id="1456631666416537600", key="qais-warning"),
        share("AAH_spox_demo", "2021-11-05 15:10", "qais-warning", kind="retweet"),
        post("Tura313", "2021-11-05 16:00", "ar", """
⚠️ الشيخ الخزعلي يحذّر: مخطط مخابراتي لتفجير في الخضراء ثم اتهام المقاومة به. احفظوا
هذا التاريخ جيداً.""", FF, key="tura-warning"),
        share("sabreenS1", "2021-11-05 16:25", "tura-warning"),
        post("omartvsd", "2021-11-05 17:30", "ar", """
الخزعلي يتحدث عن "مخطط" لتفجيرات داخل الخضراء تُنسب للفصائل. تحذير من هذا النوع وفي
هذا التوقيت، بعد دماء اليوم، يستحق الانتباه.""", quote_of="qais-warning"),
        post("Qais_alkhazali", "2021-11-05 19:00", "ar", """
دماء الشهداء الذين سقطوا اليوم أمام بوابات الخضراء لن تذهب هدراً، ومن أمر بإطلاق النار
سيُحاسب."""),
        post("Qais_alkhazali", "2021-11-06 10:00", "ar", """
من تشييع شهداء التظاهرات السلمية: القصاص حق، ولن نقبل بلجان تحقيق تُميّع الدم.""",
             media="video"),
        post("Tura313", "2021-11-06 10:30", "ar", """
📸 تشييع مهيب لشهداء تظاهرة الجمعة في بغداد بمشاركة قيادات الحشد والمقاومة.""",
             media="photo"),
        post("omartvsd", "2021-11-06 18:01:37", "ar", """
الخزعلي في تشييع قتلى التظاهرات يتوعّد الكاظمي بالقصاص. لغة التصعيد هذه المرة تتجاوز
كل ما سمعناه منذ إعلان النتائج.""", pinned_id="1457045521630171148"),
        # Written before the attack, edited after it into a narrative post: the analysis
        # must not count it as laid down beforehand.
        post("kataibhezbollah_demo", "2021-11-06 19:40", "ar", """
بيان | نحمّل الحكومة دماء المتظاهرين ونطالب بمحاسبة من أطلق النار، فالدم العراقي ليس
رخيصاً.""", FF + STAGED, key="kh-edited", edits=[("2021-11-07 03:15", """
بيان | نحمّل الحكومة دماء المتظاهرين ونطالب بمحاسبة من أطلق النار، فالدم العراقي ليس
رخيصاً. وقد نبهنا مراراً إلى أن أجهزة مخابرات تُعدّ لعمل في الخضراء تُتهم به المقاومة،
وها هي المسرحية تبدأ.""")]),
    ]


def attack_night_posts() -> list[Draft]:
    """From the explosions (23:30 UTC) to dawn in Baghdad."""
    return [
        post("AlAraby_demo", "2021-11-06 23:34", "ar", """
عاجل | دوي انفجار داخل المنطقة الخضراء وسط بغداد."""),
        post("ShafaqNews_demo", "2021-11-06 23:38", "ar", """
شفق نيوز/ صافرات الإنذار تدوي في المنطقة الخضراء وأنباء عن استهداف بطائرة مسيّرة."""),
        post("Tura313", "2021-11-06 23:41", "ar", """
عاجل | أنباء عن انفجار في الخضراء، ننتظر التأكد من المصادر."""),
        post("sabreenS1", "2021-11-06 23:47", "ar", """
أنباء غير مؤكدة عن استهداف منزل الكاظمي بطائرة مسيّرة."""),
        post("Wire_EN_demo", "2021-11-06 23:52", "en", """
BREAKING: Drone attack targets Iraqi Prime Minister Mustafa al-Kadhimi's residence in
Baghdad's Green Zone; PM unharmed, security sources say."""),
        post("omartvsd", "2021-11-06 23:58", "ar", """
مصادر أمنية: طائرتان مسيّرتان محمّلتان بالمتفجرات استهدفتا منزل رئيس الوزراء في
الخضراء، وإصابات بين عناصر الحماية."""),
        post("Wire_FA_demo", "2021-11-07 00:05", "fa", """
فوری | حمله پهپادی به اقامتگاه نخست‌وزیر عراق در منطقه سبز بغداد؛ منابع امنیتی
می‌گویند الکاظمی آسیبی ندیده است."""),
        post("ShafaqNews_demo", "2021-11-07 00:12", "en", """
Shafaq News/ Two drones struck the residence of PM al-Kadhimi in the Green Zone; several
guards wounded, the PM is safe."""),
        post("MKadhimi_demo", "2021-11-07 00:20", "ar", """
الحمد لله، أنا بخير وبين أبناء شعبي. من يظن أن المسيّرات تخيفنا واهم؛ هذا الوطن يُبنى
بالقانون لا بالعبوات. أدعو الجميع إلى الهدوء وضبط النفس.""", media="video"),
        post("MKadhimi_demo", "2021-11-07 00:26", "en", """
I am safe, thank God, and among my people. Whoever thinks drones will frighten us is
wrong: Iraq is built by the rule of law, not by explosives. I call for calm.""",
             key="kadhimi-en"),
        post("omartvsd", "2021-11-07 00:44", "en", """
Glad you are safe. This time Iraqis need the investigation published in full, names
included.""", reply_to="kadhimi-en"),
        post("Tura313", "2021-11-07 00:30", "ar", """
بالصور | آثار "الاستهداف" المزعوم: نافذة مكسورة وسيارة متضررة. هذا كل شيء؟ 🤔""",
             STAGED, media="photo"),
        post("sabreenS1", "2021-11-07 00:40", "ar", """
أين الطائرة؟ أين الحطام؟ أين الجرحى؟ قصة تُروى بلا صورة واحدة مقنعة.. من كتب هذا
السيناريو استعجل الإخراج.""", STAGED, deleted="2021-11-07 09:00"),
        post("CalibreObscura", "2021-11-07 00:55", "en", """
Photos from the PM's residence show damage consistent with a small drone-dropped
munition. Some militia channels are already insisting it "never happened"."""),
        post("kataibhezbollah_demo", "2021-11-07 01:10", "ar", """
مسرحية الضحية لم تعد تنطلي على أحد. من يصدّق أن فصيلاً يضيّع طائرة مسيّرة على رجل
انتهت صلاحيته السياسية؟ إن كان في الأمر شيء فهو إخراج رديء لكسب التعاطف، والكذبة أكبر
من صاحبها.""", STAGED, key="kh-victim"),
        post("AAH_spox_demo", "2021-11-07 01:25", "ar", """
نشكك في رواية الاستهداف جملة وتفصيلاً. بيت محاط بأعقد منظومات الحماية تمرّ إليه
مسيّرتان بلا اعتراض؟ الإخراج رديء والجمهور لا يصدّق.""", STAGED),
        # Near-identical text from three channels within the hour (not forwards).
        post("Tura313", "2021-11-07 01:40", "ar", """
🎭 مسرحية المسيّرة: الكاظمي يلعب دور الضحية ليغطي على دماء المتظاهرين. لا أحد يهدر
طائرة على من لا وزن له.""", STAGED, key="tura-theatre"),
        post("sabreenS1", "2021-11-07 01:52", "ar", """
🎭 مسرحية المسيّرة.. الكاظمي يلعب دور الضحية ليغطي على دماء المتظاهرين، ولا أحد يهدر
طائرة على من لا وزن له""", STAGED),
        post("kataibhezbollah_demo", "2021-11-07 02:15", "ar", """
مسرحية المسيرة: الكاظمي يلعب دور الضحية ليغطي على دماء المتظاهرين. لا أحد يهدر طائرة
على من لا وزن له #مسرحية_الخضراء""", STAGED),
        share("Tura313", "2021-11-07 02:30", "kh-victim"),
        post("Tura313", "2021-11-07 02:50", "ar", """
قيادي في الكتائب لـ"تورا": الحديث عن محاولة اغتيال مبالغ فيه إلى حد السخرية، والغاية
استدرار العطف قبل حسم منصب رئيس الوزراء المقبل.""", STAGED, pinned_id="20989",
             key="tura-20989"),
        share("sabreenS1", "2021-11-07 03:05", "tura-20989"),
        post("Tura313", "2021-11-07 03:30", "ar", """
مصدر في العصائب: لو أرادت الفصائل إيذاء أحد لما احتاجت إلى مسيّرة بدائية تسقط على
سطح. ما جرى استعراض إعلامي مدبّر بإتقان رديء.""", STAGED, pinned_id="20995",
             key="tura-20995"),
        post("sabreenS1", "2021-11-07 03:45", "en", """
Iraqi PM "survives" a drone attack that left a broken window. Playing the victim
before government formation is the oldest trick there is. #Iraq #Kadhimi""", STAGED),
    ]


def morning_after_posts() -> list[Draft]:
    """7 November, Baghdad morning to noon: the coordinated framing."""
    return [
        post("Qais_alkhazali", "2021-11-07 04:00", "ar", """
نرفض أي استهداف خارج إطار القانون. وقد حذّرنا قبل يومين من جهات مرتبطة بالمخابرات تريد
إشعال الخضراء وتحميل المقاومة الوزر. المطلوب تحقيق مستقل يكشف من يقف خلف هذه الفتنة.""",
             FF + SED, key="qais-after"),
        post("AAH_spox_demo", "2021-11-07 04:40", "ar", """
صدقت يا شيخنا. حذّرنا فكذّبونا، واليوم تطل الفتنة برأسها من الخضراء كما خطط لها أصحابها
في أجهزة المخابرات.""", FF + SED, reply_to="qais-after"),
        # Seed report footnote 6.
        post("alishamkhani_ir", "2021-11-07 04:30:07", "fa", """
حمله به اقامتگاه نخست‌وزیر عراق حلقه تازه‌ای از زنجیره فتنه است. ردّ این فتنه را باید
در اتاق‌های فکر فرامنطقه‌ای گرفت که نسخه‌هایشان از ۱۳۸۲ تاکنون برای عراقیان فقط ناامنی
به بار آورده است. ملت عراق هوشیارتر از این توطئه‌هاست.""", SED_US,
             pinned_id="1457203689979056136", key="shamkhani-fa"),
        post("alishamkhani_ir", "2021-11-07 04:45", "en", """
The strike on the Iraqi PM's home is one more link in a chain of sedition drafted in
foreign think tanks, whose presence has brought Iraq nothing but insecurity since 2003.
Iraqis will see through it.""", SED_US, key="shamkhani-en"),
        post("ShiblZaidi_demo", "2021-11-07 05:20", "ar", """
ما حدث فجر اليوم مشروع فتنة متكامل الأركان، يراد منه ضرب البيت الشيعي وجرّ العراقيين
إلى الاقتتال. نحذر من الانجرار خلفه ومن أصحابه في الخارج.""", SED, key="zaidi"),
        post("HadiAmeri_demo", "2021-11-07 05:50", "ar", """
ندين الاعتداء على منزل رئيس مجلس الوزراء، ونرى أن طرفاً ثالثاً يقف خلفه يريد إحداث فتنة
بين المتظاهرين والقوات الأمنية وخلط الأوراق. نطالب بلجنة تحقيق محايدة.""",
             ("third_party", "sedition"), key="ameri"),
        # Seed report footnote 8.
        post("Tura313", "2021-11-07 06:20", "ar", """
🔻 الحاج العامري: طرف ثالث خلف الاستهداف يسعى لإشعال الفتنة
🔻 الشيخ الزيدي: ما جرى مشروع فتنة متكامل
🔻 الشيخ الخزعلي: حذّرنا قبل يومين
الفتنة تُصنع في الخارج وأدواتها معروفة.""", ("third_party", "sedition"),
             pinned_id="21000", key="tura-21000"),
        share("sabreenS1", "2021-11-07 06:31", "tura-21000"),
        post("sabreenS1", "2021-11-07 06:40", "ar", """
طرف ثالث دخل على الخط ليلة أمس ليشعل الفتنة بين أبناء البيت الواحد، والمستفيد لا يخفى:
من يدير الخضراء من داخل سفارته.""", ("third_party", "sedition", "us_culpability")),
        post("AmirAbdoll_demo", "2021-11-07 07:10", "fa", """
در تماس تلفنی با وزیر امور خارجه عراق، حمله به اقامتگاه نخست‌وزیر را محکوم کردم. این
اقدام فتنه‌ای برای ضربه به ثبات عراق است و باید سراغ کسانی رفت که حضور نظامی‌شان در
منطقه همواره مایه بی‌ثباتی بوده است.""", SED_US),
        post("lh_media_demo", "2021-11-07 07:30", "ar", """
الاعتداء على منزل الكاظمي يصبّ في خدمة المشروع الأمريكي لإشعال الفتنة بين العراقيين
وضرب الحشد والمقاومة. المستفيد الوحيد هو الاحتلال.""", SED_US),
        post("AmirAbdoll_demo", "2021-11-07 07:40", "en", """
Spoke with Iraq's foreign minister. Attacks like last night's serve only those who have
profited from Iraq's insecurity for 18 years: foreign forces and the think tanks behind
them. Sedition will not divide Iraqis.""", SED_US),
        post("Wire_EN_demo", "2021-11-07 08:30", "en", """
Iran's security chief Shamkhani blames "sedition" hatched in "foreign think tanks" for
the drone attack on Iraq's prime minister."""),
        post("Wire_FA_demo", "2021-11-07 08:45", "fa", """
شمخانی: ردّ حمله به اقامتگاه نخست‌وزیر عراق را باید در اتاق‌های فکر خارجی جست. او این
حمله را «فتنه» خواند."""),
        # A hard negative from an actor: "fitna" as a call for restraint, no foreign plot.
        post("MSadr_demo", "2021-11-07 09:00", "ar", """
الاعتداء على رئيس مجلس الوزراء اعتداء على هيبة الدولة. أدعو الجميع إلى ضبط النفس وعدم
الانجرار إلى الفتنة، وترك الأمر للقضاء والأجهزة الأمنية المختصة."""),
        post("TamerBadawi1", "2021-11-07 09:30", "en", """
Shamkhani frames the attack as "sedition" out of "foreign think tanks" five hours after
it happened. Watch how fast the same framing travels through Iraqi militia outlets.""",
             quote_of="shamkhani-fa", key="tamer-quote"),
        post("CalibreObscura", "2021-11-07 09:55", "en", """
And on Telegram it moved faster still: the "theatre" posts were up within two hours of
the blasts, before any official had spoken.""", reply_to="tamer-quote"),
        post("kataibhezbollah_demo", "2021-11-07 10:00", "ar", """
الأمريكيون وأدواتهم صنعوا الحدث ليلصقوه بالمقاومة، وهذا بالضبط ما حذّرنا منه. لن تنجح
عملية مخابراتية رخيصة في جرّ الحشد إلى المواجهة.""", FF + US, key="kh-ff"),
        post("sabreenS1", "2021-11-07 10:30", "ar", """
عملية مخابراتية مكشوفة هدفها تبرير ضرب الحشد والفصائل. حذّر منها الشيخ الخزعلي قبل
يومين، وها هي تُنفّذ حرفياً.""", FF, edits=[("2021-11-07 10:41", """
عملية مخابراتية مكشوفة هدفها تبرير ضرب الحشد والفصائل. حذّر منها الشيخ الخزعلي قبل
يومين، وها هي تُنفّذ حرفياً. #العراق #الخضراء""")]),
        post("AAH_spox_demo", "2021-11-07 11:00", "ar", """
نحذر من استغلال حادثة الخضراء ذريعة لاستهداف الحشد. من صنع الحادث أراد أن يلصقه
بالمقاومة، والعراقيون يعرفون من يملك المصلحة.""", FF),
        post("HadiAmeri_demo", "2021-11-07 11:30", "ar", """
نرفض توجيه الاتهامات جزافاً قبل أن تقول لجنة التحقيق كلمتها، وندعو إلى التهدئة."""),
        post("Tura313", "2021-11-07 12:00", "ar", """
صور خاصة | شظايا المسيّرة لا تشبه أي طراز تملكه الفصائل. من صنعها ومن أطلقها؟ الجواب
عند من يريد رأس المقاومة.""", FF, media="photo"),
        share("kataibhezbollah_demo", "2021-11-07 12:20", "tura-theatre"),
    ]


def afternoon_and_after_posts() -> list[Draft]:
    """7 November afternoon to 10 November: C-RAM, the think-tank line, the tail."""
    return [
        post("Tura313", "2021-11-07 15:00", "ar", """
سؤال بسيط: منظومة السي رام في السفارة الأمريكية تصدّت لكل صاروخ خلال سنتين، فلماذا
صمتت ليلة المسيّرة؟ السفارة كانت تعلم.""", US, key="tura-cram-1"),
        # Near-identical across platforms within the hour.
        post("sabreenS1", "2021-11-07 15:20", "ar", """
لماذا لم تعمل منظومة C-RAM الأمريكية ليلة استهداف منزل الكاظمي؟ الصمت الأمريكي يفضح من
يقف خلف الحادث #السفارة_الأمريكية""", US, key="sab-cram"),
        post("AAH_spox_demo", "2021-11-07 15:35", "ar", """
لماذا لم تعمل منظومة C-RAM الأمريكية ليلة استهداف منزل الكاظمي؟! الصمت الأمريكي يفضح
من يقف خلف الحادث""", US, deleted="2021-11-09 07:00"),
        post("kataibhezbollah_demo", "2021-11-07 16:10", "ar", """
إن السفارة الأمريكية التي تدير منظومات الدفاع في الخضراء هي المسؤول الأول عمّا جرى،
فإما أنها عجزت وإما أنها سمحت.""", US),
        share("Tura313", "2021-11-07 17:00", "sab-cram"),
        post("omartvsd", "2021-11-07 17:40", "ar", """
قنوات الفصائل على تلغرام تتبنى منذ الفجر رواية "المسرحية" و"لعب دور الضحية"، بينما
يتحدث قادتها عن "طرف ثالث" و"فتنة". توحّد الخطاب خلال ساعات لافت جداً."""),
        post("CalibreObscura", "2021-11-07 19:30", "en", """
On the C-RAM claim doing the rounds: the system is built for rockets and mortars, not
small slow drones, and the embassy's coverage does not reach the PM's residence. It
proves nothing about who launched them."""),
        post("CalibreObscura", "2021-11-07 20:10", "en", """
Tura and Sabereen pushed the "theatre" line almost word for word overnight: same text,
same emoji, within half an hour of each other."""),
        post("Wire_FA_demo", "2021-11-07 20:40", "fa", """
رسانه‌های نزدیک به گروه‌های مسلح عراقی مدعی شدند حمله به اقامتگاه الکاظمی «نمایشی»
بوده و سامانه سی‌رام سفارت آمریکا عمداً فعال نشده است؛ کارشناسان این ادعا را رد
می‌کنند."""),
        post("Wire_EN_demo", "2021-11-07 21:00", "en", """
Commander of Iran's Quds Force visits Baghdad after attack on PM, sources say."""),
        post("alishamkhani_ir", "2021-11-07 19:10", "fa", """
امنیت عراق امنیت منطقه است. همه طرف‌های عراقی را به آرامش و پیگیری قانونی این حادثه
دعوت می‌کنیم."""),
        # Seed report footnote 12.
        post("Tura313", "2021-11-08 06:00", "ar", """
🗺 بالخريطة | منزل الكاظمي يقع ضمن مظلة منظومة السي رام التابعة للسفارة الأمريكية. لماذا
لم تُفعَّل المنظومة؟ الجواب في واشنطن لا في بغداد.""", US, pinned_id="21074",
             media="photo"),
        post("ShafaqNews_demo", "2021-11-08 08:00", "ar", """
شفق نيوز/ مصادر: تفاهم على توقيف ثلاثة يُشتبه بتورطهم في استهداف منزل الكاظمي، مقابل
إحالة المسؤولين عن قتل المتظاهرين إلى القضاء."""),
        post("Wire_EN_demo", "2021-11-08 09:00", "en", """
Iran-backed militia carried out drone attack on Iraqi PM, officials say."""),
        post("sabreenS1", "2021-11-08 10:00", "ar", """
رويترز تنقل عن "مصادر" مجهولة اتهام الفصائل.. الإعلام الغربي يكمل فصول المسرحية التي
بدأت فجر الأحد.""", STAGED),
        post("AmirAbdoll_demo", "2021-11-08 11:00", "fa", """
پشت حوادث اخیر بغداد همان کسانی‌اند که از ناامنی عراق سود می‌برند و حضورشان در منطقه
جز بحران ثمری نداشته است. عراق قوی و مستقل به نفع همه همسایگان است.""", US),
        post("alishamkhani_ir", "2021-11-08 12:30", "en", """
Those who occupied Iraq for 18 years now want to manage its instability. The people of
Iraq and its Marjaiya will foil their sedition.""", SED_US),
        post("Qais_alkhazali", "2021-11-08 12:00", "ar", """
نطالب بإعلان نتائج التحقيق للرأي العام كاملة، ولن نقبل أن تتحول حادثة غامضة إلى ذريعة
لتصفية الحسابات مع الحشد."""),
        post("kataibhezbollah_demo", "2021-11-08 14:00", "ar", """
رواية الاغتيال تتهاوى: لا صور، لا حطام، لا تفاصيل. من صمّم العرض كان يعرف أن
التعاطف أهم من الحقيقة.""", STAGED),
        post("ShiblZaidi_demo", "2021-11-08 16:00", "ar", """
نعيد التحذير: ما يجري مشروع فتنة يُدار من الخارج لضرب الاستقرار وتفكيك الصف الوطني.""",
             SED),
        post("TamerBadawi1", "2021-11-08 17:20", "en", """
Recap of the last 36 hours: Iranian officials said "sedition" and "think tanks"; Badr and
Kata'ib Imam Ali said "third party" and "sedition"; KH and AAH media said "theatre" and
"playing the victim". Remarkably tight messaging."""),
        post("MKadhimi_demo", "2021-11-08 18:00", "ar", """
التقيت اليوم لجنة التحقيق في الاعتداء على منزلي. نعرف الجناة جيداً، وسنكشفهم بالأدلة
أمام الشعب."""),
        post("Tura313", "2021-11-09 09:10", "ar", """
بعد ثلاثة أيام: لا دليل، لا متهم، ولا صورة واحدة للمسيّرة المزعومة. المسرحية انتهت
والجمهور غادر 🎭""", STAGED),
        post("HadiAmeri_demo", "2021-11-09 11:40", "ar", """
ما زلنا نؤكد أن جهة ثالثة أرادت خلط الأوراق وضرب السلم الأهلي. على التحقيق أن يبحث عنها
بدل توزيع الاتهامات.""", ("third_party",)),
        post("sabreenS1", "2021-11-09 15:30", "ar", """
الطرف الثالث الذي تحدث عنه الحاج العامري ليس لغزاً: من يملك الأجواء والمنظومات ويُدير
الخضراء هو من يُسأل.""", ("third_party", "us_culpability")),
        post("kataibhezbollah_demo", "2021-11-09 19:00", "ar", """
إلى من يهددون الحشد بعد مسرحية الخضراء: الرد سيكون بحجم أي اعتداء.""", STAGED,
             deleted="2021-11-10 06:00"),
        post("alishamkhani_ir", "2021-11-10 08:00", "fa", """
آمریکا با حضور نظامی در عراق و سوریه منشأ اصلی ناامنی در منطقه است و حوادث اخیر بغداد
را نباید جدا از این واقعیت دید.""", US),
        post("Tura313", "2021-11-10 10:20", "ar", """
ملف المسيّرة يُغلق بصمت.. لأن فتحه يعني سؤال السفارة عن منظومتها التي لم تعمل.""",
             US),
        post("omartvsd", "2021-11-10 12:00", "en", """
Three days on, militia outlets are still insisting the attack on the PM was staged and
that the US embassy let it happen. No evidence offered for either claim."""),
    ]


def attack_posts() -> list[Draft]:
    return (before_attack_posts() + attack_night_posts() + morning_after_posts()
            + afternoon_and_after_posts())
