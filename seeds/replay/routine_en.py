"""English sentence banks for the routine traffic of the replay corpus.

Written fresh for the demonstration: a wire desk, an analysts' bank (the everyday work of
journalists and OSINT accounts), and an officials' bank.
"""

from __future__ import annotations

SLOTS: dict[str, tuple[str, ...]] = {
    "province": (
        "Nineveh", "Anbar", "Diyala", "Kirkuk", "Salahuddin", "Basra", "Babil", "Dhi Qar",
        "Maysan", "Najaf", "Karbala", "Wasit",
    ),
    "country": (
        "Jordan", "Kuwait", "Egypt", "France", "Germany", "Japan", "China", "Qatar", "Oman",
        "Italy", "the UK", "Norway",
    ),
    "group": (
        "Harakat al-Nujaba", "Kata'ib Sayyid al-Shuhada", "Saraya Awliya al-Dam",
        "the PMF's 30th Brigade", "Kata'ib Jund al-Imam", "Saraya al-Khorasani",
        "Ashab al-Kahf", "Rab'allah",
    ),
    "weapon": (
        "a Type 56-1 rifle", "an RPG-7 variant", "a 107mm rocket rail", "a Katyusha launch tube",
        "Iranian-made RPG optics", "an M4 clone with a Chinese optic", "a Dragunov pattern rifle",
        "a locally built mortar",
    ),
    "cases": ("1,140", "1,312", "1,486", "1,205", "1,053", "1,622", "1,278"),
    "n": ("two", "three", "four", "five", "six", "seven"),
    "world": (
        "G20 leaders meet in Rome with climate finance on the agenda",
        "COP26 opens in Glasgow as negotiators warn of a tight timetable",
        "Sudan's military dissolves civilian government; protesters fill Khartoum streets",
        "Ethiopia declares a nationwide state of emergency as Tigrayan forces advance",
        "Oil climbs toward a three-year high as supply stays tight",
        "Facebook's parent company changes its name to Meta",
        "Vienna talks on Iran's nuclear programme to resume on 29 November, Tehran says",
        "Brent crude edges lower after OPEC+ sticks to its output plan",
        "Nicaragua votes with main opposition figures in jail",
        "US regulators clear a COVID-19 vaccine for children aged 5 to 11",
    ),
}

BANKS: dict[str, tuple[str, ...]] = {
    "wire": (
        "{world}",
        "Iraq reports {cases} new COVID-19 cases as vaccination drive expands",
        "Iraq's election commission continues reviewing appeals; final results not yet certified",
        "Iraqi forces say they killed {n} Islamic State militants in an operation in {province}",
        "Iraqi oil exports steady in October, oil ministry says",
        "Iraqi President receives {country}'s ambassador in Baghdad",
        "Lebanon's fuel queues return as currency slides again",
        "Sandstorm grounds flights at Baghdad airport for several hours",
        "Iraq's central bank keeps dinar peg unchanged",
        "Kurdistan Region prepares for winter fuel shortages, officials say",
        "Turkey says it 'neutralised' {n} PKK militants in northern Iraq strikes",
        "Iraq signs deal with {country} firm to build a water treatment plant in {province}",
        "Protest sit-in over election results enters its third week near Baghdad's Green Zone",
    ),
    "analyst": (
        "New video from {group} shows {weapon}. Not seen in their media before, worth watching.",
        "Thread: how {group} presents itself online, and how that has changed since 2020 (1/7)",
        "Interesting detail in today's {group} release: {weapon} in the background.",
        "Good read on PMF budget politics after the election. Recommend.",
        "{group}'s Telegram output has been unusually quiet this week.",
        "Reminder that the final results have not been certified yet; talk of seat counts is early.",
        "Image quality is poor, but that looks like {weapon}. Happy to be corrected.",
        "Spent the afternoon archiving militia channels. Output volume is up on last month.",
        "Worth noting: the Fatah Alliance's statements today are more measured than last week's.",
        "A useful map of Turkish outposts in Duhok and Nineveh, for those following the north.",
        "My piece on Iraq's post-election coalition arithmetic is out now.",
        "Some {province} tribes are mediating between local PMF units and the police after a dispute.",
        "{group} posted a memorial video today; production values much higher than usual.",
        "Catching up on the Lebanese crisis. The Gulf angle matters for Iraq's factions too.",
    ),
    "official": (
        "Met today with {country}'s ambassador; we discussed trade, energy and regional security.",
        "A productive call with my {country} counterpart on cooperation and regional stability.",
        "Regional security is best guaranteed by the countries of the region themselves.",
        "Congratulations to the people of {country} on their national day.",
        "Our neighbours are our priority: trade and connectivity benefit every nation of the region.",
        "Climate change demands responsibility from those who caused it and solidarity with those who suffer.",
        "Condolences to the families of those who lost their lives in {province}.",
        "Iraq's partnership with {country} grows: new agreements in energy and water.",
    ),
}
