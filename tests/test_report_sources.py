from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from collectors.report_sources import Candidate, citation_name, deobfuscate, extract
from monitor.cli import cli
from tests.conftest import SHARED

SEED_REPORT = SHARED / "seed" / "analyst-report-2021-11-08.txt"


def handles(result: dict[str, list[Candidate]], platform: str) -> set[str]:
    return {c.handle for c in result[platform]}


def test_seed_report_gives_exactly_the_design_sources() -> None:
    result = extract(SEED_REPORT.read_text(encoding="utf-8"))
    assert handles(result, "telegram") == {"Tura313", "sabreenS1"}
    assert handles(result, "twitter") == {"alishamkhani_ir", "Qais_alkhazali", "omartvsd",
                                          "CalibreObscura", "TamerBadawi1"}
    tura = next(c for c in result["telegram"] if c.handle == "Tura313")
    assert tura.footnotes == [8, 9, 12] and tura.names == ["Tura News"]
    assert set(tura.posts) == {"21000", "20995", "20989", "21074"}
    shamkhani = next(c for c in result["twitter"] if c.handle == "alishamkhani_ir")
    assert shamkhani.footnotes == [6] and shamkhani.names == ["Ali Shamkhani"]
    assert handles(result, "unresolved") == {"t.co/QfNU5j5cJ0"}
    web = {c.handle: c for c in result["web"]}
    assert "shafaq.com" in web and "alaraby.co.uk" in web and "alnoornews.net" in web
    assert 24 not in web["shafaq.com"].footnotes and 9 in web["shafaq.com"].footnotes


def test_every_link_form_reports_use() -> None:
    text = "\n".join([
        "[1] A, Telegram. https://t.me/ChanOne/123",
        "[2] B, Telegram. t.me/ChanTwo",
        "[3] C, Telegram. telegram.me/ChanThree/9",
        "[4] D, Telegram. t dot me/ChanFour/77",
        "[5] E, Twitter. https://x.com/UserFive/status/1457?s=20",
        "[6] F, Twitter. twitter.com/UserSix?s=21&t=abc",
        "[7] G, Twitter. https://twitter.com/intent/tweet?text=hi",
        "[8] H, Twitter. https://twitter.com/i/status/1234",
        "[9] I, Twitter. https://mobile.twitter.com/UserNine/statuses/55",
        "[10] “Title” Wataniq, 2021. t dot co/AbCd1234",
        "[11] “A headline” Shafaq News, 2021. Shafaq dot com/en/x",
        "[12] “Another” Al Araby, 2021. Alaraby dot co dot uk/node/1",
        "[13] J, Telegram. https://t.me/joinchat/AAAAAEx and t.me/s/ChanThirteen",
        "[14] Not a link: the status of s=20 and www. intent here",
    ])
    result = extract(text)
    assert handles(result, "telegram") == {"ChanOne", "ChanTwo", "ChanThree", "ChanFour",
                                           "ChanThirteen"}
    assert handles(result, "twitter") == {"UserFive", "UserSix", "UserNine"}
    assert handles(result, "unresolved") == {"t.co/AbCd1234"}
    assert {"shafaq.com", "alaraby.co.uk"} <= handles(result, "web")
    assert not ({"status", "s", "intent", "i", "joinchat"} & {
        h.lower() for p in ("telegram", "twitter") for h in handles(result, p)})


def test_deobfuscation_and_citation_names() -> None:
    assert deobfuscate("t dot me/X/1") == "t.me/X/1"
    assert deobfuscate("Alaraby dot co dot uk/politics") == "Alaraby.co.uk/politics"
    assert deobfuscate("example[.]com") == "example.com"
    assert citation_name("Tura News Telegram, November 7, 2021. t dot me/Tura313/21000") == "Tura News"
    assert citation_name("“Missile bombing” Al Araby al-Jadeed, October 31, 2021.") == "Al Araby al-Jadeed"


def test_cli_extract_json_over_several_reports(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("[1] Z, Telegram. t.me/Tura313/5\n[2] Y, Twitter. x.com/NewOne\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["sources", "extract", str(SEED_REPORT), str(other), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    tura = next(c for c in data["telegram"] if c["handle"] == "Tura313")
    assert tura["reports"] == [SEED_REPORT.name, "other.txt"]
    assert {c["handle"] for c in data["twitter"]} >= {"NewOne", "alishamkhani_ir"}


def test_cli_extract_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["sources", "extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "No such file" in result.stderr and "Traceback" not in result.output
