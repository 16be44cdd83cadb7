"""Hand-written signal: the wider echo around the attack, in all three languages.

Fiction for the demonstration, written fresh: the same lines restated in each outlet's
own words (what the convergence measures should pick up), plus the "third party shot the
protesters" claim of 5 November and a few more voices in the regional campaigns.
"""

from __future__ import annotations

from seeds.replay.drafts import Draft, post

FF = ("false_flag",)
STAGED = ("staged_incident",)
SED = ("sedition",)
TP = ("third_party",)
US = ("us_culpability",)


def protest_day_posts() -> list[Draft]:
    """5–6 November: who fired on the protesters."""
    return [
        post("sabreenS1", "2021-11-05 14:10", "ar", """
شهود عيان: إطلاق نار من جهة مجهولة على المعتصمين قبل تدخل القوات الأمنية. طرف ثالث
يريد الدم في الشارع 🩸""", TP),
        post("HadiAmeri_demo", "2021-11-05 18:00", "ar", """
ما جرى اليوم أمام بوابات الخضراء يحمل بصمات جهة ثالثة أرادت إراقة الدم وإشعال
الشارع. نطالب بكشفها فوراً.""", TP),
        post("Tura313", "2021-11-05 20:30", "ar", """
من أطلق النار على المتظاهرين؟ القناصة لم يكونوا من المعتصمين ولا من الحشد.. يد خفية
تعبث بأمن بغداد.""", TP),
        post("kataibhezbollah_demo", "2021-11-06 09:00", "ar", """
إن ما يُحاك للعراق اليوم مشروع فتنة تديره السفارة الأمريكية، يبدأ بدم المتظاهرين ولن
ينتهي عنده، ونحذر من الانجرار إليه.""", ("sedition", "us_culpability")),
        post("Tura313", "2021-11-06 14:45", "ar", """
نكرر ما قاله الشيخ الخزعلي: هناك من يخطط لتفجير في الخضراء لتحميل المقاومة المسؤولية.
الأيام القادمة ستكشف كل شيء.""", FF),
        post("sabreenS1", "2021-11-06 16:10", "en", """
Remember this warning: intelligence-linked parties are preparing an explosion in the
Green Zone so they can blame the resistance factions. You heard it here first.""", FF),
    ]


def echo_posts() -> list[Draft]:
    """7–10 November: the lines restated across outlets and languages."""
    return [
        post("Tura313", "2021-11-07 04:20", "en", """
Iraq's PM staged a "drone attack" on his own house to play the victim after his forces
killed protesters on Friday. Nobody believes this theatre. #Iraq""", STAGED),
        post("AAH_spox_demo", "2021-11-07 06:05", "ar", """
الفتنة التي أرادها من خطط لحادثة الخضراء لن تمر؛ البيت الشيعي أوعى من أن يقتتل
أبناؤه خدمةً لمشاريع الخارج.""", SED),
        post("AmirAbdoll_demo", "2021-11-07 08:20", "ar", """
ندين الاعتداء على منزل رئيس الوزراء العراقي. هذه الفتنة تخدم من يريد للعراق أن يبقى
ساحة لعدم الاستقرار، ومن جاء بقواته من وراء البحار يتحمل المسؤولية.""",
             ("sedition", "us_culpability")),
        post("sabreenS1", "2021-11-07 09:15", "en", """
A false flag straight out of the intelligence playbook: hit the Green Zone, blame the
resistance, justify a crackdown. Qais al-Khazali warned of it two days ago.""", FF),
        post("kataibhezbollah_demo", "2021-11-07 11:40", "ar", """
نقولها بوضوح: من يقف خلف حادثة الخضراء جهة ثالثة تريد الفتنة بين أبناء البلد الواحد،
وبصمات الأمريكان عليها واضحة.""", ("third_party", "sedition", "us_culpability")),
        post("Tura313", "2021-11-07 13:10", "ar", """
اليد الخفية التي أطلقت النار على المتظاهرين يوم الجمعة هي نفسها التي أطلقت المسيّرات
فجر الأحد. ابحثوا عن المستفيد.""", TP),
        post("AAH_spox_demo", "2021-11-07 16:40", "en", """
Kadhimi's "assassination attempt" is the oldest trick in the book: play the victim,
win sympathy, hold on to power. Iraqis are not fooled.""", STAGED),
        post("sabreenS1", "2021-11-07 18:00", "ar", """
السفارة الأمريكية تدير أجواء الخضراء وأبراجها ومنظوماتها، ثم تتفاجأ بمسيّرتين؟ إما
شريكة وإما متواطئة.""", US),
        post("Qais_alkhazali", "2021-11-07 19:30", "ar", """
لا مصلحة لأي فصيل في هذا العمل. المستفيد هو من يريد جرّ العراق إلى الفتنة الداخلية
وتبرير بقاء القوات الأجنبية.""", ("sedition", "us_culpability")),
        post("ShiblZaidi_demo", "2021-11-07 21:15", "ar", """
مشروع الفتنة الذي حذرنا منه بدأ. من يريد الاقتتال الشيعي الشيعي يجلس في عواصم بعيدة
ويحرك أدواته هنا.""", SED),
        post("alishamkhani_ir", "2021-11-08 07:00", "fa", """
طرح‌های امنیتی بیگانگان برای عراق به بن‌بست رسیده است؛ آنان اکنون با فتنه‌افکنی میان
جریان‌های عراقی دنبال جبران شکست‌اند. هوشیاری مرجعیت و مردم این فتنه را خنثی می‌کند.""",
             SED),
        post("Tura313", "2021-11-08 09:30", "ar", """
كل الطرق تؤدي إلى السفارة: الخضراء محمية أمريكياً، الأجواء مراقبة أمريكياً، والمنظومة
صمتت أمريكياً. #منظومة_السي_رام""", US),
        post("kataibhezbollah_demo", "2021-11-08 11:20", "en", """
Statement: the Green Zone "attack" was a staged production meant to win sympathy and
to justify moves against the PMF. The script is poor and the audience has left.""",
             STAGED),
        post("HadiAmeri_demo", "2021-11-08 13:00", "ar", """
أكرر: طرف ثالث يقف خلف حادثة منزل رئيس الوزراء وخلف دماء المتظاهرين، ومهمة التحقيق أن
يصل إليه لا أن يتهم الأبرياء.""", TP),
        post("sabreenS1", "2021-11-08 15:45", "ar", """
العملية صُمّمت في غرف المخابرات لتُنسب إلى المقاومة. التحذير سبق الحدث بيومين،
والتنفيذ جاء كما رُسم.""", FF),
        post("AAH_spox_demo", "2021-11-08 18:30", "ar", """
منظومة C-RAM التي لم تعمل والكاميرات التي لم تسجل.. السفارة الأمريكية تعرف أكثر مما
تقول.""", US),
        post("lh_media_demo", "2021-11-08 19:40", "ar", """
ما يجري في بغداد جزء من حرب أمريكية على محور المقاومة: فتنة في العراق وحصار في لبنان،
والمايسترو واحد.""", ("sedition", "us_culpability")),
        post("Tura313", "2021-11-09 13:00", "ar", """
فتنة الخضراء صناعة أجنبية بامتياز، والعراقيون أسقطوها بوعيهم. #العراق_أقوى""", SED),
        post("kataibhezbollah_demo", "2021-11-09 15:20", "ar", """
جهات استخبارية أرادت من حادثة الخضراء ذريعة لضرب الحشد، فسقطت الذريعة قبل أن
تكتمل.""", FF),
        post("sabreenS1", "2021-11-10 14:00", "en", """
Four days later: no evidence, no suspects, no drone wreckage shown. Just a story built
to make a failed PM look like a victim. #Iraq""", STAGED),
    ]


def campaign_extra_posts() -> list[Draft]:
    """More voices in the regional campaigns, before the attack."""
    return [
        post("AAH_spox_demo", "2021-10-30 09:30", "ar", """
حصار لبنان اليوم وحصار اليمن بالأمس.. العدوان السعودي لا يعرف إلا لغة التجويع.""",
             ("gulf_aggression",)),
        post("kataibhezbollah_demo", "2021-11-05 08:30", "ar", """
القوات التركية المتمركزة في بعشيقة قوات احتلال، ولن يطول صبر العراقيين عليها.""",
             ("anti_turkish_presence",)),
        post("Tura313", "2021-11-02 18:30", "ar", """
🔴 مسيّرة تركية تستهدف عجلة في سنجار. الاحتلال التركي يقتل العراقيين والحكومة تتفرج.""",
             ("anti_turkish_presence",)),
        post("alishamkhani_ir", "2021-10-27 08:30", "fa", """
اتهام‌زنی به نیروهای مردمی عراق پس از جنایت داعش در دیالی، بخشی از پروژه آمریکایی
برای تضعیف حشد شعبی و بازگرداندن ناامنی به عراق است.""", US),
        post("sabreenS1", "2021-10-31 16:30", "ar", """
الاحتلال الأمريكي لم يخرج، بل غيّر اسمه إلى "مستشارين". وجوده سبب الإرهاب لا علاجه.""",
             US),
        post("Tura313", "2021-10-30 15:00", "ar", """
بعثة يونامي أعطت شهادة حسن سلوك لانتخابات مزورة، واليوم تلقي المواعظ عن التهدئة.
#مليشيات_الأمم_المتحدة""", ("un_interference", "election_fraud")),
    ]


def echoes() -> list[Draft]:
    return protest_day_posts() + echo_posts() + campaign_extra_posts()
