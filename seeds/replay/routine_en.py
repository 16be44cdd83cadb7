"""English sentence banks for the routine traffic of the replay corpus.

Written fresh for the demonstration: a wire desk, an analysts' bank (the everyday work of
journalists and OSINT accounts), and an officials' bank. Markers as in routine_ar.
"""

from __future__ import annotations

SLOTS: dict[str, tuple[str, ...]] = {
    "province": (
        "Nineveh", "Anbar", "Diyala", "Kirkuk", "Salahuddin", "Basra", "Babil", "Dhi Qar",
        "Maysan", "Najaf", "Karbala", "Wasit", "Muthanna", "Diwaniyah",
    ),
    "front": ("Anbar", "Diyala", "Kirkuk", "Salahuddin", "Nineveh"),
    "country": (
        "Jordan", "Kuwait", "Egypt", "France", "Germany", "Japan", "China", "Qatar", "Oman",
        "Italy", "the UK", "Norway", "India", "Spain", "South Korea",
    ),
    "group": (
        "Harakat al-Nujaba", "Kata'ib Sayyid al-Shuhada", "Saraya Awliya al-Dam",
        "the PMF's 30th Brigade", "Kata'ib Jund al-Imam", "Saraya al-Khorasani",
        "Ashab al-Kahf", "Rab'allah", "Saraya Qasim al-Jabbarin", "the PMF's 12th Brigade",
    ),
    "weapon": (
        "a Type 56-1 rifle", "an RPG-7 variant", "a 107mm rocket rail", "a Katyusha launch tube",
        "Iranian-made RPG optics", "an M4 clone with a Chinese optic", "a Dragunov pattern rifle",
        "a locally built mortar", "a Sayad-2 style sniper rifle", "a quadcopter with a drop rig",
    ),
    "topic": (
        "PMF salaries", "the Sinjar agreement", "water shortages in the south",
        "Kurdish budget transfers", "the Basra power grid", "tribal disputes in Maysan",
        "ISIS remnants in the Hamrin mountains", "the dinar devaluation",
        "Turkish operations in Duhok", "the sit-in economy outside the Green Zone",
    ),
    "cases": ("1,140", "1,312", "1,486", "1,205", "1,053", "1,622", "1,278", "1,164",
              "1,391", "1,029"),
    "n": ("two", "three", "four", "five", "six", "seven"),
    "hours": ("two", "three", "four", "several"),
    "dinar": ("1,472", "1,475", "1,478", "1,480", "1,482"),
}

BANKS: dict[str, tuple[str, ...]] = {
    "wire": (
        "[10-30..10-31]G20 leaders meet in Rome with climate finance on the agenda",
        "[10-31..11-01]COP26 opens in Glasgow as negotiators warn of a tight timetable",
        "[10-25..10-26]Sudan's military dissolves civilian government; protesters fill Khartoum streets",
        "[11-02..11-03]Ethiopia declares a nationwide state of emergency as Tigrayan forces advance",
        "[10-24..10-26]Oil climbs toward a three-year high as supply stays tight",
        "[10-28..10-29]Facebook's parent company changes its name to Meta",
        "[11-03..11-04]Vienna talks on Iran's nuclear programme to resume on 29 November, Tehran says",
        "[11-04..11-05]Brent crude edges lower after OPEC+ sticks to its output plan",
        "[11-07..11-08]Nicaragua votes with main opposition figures in jail",
        "[11-02..11-03]US regulators clear a COVID-19 vaccine for children aged 5 to 11",
        "Iraq reports {cases} new COVID-19 cases as vaccination drive expands in {province}",
        "Iraqi forces say they killed {n} Islamic State militants in an operation in {front}",
        "[11-01..11-04]Iraqi oil exports steady in October, oil ministry says",
        "Iraqi President receives {country}'s ambassador in Baghdad",
        "Dust storm grounds flights at Baghdad airport for {hours} hours",
        "Turkey says it 'neutralised' {n} PKK militants in northern Iraq strikes",
        "Iraq signs a deal with a company from {country} to build a water plant in {province}",
        "[11-01..11-04]Protest sit-in over election results enters its third week near Baghdad's Green Zone",
        "Dinar trades at {dinar} to the dollar in Baghdad markets",
        "Farmers in {province} warn of losses as water allocations are cut",
        "Iraq's foreign minister travels to {country} for talks on energy and trade",
        "Roadside bomb wounds {n} soldiers in Iraq's {front} province",
        "{country} pledges support for Iraqi reconstruction projects in {province}",
        "Iraq's electricity ministry says {n} power lines restored after sabotage in {province}",
        "Tribal clash in {province} leaves {n} dead, police say",
        "[10-20..11-10]Iraq's election commission says it has reviewed most appeals; final results pending",
        "Iraq and {country} agree to expand direct flights",
    ),
    "analyst": (
        "New video from {group} shows {weapon}. Not seen in their media before, worth watching.",
        "Thread on how {group} presents itself online, and how that has changed since 2020 (1/7)",
        "Interesting detail in today's {group} release: {weapon} in the background.",
        "[10-11..11-10]Good read on {topic} after the election. Recommend.",
        "{group}'s Telegram output has been unusually quiet this week.",
        "Image quality is poor, but that looks like {weapon}. Happy to be corrected.",
        "Spent the afternoon archiving {group} material. Output volume is up on last month.",
        "A useful map of Turkish outposts in Duhok and Nineveh, for those following {topic}.",
        "New piece from me on {topic}, link below.",
        "Some {province} tribes are mediating between local PMF units and the police after a dispute.",
        "{group} posted a memorial video today; production values much higher than usual.",
        "Quick note on {topic}: the numbers being shared today don't add up.",
        "{group} is recruiting again in {province}, judging by today's posters.",
        "If you only read one thing on {topic} this week, make it this.",
        "Old photo resurfacing today: {group} fighters with {weapon}, probably 2017.",
        "Podcast episode on {topic} is up. We talk {province} and the wider picture.",
        "Correction to yesterday's post: the {group} video was filmed in {province}, not Baghdad.",
        "Anyone have the original of today's {group} clip? The repost is heavily compressed.",
    ),
    "official": (
        "Met today with {country}'s ambassador; we discussed trade, energy and regional security.",
        "A productive call with my {country} counterpart on cooperation and regional stability.",
        "Regional security is best guaranteed by the countries of the region themselves.",
        "Congratulations to the people of {country} on their national day.",
        "Our neighbours are our priority: trade and connectivity benefit every nation of the region.",
        "Iran is ready to share its experience in health and energy with {country}.",
        "Good talks with a delegation from {country} on transit corridors and trade.",
        "[10-27..10-31]Tehran's meeting of Afghanistan's neighbours showed the region can act together.",
        "[10-31..11-02]At COP26 the world must hear the countries already paying for climate change.",
    ),
    "premier": (
        "Iraq's partnership with {country} grows: new agreements in energy and water.",
        "Welcomed a delegation from {country} to discuss investment and reconstruction.",
        "Water security is national security; we are working with {country} on new projects.",
        "Visited {province} today to follow up on reconstruction and services.",
        "Condolences to the families of those who lost their lives in {province}.",
        "Received {country}'s ambassador; Iraq seeks balanced relations with all its partners.",
        "Our security forces continue to pursue ISIS remnants in {province}. They will find no refuge.",
    ),
}
