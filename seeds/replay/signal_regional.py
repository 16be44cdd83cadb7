"""Hand-written signal: the Gulf–Lebanon row, the 31 October rockets, and the campaign
against the Turkish presence that ran ahead of the 7 November rockets at Zlikan.

Fiction for the demonstration, written fresh.
"""

from __future__ import annotations

from seeds.replay.drafts import Draft, post, share

GULF = ("gulf_aggression",)
TURK = ("anti_turkish_presence",)
US = ("us_culpability",)


def gulf_lebanon_posts() -> list[Draft]:
    return [
        post("lh_media_demo", "2021-10-26 15:00", "ar", """
الوزير جورج قرداحي قال ما يعرفه كل حرّ: العدوان السعودي على اليمن حرب عبثية يدفع
ثمنها الأطفال والجياع. من يغضب من الحقيقة يكشف نفسه.""", GULF, media="video"),
        post("lh_media_demo", "2021-10-27 13:10", "ar", """
سحب السفراء والتهديد بالمقاطعة: هذا هو الابتزاز السعودي بأوضح صوره. لبنان ليس ولاية
تابعة للرياض، وكرامة اللبنانيين ليست للبيع. #قرداحي_لن_يعتذر""", GULF,
             key="lh-gulf-1"),
        post("Tura313", "2021-10-27 16:30", "ar", """
تضامناً مع لبنان 🇱🇧 آل سعود الذين دمّروا اليمن سبع سنوات يعاقبون اليوم بلداً كاملاً
لأن وزيراً وصف عدوانهم بما هو عليه.""", GULF),
        post("lh_media_demo", "2021-10-29 14:30", "ar", """
طرد السفير ووقف الواردات عقاب جماعي للبنانيين. مملكة تقصف صنعاء وتحاصر بيروت ثم
تتحدث عن الإساءة! #السعودية_تبتز_لبنان""", GULF),
        post("sabreenS1", "2021-10-29 18:20", "ar", """
🔴 السعودية تحظر الواردات اللبنانية.. الحصار الذي جُرّب على اليمن يُنقل إلى لبنان.
الرياض لا تحتمل كلمة حق واحدة عن حربها.""", GULF),
        post("Qais_alkhazali", "2021-10-30 10:15", "ar", """
تضامننا الكامل مع لبنان الشقيق ومع وزيره الذي رفض الانحناء أمام الابتزاز الخليجي.
من يحاصر الشعوب بسبب تصريح هو المعتدي لا الضحية.""", GULF),
        post("kataibhezbollah_demo", "2021-10-30 16:45", "ar", """
نقف مع لبنان وشعبه ومقاومته في وجه الاستكبار السعودي الذي لم يكتفِ بتدمير اليمن
فأراد تجويع اللبنانيين. العدوان واحد والمعركة واحدة.""", GULF),
        share("Tura313", "2021-10-30 19:00", "lh-gulf-1"),
        post("lh_media_demo", "2021-10-31 12:00", "ar", """
بالأرقام | ماذا فعل العدوان السعودي باليمن خلال سبع سنوات؟ ولماذا تخشى الرياض أن
يسمّي وزير لبناني الأشياء بأسمائها؟""", GULF, media="photo"),
        post("lh_media_demo", "2021-11-01 09:30", "ar", """
دول الخليج التي سحبت سفراءها تريد حكومة لبنانية مطيعة تطعن المقاومة. الابتزاز لن يمرّ،
واللبنانيون خبروا الحصار من قبل.""", GULF),
        post("Tura313", "2021-11-02 13:15", "ar", """
#لبنان | الضغط السعودي الخليجي على بيروت امتداد للعدوان على صنعاء، والهدف واحد: معاقبة
كل من يقف مع محور المقاومة.""", GULF),
        post("lh_media_demo", "2021-11-03 16:20", "ar", """
ابن سلمان يقاطع لبنان ويمطر اليمن بالغارات في اليوم ذاته. هذا هو المعتدي الذي يطالبنا
بالاعتذار!""", GULF),
        post("sabreenS1", "2021-11-04 12:35", "en", """
Saudi Arabia bombs Yemen daily and then punishes Lebanon for one honest sentence about
it. The aggressor wants an apology from its victims. #Lebanon #Yemen""", GULF),
        post("lh_media_demo", "2021-11-05 10:50", "ar", """
أسبوع على الأزمة: لا سفراء، لا واردات، ولا تراجع لبنانياً. الابتزاز الخليجي اصطدم
بجدار الكرامة.""", GULF),
        post("lh_media_demo", "2021-11-09 11:00", "ar", """
مأرب تقترب من الحسم، والرياض تصعّد ضد لبنان لتعويض خسائرها في اليمن. العدوان يتخبط.""",
             GULF),
    ]


def inis_rocket_posts() -> list[Draft]:
    return [
        post("ShafaqNews_demo", "2021-10-30 12:10", "en", """
Shafaq News/ Security forces found a rocket launch platform with one Katyusha rocket
still loaded in al-Shu'ala, north-west Baghdad, and made it safe.""",
             links=["https://shafaq-news.example/en/Iraq-News/launchpad-shuala"]),
        post("AlAraby_demo", "2021-10-31 01:38", "ar", """
عاجل | سماع دوي انفجارات في منطقة المنصور غربي بغداد، ولا معلومات فورية عن
الخسائر."""),
        post("sabreenS1", "2021-10-31 01:48", "ar", """
عاجل | ثلاثة صواريخ تسقط في محيط السفارة الأمريكية وسط بغداد 🚀""",
             pinned_id="33588", key="sab-33588", views=58_200),
        post("Tura313", "2021-10-31 02:05", "ar", """
صواريخ الليلة رسالة لسفارة الاحتلال: وجودكم في بغداد هو أصل كل خراب يعيشه العراق منذ
2003، ولن يكون لكم مقام آمن.""", US, key="tura-inis-us"),
        share("Tura313", "2021-10-31 02:11", "sab-33588"),
        share("sabreenS1", "2021-10-31 02:40", "tura-inis-us"),
        post("Wataniq_demo", "2021-10-31 02:30", "ar", """
مصدر لوطن: القصف الصاروخي في المنصور استهدف مقر جهاز المخابرات في وقت كان فيه
الكاظمي داخل المقر.""", links=["https://wataniq.example/news/mansour-rockets"]),
        post("ShafaqNews_demo", "2021-10-31 03:10", "en", """
Shafaq News/ Three rockets landed near the Iraqi National Intelligence Service
headquarters in al-Mansour. No casualties reported."""),
        post("CalibreObscura", "2021-10-31 06:00", "en", """
Militia channels are claiming last night's three rockets were aimed at the US
embassy. The reported launch point puts the embassy well out of range; the INIS HQ in
al-Mansour is the far likelier target."""),
        post("omartvsd", "2021-10-31 07:15", "ar", """
قنوات مقربة من الفصائل تروّج أن صواريخ الليلة استهدفت السفارة الأمريكية، بينما تشير
نقطة الإطلاق ومواقع السقوط إلى مقر جهاز المخابرات. الرسالة موجهة للكاظمي."""),
    ]


def turkish_presence_posts() -> list[Draft]:
    return [
        post("Tura313", "2021-11-01 09:00", "ar", """
القواعد التركية في بعشيقة احتلال صريح لأرض العراق، وصمت الحكومة لا يغيّر هذه الحقيقة.
لن يبقى المحتل مرتاحاً. #الاحتلال_التركي""", TURK, key="tura-turk-1"),
        post("sabreenS1", "2021-11-02 10:20", "ar", """
🔴 طائرات الاحتلال التركي تقصف قرى في سنجار ومخمور للمرة الثالثة خلال أسابيع، والحكومة
تكتفي بالاستنكار. على القوات التركية أن تخرج من أرضنا.""", TURK),
        share("sabreenS1", "2021-11-01 09:35", "tura-turk-1"),
        post("kataibhezbollah_demo", "2021-11-03 08:00", "ar", """
إن الوجود العسكري التركي في شمال العراق عدوان على السيادة لا يختلف عن أي احتلال آخر،
ومن حق العراقيين مقاومته بكل الوسائل.""", TURK),
        post("Tura313", "2021-11-03 15:40", "ar", """
🎥 بالفيديو | معسكر زليكان التركي قرب بعشيقة: أبراج مراقبة ومدافع على أرض عراقية.
إلى متى؟ #اخرجوا_من_العراق""", TURK, media="video"),
        post("sabreenS1", "2021-11-04 09:50", "ar", """
زليكان، بامرني، سيدكان.. خريطة الاحتلال التركي تتمدد شمالاً. العراق ليس حديقة خلفية
لأنقرة.""", TURK, media="photo"),
        post("AAH_spox_demo", "2021-11-04 15:05", "ar", """
لا فرق بين احتلال أمريكي واحتلال تركي؛ كل جندي أجنبي على أرض العراق بلا إذن شعبه
محتل يجب أن يرحل.""", TURK),
        post("Tura313", "2021-11-06 08:15", "ar", """
الجيش التركي يبني نقطة جديدة قرب العمادية.. التوغل مستمر والرد قادم. #الاحتلال_التركي""",
             TURK),
        # 7 November: rockets at Zlikan, and the channels cheering them.
        post("ShafaqNews_demo", "2021-11-07 13:55", "ar", """
شفق نيوز/ مصدر أمني: صواريخ تسقط داخل وقرب معسكر زليكان التركي في ناحية بعشيقة شمال
شرقي الموصل."""),
        post("sabreenS1", "2021-11-07 14:05", "ar", """
🚀🔥 صواريخ تدك قاعدة زليكان التابعة للاحتلال التركي في بعشيقة. رسالة واضحة: لا
أمان لمحتل على أرض العراق.""", TURK, key="sab-zlikan", media="video"),
        post("Tura313", "2021-11-07 14:20", "ar", """
زليكان تحت النار 🔥 من يحتل الأرض يدفع الثمن. التحية لمن أوصل الرسالة للجيش التركي.""",
             TURK),
        share("Tura313", "2021-11-07 14:32", "sab-zlikan"),
        post("AlAraby_demo", "2021-11-07 15:10", "ar", """
هجوم صاروخي يستهدف معسكراً للجيش التركي في بعشيقة شمالي العراق، ومعلومات عن سقوط
صاروخين داخله.""", links=["https://alaraby.example/politics/zlikan-rockets"]),
        post("Wire_EN_demo", "2021-11-07 16:00", "en", """
Rockets hit near Turkish base in northern Iraq's Bashiqa; no casualties reported,
security sources say."""),
        post("Wire_FA_demo", "2021-11-07 16:20", "fa", """
حمله موشکی به پایگاه نظامی ترکیه در بعشیقه در شمال عراق؛ گزارشی از تلفات منتشر
نشده است."""),
        post("TamerBadawi1", "2021-11-07 18:30:38", "en", """
As before the April, August and September attacks on Zlikan, militia-aligned channels
spent the preceding days pumping out "Turkish occupation" content. Today's rockets fit
the pattern.""", pinned_id="1457415212798251014"),
        post("CalibreObscura", "2021-11-07 18:55:50", "en", """
Grad rockets launched at the Turkish Zlikan base near Bashiqa from a truck-mounted
launcher outside Mosul. Local sources say at least two landed inside the camp.""",
             pinned_id="1457421555185733632", media="photo"),
        post("kataibhezbollah_demo", "2021-11-08 07:30", "ar", """
ما جرى في زليكان نتيجة طبيعية لاستمرار الاحتلال التركي. على أنقرة أن تسحب قواتها قبل
أن يتحول الشمال إلى ساحة استنزاف لها.""", TURK),
        post("sabreenS1", "2021-11-09 08:40", "ar", """
بعد زليكان.. الإعلام التركي يتحدث عن "إرهابيين". الإرهابي هو من يحتل أرض غيره ويقصف
قراها. #الاحتلال_التركي""", TURK),
    ]
