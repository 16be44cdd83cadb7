"""Hand-written signal: the stolen-election line and the campaign against UNAMI.

Fiction for the demonstration, written fresh; each post carries the narratives its
author was written to promote. After the ISIS attack on al-Hawasha (26 October) militia
outlets blame UNAMI and its chief in Arabic and English ("UN militias").
"""

from __future__ import annotations

from seeds.replay.drafts import Draft, post, share

EF = ("election_fraud",)
UN = ("un_interference",)
UN_EF = ("un_interference", "election_fraud")


def election_posts() -> list[Draft]:
    return [
        post("HadiAmeri_demo", "2021-10-24 09:10", "ar", """
نجدد رفضنا للنتائج المعلنة لأنها لا تعكس إرادة الناخبين. المطلوب عدّ وفرز يدوي شامل
لجميع المحطات، وغير ذلك لن يكون مقبولاً. #تحالف_الفتح""", EF),
        post("Tura313", "2021-10-24 12:30", "ar", """
📸 المعتصمون أمام بوابات المنطقة الخضراء يدخلون أسبوعهم الثاني، ومطلبهم واحد: إلغاء
النتائج المزوّرة وإعادة الحق لأصحابه. #الانتخابات_المزورة""", EF, media="photo"),
        post("sabreenS1", "2021-10-24 17:05", "ar", """
#الانتخابات_المزورة | أجهزة تسريع النتائج لم تتعطل صدفة.. الأرقام تغيّرت بين منتصف
الليل والصباح وأصوات جمهور الحشد تبخّرت. من يجرؤ على فتح الصناديق؟""", EF),
        post("Qais_alkhazali", "2021-10-25 08:00", "ar", """
ما حدث في العاشر من تشرين لم يكن عملية انتخابية بل مصادرة منظمة لأصوات الناس. لن نقبل
أن تُسرق إرادة جمهورنا ثم يُطلب منا الصمت.""", EF),
        post("kataibhezbollah_demo", "2021-10-25 14:00", "ar", """
بيان | إن المفوضية التي أخرجت هذه النتائج المطبوخة فقدت أهليتها، ونعلن دعمنا الكامل
للمعتصمين السلميين حتى تُلغى نتائج الاحتيال الانتخابي ويُعاد العد يدوياً.""", EF),
        post("AAH_spox_demo", "2021-10-25 19:00", "ar", """
الأرقام التي تعلنها المفوضية لا تطابق أوراق الاقتراع التي بيد وكلائنا. هناك تلاعب
موثق في عشرات المحطات وسنقدمه للقضاء.""", EF),
        post("ShiblZaidi_demo", "2021-10-26 06:30", "ar", """
سُرقت الانتخابات في وضح النهار، ومن سرقها يعرف نفسه جيداً. العد اليدوي أو الإلغاء.""",
             EF),
        post("sabreenS1", "2021-10-26 09:40", "en", """
Ten days on, nobody has explained why the results changed overnight. The October 10
vote was hijacked and Iraqis deserve a manual recount. #RiggedElections #Iraq""", EF),
        post("Tura313", "2021-10-28 10:15", "ar", """
الاعتصام مستمر 🔻 خيام المعتصمين تتوسع على طريق محمد القاسم رغم التضييق. رسالتهم:
أصواتنا ليست للبيع ولن نغادر قبل إبطال النتائج المزيفة.""", EF, media="video"),
        post("sabreenS1", "2021-10-29 13:20", "ar", """
جمعة الثبات على رفض التزوير.. آلاف المعتصمين يؤدون صلاة الجمعة أمام بوابات الخضراء
ويطالبون بإلغاء الانتخابات المسروقة 📍بغداد""", EF, media="photo"),
        post("HadiAmeri_demo", "2021-10-30 08:45", "ar", """
لن نسكت على التلاعب بأصوات العراقيين. قدّمنا الأدلة على الخروقات ونطالب المحكمة
الاتحادية بعدم المصادقة على نتائج مشكوك بها.""", EF),
        post("Tura313", "2021-11-01 08:40", "en", """
Another week, same demand: cancel the fake results of October 10. The sit-in outside
the Green Zone is peaceful and it is not going anywhere. #RiggedElections""", EF),
        post("kataibhezbollah_demo", "2021-11-02 11:30", "ar", """
نؤكد أن القبول بنتائج الانتخابات المزورة يعني القبول بمصادرة قرار الشعب، وعلى القضاء
أن يتحمل مسؤوليته التاريخية.""", EF),
        post("Qais_alkhazali", "2021-11-03 09:20", "ar", """
من يظن أن التزوير سيمرّ بالتقادم مخطئ. الأصوات المسروقة ستبقى شاهداً، ومطالبنا قانونية
وسلمية: عدّ يدوي شامل أو إلغاء.""", EF),
        post("sabreenS1", "2021-11-04 07:10", "ar", """
📢 دعوة عامة: غداً الجمعة تظاهرة كبرى أمام بوابات المنطقة الخضراء رفضاً لنتائج
الانتخابات المزورة. الحضور مسؤولية كل من سُرق صوته.""", EF),
        post("Tura313", "2021-11-04 10:00", "ar", """
غداً موعدنا 🇮🇶 تظاهرة الجمعة لرفض تزوير الانتخابات. سلمية، منظمة، وبلا تراجع.""",
             EF, media="photo"),
        post("AAH_spox_demo", "2021-11-09 10:00", "ar", """
ما زالت ملفات التزوير الانتخابي أمام القضاء، ولن تغطي الأحداث الأخيرة على حقيقة أن
الانتخابات سُرقت من أصحابها.""", EF),
        post("sabreenS1", "2021-11-10 09:30", "ar", """
اليوم الخامس والعشرون للاعتصام.. المعتصمون باقون ما دامت النتائج المزوّرة قائمة ⛺️
#الانتخابات_المزورة""", EF, media="photo"),
    ]


def un_campaign_posts() -> list[Draft]:
    drafts = [
        post("sabreenS1", "2021-10-26 20:40", "ar", """
دماء أهالي الهواشة في رقبة من انشغل بحماية نتائج بلاسخارت بدل حماية القرى. بعثة
يونامي وحلفاؤها أفرغوا الملف الأمني وسلّموا ديالى للذئاب. #مليشيات_الأمم_المتحدة""",
             UN, key="sab-un-hawasha"),
        post("Tura313", "2021-10-27 05:10", "ar", """
#مليشيات_الأمم_المتحدة 🔻 كلما ارتفع صوت الشارع ضد المفوضية تحرّك داعش فجأة. هل هي
صدفة أن تأتي مجزرة الهواشة بعد أسبوع من احتجاجات التزوير؟ اسألوا مكتب بلاسخارت.""",
             UN, key="tura-un-1"),
        post("sabreenS1", "2021-10-27 07:30", "en", """
#UN_Militias: every time Iraqis demand their stolen votes back, ISIS wakes up in
Diyala. Ask Plasschaert who benefits from the blood of al-Hawasha.""", UN_EF),
        post("kataibhezbollah_demo", "2021-10-27 09:00", "ar", """
بيان | نحمّل بعثة الأمم المتحدة وممثلتها المسؤولية عن التغطية على الجماعات الإرهابية
وعن توجيه الرأي العام بعيداً عن الجناة الحقيقيين في جريمة الهواشة. إن دور البعثة لم
يعد دور مراقب، بل دور شريك.""", UN),
        post("AAH_spox_demo", "2021-10-27 11:20", "ar", """
السيدة بلاسخارت تدير غرفة إعلامية تبرّئ داعش وتتهم الحشد في كل مرة. بعثة يونامي
تجاوزت حدودها، وعلى الحكومة أن توقفها عند حدها.""", UN),
        post("Tura313", "2021-10-27 13:00", "en", """
UNAMI's chief posts condolences for Diyala while her office blessed the fraud that
emptied the security file. Condolences from the arsonist. #UN_Militias #Iraq""", UN_EF,
             edits=[("2021-10-27 13:09", """
UNAMI's chief posts condolences for Diyala while her office blessed the fraud that
emptied the security file. Condolences from the arsonist. #UN_Militias #Iraq #Diyala""")]),
        post("sabreenS1", "2021-10-27 16:00", "ar", """
🔴 إنفوغراف | من هي جينين بلاسخارت؟ سفيرة تتدخل في تشكيل الحكومة، وتدير لقاءات مغلقة
مع السفارات، وتصمت عن كل خرق يطال فصائل المقاومة. #يونامي""", UN, media="photo"),
        post("Qais_alkhazali", "2021-10-28 08:30", "ar", """
بعثة الأمم المتحدة تجاوزت مهمتها وأصبحت طرفاً في الصراع السياسي، تغطي على التزوير
وتبرر للمزورين. لا نقبل أن تُدار إرادة العراقيين من مكتب أممي.""", UN_EF),
        post("Tura313", "2021-10-28 12:00", "ar", """
📣 حملة إلكترونية الليلة الساعة التاسعة بتوقيت بغداد على وسم #مليشيات_الأمم_المتحدة
و #UN_Militias .. شارك بالعربية والإنكليزية، لنوصل الصوت للعالم.""", UN),
        # The 21:00 Baghdad-time hashtag push: near-identical text from three actors.
        post("sabreenS1", "2021-10-28 18:02", "en", """
UNAMI stole your vote and now covers for ISIS in Diyala. Plasschaert must leave
Iraq. #UN_Militias""", UN_EF, key="un-copy-1"),
        post("Tura313", "2021-10-28 18:09", "en", """
UNAMI stole your vote, and now it covers for ISIS in Diyala! Plasschaert must leave
Iraq 🇮🇶 #UN_Militias""", UN_EF),
        post("AAH_spox_demo", "2021-10-28 18:21", "en", """
UNAMI stole your vote and now covers for ISIS in Diyala. Plasschaert must leave Iraq.
#UN_Militias #Iraq""", UN_EF),
        post("ShiblZaidi_demo", "2021-10-29 07:40", "ar", """
يونامي شريكة في هندسة نتائج الانتخابات، ومن يهندس النتائج لا يؤتمن على أمن القرى.
نطالب بمراجعة وجود البعثة ودورها.""", UN_EF),
        post("kataibhezbollah_demo", "2021-10-29 15:10", "en", """
Statement: the UN mission in Iraq has become a political actor that protects fraud
and shields terrorists. The Iraqi people will not accept a guardian in a blue helmet.""",
             UN_EF),
        post("sabreenS1", "2021-10-30 11:25", "ar", """
صمت يونامي عن شهداء الهواشة وضجيجها دفاعاً عن المفوضية يكشف لمن تعمل البعثة. الأمم
المتحدة في العراق ذراع سياسية لا أكثر.""", UN),
        post("Tura313", "2021-10-31 09:05", "ar", """
تقرير | كيف تحولت بعثة يونامي من مراقب إلى لاعب؟ لقاءات بلاسخارت بقادة الكتل، تدخلها في
ملف الحكومة، وتزامن بياناتها مع تحركات داعش.""", UN, links=["https://t.me/Tura313"]),
        post("AAH_spox_demo", "2021-11-01 12:40", "ar", """
من يبارك نتائج مزوّرة ويصمت عن الدم المسفوك في ديالى لا يحق له أن يحاضر العراقيين عن
الديمقراطية. #يونامي #بلاسخارت""", UN_EF),
        post("sabreenS1", "2021-11-02 14:00", "en", """
Reminder: the UN mission certified a broken count, then lectured Iraqis about
"calm". Iraq is not a UN protectorate. #UN_Militias""", UN_EF),
        post("Tura313", "2021-11-03 08:30", "ar", """
بلاسخارت في النجف.. وبعدها بساعات يخرج بيان يدافع عن المفوضية. البعثة الأممية تلعب
دور الوصي، والعراقيون يرفضون الوصاية. #مليشيات_الأمم_المتحدة""", UN),
        post("kataibhezbollah_demo", "2021-11-04 09:15", "ar", """
على الحكومة العراقية أن تراجع تفويض بعثة يونامي، فقد ثبت أنها تتجاوز دورها وتتدخل
بما لا يعنيها، من تشكيل الحكومة إلى الملف الأمني.""", UN),
    ]
    drafts += [
        share("Tura313", "2021-10-26 21:05", "sab-un-hawasha"),
        share("sabreenS1", "2021-10-27 05:40", "tura-un-1"),
    ]
    return drafts
