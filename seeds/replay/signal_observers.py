"""Hand-written hard negatives: journalists, analysts and outlets reporting the claims.

Reporting or debunking a narrative is not promoting it, so none of these carries a
narrative, even where the claim's own words ("false flag", «مسرحية», «فتنه») appear.
Also a few actor posts that use cue words in another sense. Fiction, written fresh.
"""

from __future__ import annotations

from seeds.replay.drafts import Draft, post


def reporting_posts() -> list[Draft]:
    return [
        # 26 October: al-Hawasha and the campaign that followed.
        post("ShafaqNews_demo", "2021-10-26 17:20", "ar", """
شفق نيوز/ هجوم مسلح لعناصر من داعش على قرية الهواشة في قضاء المقدادية بديالى يوقع
قتلى وجرحى بين الأهالي.""", links=["https://shafaq-news.example/ar/amn/hawasha"]),
        post("Wire_EN_demo", "2021-10-26 19:40", "en", """
Islamic State militants kill 11 in attack on village in Iraq's Diyala province, security
officials say."""),
        post("Wire_FA_demo", "2021-10-26 20:10", "fa", """
حمله داعش به روستایی در استان دیالی عراق دست‌کم ۱۱ کشته برجای گذاشت."""),
        post("MKadhimi_demo", "2021-10-26 21:00", "ar", """
وجهت القيادات الأمنية بالتوجه فوراً إلى ديالى وملاحقة منفذي جريمة الهواشة. دماء أهلنا
لن تذهب سدى."""),
        post("HadiAmeri_demo", "2021-10-27 06:50", "ar", """
نعزي أهالي الهواشة بشهدائهم الأبرار، ونطالب بتعزيز قطعات الحشد والجيش في مناطق شمال
شرق ديالى التي تشهد خروقات متكررة."""),
        post("ShafaqNews_demo", "2021-10-27 09:30", "en", """
Shafaq News/ UNAMI condemns the Diyala attack and calls for the perpetrators to be
brought to justice."""),
        post("TamerBadawi1", "2021-10-27 14:10", "en", """
Within hours of the Diyala massacre, pro-militia channels launched a campaign blaming
UNAMI and Plasschaert, in Arabic and English, under #UN_Militias. Worth documenting."""),
        post("omartvsd", "2021-10-28 19:30", "ar", """
حملة منظمة الليلة على وسم "مليشيات الأمم المتحدة" تتهم بعثة يونامي بالتغطية على داعش
وتزوير الانتخابات. النصوص متشابهة والتوقيت موحد."""),
        post("MKadhimi_demo", "2021-10-31 11:30", "en", """
Received UN Special Representative Jeanine Hennis-Plasschaert today. We discussed the
certification of the election results and support for Iraq's institutions."""),
        post("CalibreObscura", "2021-10-29 16:00", "en", """
The "UN militias" hashtag push is mostly a handful of militia-aligned accounts and
channels repeating each other. Noisy, not organic."""),
        # Gulf-Lebanon row, reported.
        post("AlAraby_demo", "2021-10-29 15:40", "ar", """
السعودية تطرد السفير اللبناني وتوقف الواردات من لبنان على خلفية تصريحات وزير الإعلام
جورج قرداحي بشأن حرب اليمن."""),
        post("Wire_EN_demo", "2021-10-30 10:00", "en", """
Bahrain, Kuwait and the UAE join Saudi Arabia in recalling envoys from Lebanon over
minister's remarks on Yemen war."""),
        post("Wire_FA_demo", "2021-10-30 11:30", "fa", """
بحرین، کویت و امارات در پی عربستان سفیران خود را از بیروت فراخواندند."""),
        post("AmirAbdoll_demo", "2021-10-30 14:00", "fa", """
در گفتگوی تلفنی با همتای لبنانی بر حمایت ایران از ثبات و حاکمیت لبنان تاکید کردم. حل
اختلاف‌ها از راه گفتگو ممکن است."""),
        post("TamerBadawi1", "2021-10-31 13:00", "en", """
Hezbollah-aligned media framing the Gulf measures as "Saudi blackmail" and tying them to
Yemen; Iraqi militia channels amplifying within hours. Same playbook, different capital."""),
        # Elections, reported.
        post("Wataniq_demo", "2021-10-28 09:00", "ar", """
المفوضية: الانتهاء من النظر في أغلب الطعون، وإعلان النتائج النهائية خلال أيام."""),
        post("TamerBadawi1", "2021-11-02 10:30", "en", """
The Fatah Alliance keeps saying the vote was "stolen", but it has yet to produce
station-level evidence that would change more than a couple of seats."""),
        post("omartvsd", "2021-11-04 16:20", "en", """
Calls circulating on militia channels for a big Friday protest at the Green Zone gates
against the election results. Expect a tense day tomorrow."""),
        # The attack, reported and debunked, in all three languages.
        post("Wataniq_demo", "2021-11-07 06:00", "ar", """
فصائل مسلحة تصف استهداف منزل رئيس الوزراء بـ"المسرحية"، وقيادات في الإطار التنسيقي
تتحدث عن "طرف ثالث"."""),
        post("alnoornews_demo", "2021-11-07 07:00", "ar", """
العامري يتهم "طرفاً ثالثاً" بالوقوف خلف استهداف منزل الكاظمي، والزيدي يصفه بـ"مشروع
فتنة"."""),
        post("AlAraby_demo", "2021-11-07 09:20", "ar", """
ردود متباينة على محاولة اغتيال الكاظمي: إدانات دولية واسعة، وقنوات مقربة من الفصائل
تشكك في وقوع الهجوم أصلاً."""),
        post("ShafaqNews_demo", "2021-11-07 10:40", "en", """
Shafaq News/ Fatah Alliance leader Hadi al-Ameri says a "third party" tried to
assassinate the PM in order to create strife."""),
        post("Wire_FA_demo", "2021-11-07 11:10", "fa", """
هادی العامری، رهبر ائتلاف فتح، از نقش «طرف سوم» در حمله به اقامتگاه نخست‌وزیر عراق
سخن گفت؛ برخی کانال‌های تلگرامی نیز حمله را «ساختگی» خواندند."""),
        post("CalibreObscura", "2021-11-07 11:50", "en", """
Militia Telegram channels are now calling the attack a "false flag" and the PM's
injuries "theatre". Worth remembering Khazali warned of exactly such a "plot" two days
ago."""),
        post("TamerBadawi1", "2021-11-07 13:00", "ar", """
الفصائل تروّج أن الهجوم "عملية مخابراتية" لتوريط المقاومة، وهي الرواية نفسها التي مهّد
لها الخزعلي يوم الجمعة."""),
        post("omartvsd", "2021-11-07 21:30", "en", """
The "C-RAM didn't fire" argument from militia channels misunderstands the system; it was
never going to intercept small drones over the PM's house."""),
        post("Wire_FA_demo", "2021-11-08 09:40", "fa", """
تحلیلگران: ادعای کانال‌های نزدیک به فصائل درباره «عملیات پرچم دروغین» با شواهد
میدانی هم‌خوانی ندارد."""),
        post("Wire_EN_demo", "2021-11-08 13:30", "en", """
Militia-linked media in Iraq cast PM attack as "staged"; analysts see coordinated
messaging with Iranian officials' talk of "sedition"."""),
        post("alnoornews_demo", "2021-11-08 15:00", "ar", """
محللون: الحديث عن "مسرحية" و"فتنة" بعد استهداف منزل رئيس الوزراء جاء بصيغ متقاربة
من جهات متعددة خلال ساعات."""),
        post("Wire_FA_demo", "2021-11-09 10:00", "fa", """
گزارش: پیام‌های هماهنگ درباره «فتنه» و «اندیشکده‌های خارجی» پس از حمله بغداد در
شبکه‌های اجتماعی دست‌به‌دست شد."""),
        # 31 October, reported in Persian.
        post("Wire_FA_demo", "2021-10-31 05:30", "fa", """
سه راکت در نزدیکی مقر دستگاه اطلاعات عراق در بغداد فرود آمد؛ کانال‌های نزدیک به گروه‌های
مسلح مدعی شدند هدف، سفارت آمریکا بوده است."""),
    ]


def actor_hard_negatives() -> list[Draft]:
    """Actors using cue words in another sense; none of these promotes a narrative."""
    return [
        post("Tura313", "2021-10-29 08:30", "ar", """
📖 من دروس التاريخ | خطيب الجمعة يستعرض أحداث الفتنة الكبرى في صدر الإسلام وكيف أدت
الفرقة إلى إراقة الدماء، داعياً إلى قراءة التاريخ بوعي."""),
        post("AmirAbdoll_demo", "2021-11-04 08:00", "fa", """
آماده‌ایم مذاکرات وین را در ۸ آذر از سر بگیریم. هدف ما لغو مؤثر و قابل راستی‌آزمایی
تحریم‌هاست."""),
        post("MKadhimi_demo", "2021-11-09 09:00", "en", """
Iraq will not be a stage for settling scores. The investigation into the attack on my
home is progressing, and its findings will be made public."""),
        post("sabreenS1", "2021-11-03 19:00", "ar", """
⚽ الطرف الثالث في صفقة انتقال اللاعب هو ناديه السابق الذي يطالب بنسبة من قيمة العقد."""),
    ]
