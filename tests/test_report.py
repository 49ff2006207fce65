"""`ledger report`: the weekly report of real ledgers built with `--at` times in real repositories.

The fixture is the worked example of docs/metrics.md moved five weeks back (to weeks 2026-W41 to
W43, long over whatever day the suite runs), with a fix commit on a GitHub remote, a description
that is an HTML script, and a regression in the following week.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import frontmatter
import mistune
import pytest

from ledger_tool.exceptions import LedgerError
from ledger_tool.figures.cells import Cell, Table, markdown_table
from ledger_tool.figures.chart import axis_top, svg
from ledger_tool.figures.weeks import WeekCount, parse_week
from ledger_tool.markdown.textcodec import heading_anchor
from ledger_tool.model.timefmt import human_duration
from tests.conftest import LedgerRunner, git
from tests.test_metrics import _build, _metrics

SCRIPT = "<script>alert(1)</script> in a shard | name"
# ERR-2026-10-10-001 (A), ERR-2026-10-13-001 (B), ERR-2026-10-13-002 (C), ERR-2026-10-14-001 (D),
# ERR-2026-10-18-001 (E); week 2026-W42 is 10-12 to 10-19.
BEFORE_FIX = """
open P0 inference "CUDA OOM during eval" --at "2026-10-10 22:00"
seen ERR-2026-10-10-001 --count 2 --at "2026-10-12 02:00"
resolve ERR-2026-10-10-001 --at "2026-10-12 04:00" --commit HEAD --root-cause "eval batch too big for 80 GB" --solution "halve the eval batch"
"""
AFTER_FIX = f"""
open P0 training "NCCL timeout" --at "2026-10-13 10:00"
seen ERR-2026-10-13-001 --count 3 --at "2026-10-13 11:00"
open P0 inference "Tokenizer crash" --at "2026-10-13 12:00"
resolve ERR-2026-10-13-001 --at "2026-10-13 16:00" --commit HEAD
resolve ERR-2026-10-13-002 --at "2026-10-13 20:00"
open P1 data "{SCRIPT}" --at "2026-10-14 09:00"
reopen ERR-2026-10-13-001 --reason "again on the nightly run" --at "2026-10-15 08:00"
resolve ERR-2026-10-13-001 --at "2026-10-15 10:00"
seen ERR-2026-10-14-001 --count 2 --at "2026-10-16 15:00"
resolve ERR-2026-10-14-001 --at "2026-10-17 09:00"
open P1 api "Slow responses" --at "2026-10-18 18:00"
note ERR-2026-10-18-001 --next-steps "profile the tokenizer under load"
seen ERR-2026-10-10-001 --at "2026-10-20 12:00"
resolve ERR-2026-10-18-001 --at "2026-10-21 09:00"
"""
ORIGIN = "https://github.com/acme/widgets.git"


@pytest.fixture
def week_repo(ledger_repo: Path, run_ledger: LedgerRunner) -> dict[str, str]:
    """The ledger, and the Link to fix that `resolve --commit` wrote into ERRORS.md's table."""
    git(ledger_repo, "remote", "add", "origin", ORIGIN)
    _build(ledger_repo, run_ledger, BEFORE_FIX)
    row = next(
        line
        for line in (ledger_repo / "ERRORS.md").read_text().splitlines()
        if line.startswith("| ERR-2026-10-10-001 ")
    )
    _build(ledger_repo, run_ledger, AFTER_FIX)
    return {
        "link": row.strip("| ").rsplit(" | ", 1)[1],
        "sha": git(ledger_repo, "rev-parse", "HEAD"),
    }


def _report(repo: Path, run: LedgerRunner, *args: str) -> str:
    result = run("report", *args, cwd=repo)
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def _rows(text: str, title: str) -> list[str]:
    return [line for line in _section(text, title).splitlines() if line.startswith("| ")][1:]


def _change(text: str, label: str) -> list[str]:
    (row,) = [r for r in _rows(text, "Change against 2026-W42") if r.startswith(f"| {label} |")]
    return [cell.strip() for cell in row.strip("|").split("|")][1:]


# -- the Markdown report ---------------------------------------------------------------------------


def test_front_matter_holds_the_weeks_figures_of_metrics_json_and_stays_short(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    assert _report(ledger_repo, run_ledger, "--week", "2026-W42") == "reports/2026-W42.md"
    text = (ledger_repo / "reports" / "2026-W42.md").read_text()
    metadata = frontmatter.loads(text).metadata
    expected = _metrics(ledger_repo, run_ledger, "2026-10-12", "2026-10-19")
    # the week's figures, as metrics --json names them; the lists live in the body
    assert list(metadata) == [
        "window", "failures", "daily_rate", "ttr", "mtbf_hours", "mtbsi_hours", "recurrence",
        "sightings", "uptime_pct", "open_count", "too_little_data",
    ]  # fmt: skip
    assert metadata == {key: expected[key] for key in metadata}
    assert expected["open_count"] == len(expected["open"]) == 1
    # GitHub shows front matter as a table above the page: a short one
    assert text.index("\n---\n", 4) < 40 * 80 and text[: text.index("\n---\n", 4)].count("\n") < 32
    # the worked example of docs/metrics.md, five weeks earlier
    assert (expected["failures"], expected["ttr"]["mean_hours"], expected["uptime_pct"]) == (
        5,
        23.6,
        90.48,
    )


def test_errors_opened_resolved_and_regressed_with_their_links(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    _report(ledger_repo, run_ledger, "--week", "2026-W42")
    text = (ledger_repo / "reports" / "2026-W42.md").read_text()
    errors = (ledger_repo / "ERRORS.md").read_text()
    # A is active again (it regressed in W43), the others are resolved: each link names the
    # heading the error has now
    assert (
        "\n### ERR-2026-10-10-001\n" in errors and "\n### ERR-2026-10-13-001 (RESOLVED)\n" in errors
    )
    a, b = (
        "[ERR-2026-10-10-001](../ERRORS.md#err-2026-10-10-001)",
        "[ERR-2026-10-13-001](../ERRORS.md#err-2026-10-13-001-resolved)",
    )
    c, d = (
        "[ERR-2026-10-13-002](../ERRORS.md#err-2026-10-13-002-resolved)",
        "[ERR-2026-10-14-001](../ERRORS.md#err-2026-10-14-001-resolved)",
    )
    e = "[ERR-2026-10-18-001](../ERRORS.md#err-2026-10-18-001-resolved)"
    shown = "&lt;script&gt;alert(1)&lt;/script&gt; in a shard \\| name"
    assert _rows(text, "Errors opened") == [
        f"| {b} | 2026-10-13 10:00 | P0 | training | NCCL timeout |",
        f"| {c} | 2026-10-13 12:00 | P0 | inference | Tokenizer crash |",
        f"| {d} | 2026-10-14 09:00 | P1 | data | {shown} |",
        f"| {e} | 2026-10-18 18:00 | P1 | api | Slow responses |",
    ]
    fix = f"[{week_repo['sha'][:7]}](https://github.com/acme/widgets/commit/{week_repo['sha']})"
    assert fix == week_repo["link"]  # as the table's Link to fix had it
    why = "eval batch too big for 80 GB | halve the eval batch"
    assert _rows(text, "Errors resolved") == [
        f"| {a} | 2026-10-12 04:00 | 1 d 6 h | {fix} | P0 | inference | CUDA OOM during eval | {why} |",
        f"| {b} | 2026-10-13 16:00 | 6 h | {fix} | P0 | training | NCCL timeout | - | - |",
        f"| {c} | 2026-10-13 20:00 | 8 h | - | P0 | inference | Tokenizer crash | - | - |",
        f"| {b} | 2026-10-15 10:00 | 2 h | - | P0 | training | NCCL timeout | - | - |",
        f"| {d} | 2026-10-17 09:00 | 3 d | - | P1 | data | {shown} | - | - |",
    ]
    assert _rows(text, "Errors regressed or reopened") == [
        f"| {b} | 2026-10-15 08:00 | reopened: again on the nightly run | P0 | training | NCCL timeout |",
    ]
    assert _rows(text, "Open at the end of the week") == [
        f"| {e} | P1 | api | 6 h | Slow responses | profile the tokenizer under load |"
    ]
    # area, failures, share, resolved, open at the end, sightings, p50 time to resolve
    assert _rows(text, "Areas") == [
        "| training | 2 | 40% | 2 | 0 | 4 | 4 h |",
        "| api | 1 | 20% | 0 | 1 | 1 | - |",
        "| data | 1 | 20% | 1 | 0 | 3 | 3 d |",
        "| inference | 1 | 20% | 2 | 0 | 3 | 19 h |",
    ]
    assert _rows(text, "Seen most often") == [
        f"| {b} | 4 | 4 | P0 | training | NCCL timeout |",
        f"| {d} | 3 | 3 | P1 | data | {shown} |",
        f"| {a} | 2 | 4 | P0 | inference | CUDA OOM during eval |",
    ]


def test_the_markdown_parses_as_intended_and_no_html_gets_through(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    _report(ledger_repo, run_ledger, "--week", "2026-W42")
    body = frontmatter.load(ledger_repo / "reports" / "2026-W42.md").content
    # without escaping, so that any raw HTML in the report would come through as HTML
    page = mistune.create_markdown(escape=False, plugins=["table"])(body)
    assert "<script" not in page
    cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", page)]
    assert SCRIPT in cells  # one cell, its `|` kept: the table still has its columns
    assert page.count("<table>") == 9


def test_mermaid_chart_of_failures_per_week(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    _report(ledger_repo, run_ledger, "--week", "2026-W42")
    text = (ledger_repo / "reports" / "2026-W42.md").read_text()
    chart = re.search(r"\n```mermaid\n(.*?)\n```\n", text, re.S)
    assert chart is not None
    lines = chart.group(1).splitlines()
    assert lines[1] == "xychart-beta"
    weeks = ", ".join(f'"W{n}"' for n in range(35, 43))
    assert f"    x-axis [{weeks}]" in lines
    # W41: A opened; W42: B, C, D, B again, E (A's regression is in W43, after the week); the
    # bars of all failures first, then the P0 ones drawn over them, in the HTML chart's colours
    assert lines[-2:] == ["    bar [0, 0, 0, 0, 0, 0, 1, 5]", "    bar [0, 0, 0, 0, 0, 0, 1, 3]"]
    assert '"plotColorPalette": "#e8a33d, #c0392b"' in lines[0]
    assert '    y-axis "Failures" 0 --> 5' in lines


def test_the_next_week_shows_the_change_read_back_from_the_report_before(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    first = ledger_repo / "reports" / "2026-W42.md"
    _report(ledger_repo, run_ledger, "--week", "2026-W42")
    _report(ledger_repo, run_ledger, "--week", "2026-W43")
    text = (ledger_repo / "reports" / "2026-W43.md").read_text()
    assert "2026-W42 as its report [2026-W42.md](2026-W42.md) recorded it." in text
    # W42: 5 failures, 1 reopen event, 1 open at the end; W43: A regressed, E resolved
    assert _change(text, "failures") == ["5", "1", "-4 (better)"]
    assert _change(text, "reopen/regression events") == ["1", "1", "no change"]
    assert _change(text, "open at the end") == ["1", "1", "no change"]
    assert _change(text, "MTTR") == ["23 h 36 m", "2 d 15 h", "too little data"]  # n = 1 in W43
    assert "Too little data for a trend" in text
    assert _rows(text, "Errors regressed or reopened")[0].startswith(
        "| [ERR-2026-10-10-001](../ERRORS.md#err-2026-10-10-001) | 2026-10-20 12:00 | regressed at "
    )
    # the numbers come from the report's front matter: change it, and the next report follows
    post = frontmatter.load(first)
    post.metadata["failures"] = 9
    first.write_text(frontmatter.dumps(post, sort_keys=False) + "\n")
    _report(ledger_repo, run_ledger, "--week", "2026-W43")
    text = (ledger_repo / "reports" / "2026-W43.md").read_text()
    assert _change(text, "failures") == ["9", "1", "-8 (better)"]

    # a report of part of the week (written while it ran), one that cannot be read, or none:
    # the figures are computed from the ledger
    def computed() -> None:
        _report(ledger_repo, run_ledger, "--week", "2026-W43")
        text = (ledger_repo / "reports" / "2026-W43.md").read_text()
        assert "2026-W42 computed from the ledger." in text
        assert _change(text, "failures") == ["5", "1", "-4 (better)"]

    post.metadata["window"]["until"] = "2026-10-16T09:30:00+00:00"
    first.write_text(frontmatter.dumps(post, sort_keys=False) + "\n")
    computed()
    first.write_text("---\nfailures: [\n---\n")
    computed()
    first.unlink()
    computed()


def test_figures_table_marks_too_little_data(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    _report(ledger_repo, run_ledger, "--week", "2026-W42")
    text = (ledger_repo / "reports" / "2026-W42.md").read_text()
    rows = _rows(text, "Figures")
    assert "| failures (episodes started) | 5 | 3 | 2 |" in rows
    assert "| time to resolve: mean = MTTR | 23 h 36 m | 11 h 30 m\\* | 3 d\\* |" in rows
    assert "| uptime (no P0 episode), % | 90.48 |  |  |" in rows
    assert "\n\\* too little data (fewer than 5 cases): an anecdote, not a trend.\n" in text


# -- the HTML report -------------------------------------------------------------------------------


def test_html_is_one_self_contained_page_with_user_text_escaped(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    out = _report(ledger_repo, run_ledger, "--week", "2026-W42", "--format", "html")
    assert out == "reports/2026-W42.html"
    page = (ledger_repo / out).read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; in a shard | name" in page
    assert "<script" not in page.lower()
    for fetch in ("src=", "<link", "@import", "url(", "<iframe", "<object", "<img"):
        assert fetch not in page.lower(), fetch
    assert (
        page.count("<svg") == 1 and page.count("<rect") == 1 + 2 + 2
    )  # W41; W42 P0 and P1; the legend
    assert page.count("<table>") == 9
    href = f'href="https://github.com/acme/widgets/commit/{week_repo["sha"]}"'
    assert href in page
    assert 'href="../ERRORS.md#err-2026-10-13-001-resolved"' in page


def test_html_links_only_to_web_addresses_and_the_ledger(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    config = ledger_repo / ".ledger.toml"
    config.write_text(config.read_text() + 'commit_url = "javascript:alert({sha})"\n')
    _report(ledger_repo, run_ledger, "--week", "2026-W42", "--format", "html")
    page = (ledger_repo / "reports" / "2026-W42.html").read_text()
    assert "javascript:" not in page
    assert f'<td class="col-l">{week_repo["sha"][:7]}</td>' in page


# -- paths, overwriting, templates, weeks ----------------------------------------------------------


def test_output_path_and_what_may_be_replaced(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    out = ledger_repo / "site" / "deep" / "w42.md"
    assert (
        _report(ledger_repo, run_ledger, "--week", "2026-W42", "-o", str(out)) == "site/deep/w42.md"
    )
    assert "[ERR-2026-10-13-001](../../ERRORS.md#err-2026-10-13-001-resolved)" in out.read_text()
    assert _report(
        ledger_repo, run_ledger, "--week", "2026-W41", "-o", str(out)
    )  # a report: replaced
    assert frontmatter.load(out).metadata["window"]["since"] == "2026-10-05T00:00:00+00:00"
    notes = ledger_repo / "notes.md"
    notes.write_text("# my notes\n")
    refused = run_ledger("report", "--week", "2026-W42", "-o", "notes.md", cwd=ledger_repo)
    assert refused.code == 1 and "notes.md exists and is not a ledger report" in refused.stderr
    assert notes.read_text() == "# my notes\n"
    assert _report(ledger_repo, run_ledger, "--week", "2026-W42", "-o", "notes.md", "--force")
    assert frontmatter.load(notes).metadata["failures"] == 5
    assert not [p.name for p in (ledger_repo / "site" / "deep").iterdir() if p.name != "w42.md"]


def test_templates_are_overridden_from_the_repository(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    folder = ledger_repo / ".ledger" / "templates"
    folder.mkdir(parents=True)
    (folder / "report.md.j2").write_text("# Our week {{ report.week }}\n\n{{ tables.opened }}\n")
    (folder / "report.html.j2").write_text(
        '<meta name="generator" content="ledger report"><p>{{ tables.opened.rows[2][4].text }}</p>\n'
    )
    _report(ledger_repo, run_ledger, "--week", "2026-W42")
    post = frontmatter.load(ledger_repo / "reports" / "2026-W42.md")
    assert post.content.startswith("# Our week 2026-W42\n\n| ID | Opened |")
    assert post.metadata["failures"] == 5
    _report(ledger_repo, run_ledger, "--week", "2026-W42", "--format", "html")
    page = (ledger_repo / "reports" / "2026-W42.html").read_text()
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt; in a shard | name</p>" in page


def test_the_default_week_is_the_current_one_so_far(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    before = datetime.now(UTC)
    out = _report(ledger_repo, run_ledger)
    after = datetime.now(UTC)
    labels = {f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in (before, after)}
    assert out in {f"reports/{label}.md" for label in labels}
    window = frontmatter.load(ledger_repo / out).metadata["window"]
    monday = before.date() - timedelta(days=before.weekday())
    assert window["since"] in (
        f"{monday}T00:00:00+00:00",
        f"{monday + timedelta(weeks=1)}T00:00:00+00:00",
    )
    assert datetime.fromisoformat(window["until"]) <= after
    assert "**in progress**" in (ledger_repo / out).read_text()
    assert "No error was opened this week." in (ledger_repo / out).read_text()


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-W54", "2026 has no ISO week 54"),
        ("2025-W53", "2025 has no ISO week 53"),
        ("next", "cannot read week 'next'"),
        ("2999-W01", "week 2999-W01 has not begun yet"),
    ],
    ids=["week-54", "no-week-53", "word", "future"],
)
def test_bad_weeks_are_user_errors(
    ledger_repo: Path, run_ledger: LedgerRunner, week: str, message: str
) -> None:
    result = run_ledger("report", "--week", week, cwd=ledger_repo)
    assert result.code == 1 and message in result.stderr
    assert not (ledger_repo / "reports").exists()


def test_a_week_across_a_dst_change_matches_metrics(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    config = ledger_repo / ".ledger.toml"
    config.write_text(config.read_text().replace('"UTC"', '"Europe/Berlin"'))
    _build(
        ledger_repo,
        run_ledger,
        """
        open P0 api "x" --at "2026-10-25 01:00"
        resolve ERR-2026-10-25-001 --at "2026-10-25 04:00"
        """,
    )
    _report(ledger_repo, run_ledger, "--week", "2026-w43")
    metadata = frontmatter.load(ledger_repo / "reports" / "2026-W43.md").metadata
    figures = _metrics(ledger_repo, run_ledger, "2026-10-19", "2026-10-26")
    assert metadata == {key: figures[key] for key in metadata}
    assert metadata["ttr"]["mean_hours"] == 4.0  # 01:00 to 04:00 over the change: 4 hours
    assert metadata["window"]["until"] == "2026-10-26T00:00:00+01:00"


# -- the parts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W47", date(2026, 11, 16)),
        ("2026w47", date(2026, 11, 16)),
        ("2027-W01", date(2027, 1, 4)),
        ("2025-W53", None),
        ("2026-W53", date(2026, 12, 28)),
        ("2020-W53", date(2020, 12, 28)),
        ("this", date(2026, 11, 16)),
        ("LAST", date(2026, 11, 9)),
    ],
    ids=lambda v: str(v),
)
def test_parse_week(text: str, monday: date | None) -> None:
    today = date(2026, 11, 22)  # a Sunday
    if monday is None:
        with pytest.raises(LedgerError, match="no ISO week"):
            parse_week(text, today)
    else:
        assert parse_week(text, today) == monday


@pytest.mark.parametrize(
    ("peak", "top"),
    [
        (0, (1, 1)),
        (4, (4, 1)),
        (5, (5, 1)),
        (6, (6, 2)),
        (11, (15, 5)),
        (23, (25, 5)),
        (51, (60, 20)),
    ],
)
def test_axis_top(peak: int, top: tuple[int, int]) -> None:
    assert axis_top(peak) == top


def test_svg_bars_are_stacked_to_scale() -> None:
    weeks = [WeekCount("W01", date(2027, 1, 4), 2, 2), WeekCount("W02", date(2027, 1, 11), 0, 0)]
    chart = svg(weeks)
    p0, p1 = chart.bars
    assert (p0.severity, p1.severity) == ("P0", "P1")
    assert p0.y + p0.height == chart.baseline and p1.y + p1.height == p0.y
    assert p0.height == p1.height == (chart.baseline - chart.ticks[-1].y) / 2
    assert [t.text for t in chart.ticks] == ["0", "1", "2", "3", "4"]


def test_heading_anchor_is_githubs() -> None:
    assert heading_anchor(" ERR-2026-11-20-001 (RESOLVED)\r") == "err-2026-11-20-001-resolved"


HOSTILE = [
    "a | b",
    "*not bold* _nor_ ~~struck~~",
    "[x](javascript:1)",
    "`code` \\ <b>",
    "&amp; é 🔥",
]


def test_markdown_cells_show_exactly_their_text() -> None:
    table = Table(("text",), [(Cell(text),) for text in HOSTILE], "w", "")
    page = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])(
        markdown_table(table)
    )
    assert [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", page)] == HOSTILE


# -- the summary and the explanations -------------------------------------------------------------


def _summary(text: str) -> list[str]:
    return [line[2:] for line in _section(text, "Summary").splitlines() if line.startswith("- ")]


def test_the_summary_says_the_weeks_figures_in_sentences(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    _report(ledger_repo, run_ledger, "--week", "2026-W42")
    text = (ledger_repo / "reports" / "2026-W42.md").read_text()
    # By hand, from the fixture: opened B, C (P0), D, E (P1); B reopened; resolved A, B, C, B, D
    # (2, 6, 8, 30, 72 h: p50 8 h, p90 30 + 0.6 * 42 = 55.2 h); E open 6 h at the end; P0 down
    # 4 + 10 + 2 = 16 h; A and B came back (A in W43); B seen 1 + 3 times; W41 had A's opening.
    assert _summary(text) == [
        "4 critical errors opened (2 P0, 2 P1) and 1 reopened or regressed; 5 resolutions of 4 "
        "errors, median time to resolve 8 h (p90 2 d 7 h).",
        "1 still open at the end of the week: ERR-2026-10-18-001 (P1 api), for 6 h.",
        "P0 errors were open for 16 h of the week: uptime 90.48 %.",
        "2 of the 4 errors resolved came back within 30 days.",
        "Seen most often: ERR-2026-10-13-001, 4 sightings this week.",
        "5 failures, up from 1 in 2026-W41.",
    ]
    assert "†" not in text  # no figure is degenerate this week
    # the HTML page says the same, escaped
    _report(ledger_repo, run_ledger, "--week", "2026-W42", "--format", "html")
    page = (ledger_repo / "reports" / "2026-W42.html").read_text()
    assert (
        "<li>1 still open at the end of the week: ERR-2026-10-18-001 (P1 api), for 6 h.</li>"
        in page
    )


def test_a_p0_open_all_week_and_a_week_without_failures_are_explained(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    _build(
        ledger_repo,
        run_ledger,
        """
        open P0 storage "Checkpoint bucket unreachable" --at "2026-09-30 09:00"
        open P1 data "Shard checksum mismatch" --at "2026-10-01 10:00"
        resolve ERR-2026-10-01-001 --at "2026-10-01 12:30"
        """,
    )
    _report(ledger_repo, run_ledger, "--week", "2026-W42")
    text = (ledger_repo / "reports" / "2026-W42.md").read_text()
    assert _summary(text) == [
        "A quiet week: no critical error was opened, came back or was resolved.",
        "1 still open at the end of the week: ERR-2026-09-30-001 (P0 storage), for 18 days.",
        "P0 error ERR-2026-09-30-001 was open all week: uptime 0 %.",
        "As many failures as in 2026-W41 (0).",
    ]
    rows = _rows(text, "Figures")
    assert "| uptime (no P0 episode), % | 0.00† |  |  |" in rows
    assert "| MTBF | -† | - | - |" in rows
    figures = _section(text, "Figures")
    for explanation in (
        "† uptime 0 %: P0 error ERR-2026-09-30-001 was open for the whole week, so every hour "
        "counts as down.",
        "† MTBF: no failure started this week, so there is no time between failures to measure.",
        "† time to resolve: no error was resolved this week.",
    ):
        assert f"\n{explanation}\n" in figures
    # the weeks before: W40 had both failures, and the 2 h 30 m resolution
    trend = _rows(text, "Time to resolve per week")
    assert trend[-3] == "| W40 (09-28) | 2 | 1 | 2 h 30 m\\* | 2 h 30 m\\* |"
    assert trend[-1] == "| W42 (10-12) | 0 | 0 | - | - |"


def test_a_report_written_before_the_short_front_matter_is_still_read_back(
    ledger_repo: Path, run_ledger: LedgerRunner, week_repo: dict[str, str]
) -> None:
    """Reports of earlier versions carried all of `ledger metrics --json`: the open backlog as a
    list, no `open_count`.  The next week's change table still reads them."""
    whole = _metrics(ledger_repo, run_ledger, "2026-10-12", "2026-10-19")
    del whole["open_count"]
    whole["failures"] = 7
    old = ledger_repo / "reports" / "2026-W42.md"
    old.parent.mkdir()
    old.write_text(frontmatter.dumps(frontmatter.Post("# old", **whole), sort_keys=False) + "\n")
    _report(ledger_repo, run_ledger, "--week", "2026-W43")
    text = (ledger_repo / "reports" / "2026-W43.md").read_text()
    assert "2026-W42 as its report [2026-W42.md](2026-W42.md) recorded it." in text
    assert _change(text, "failures") == ["7", "1", "-6 (better)"]
    assert _change(text, "open at the end") == ["1", "1", "no change"]


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (0, "0 m"),
        (0.75, "45 m"),
        (1, "1 h"),
        (3.5, "3 h 30 m"),
        (23.99, "23 h 59 m"),
        (24, "1 d"),
        (55.2, "2 d 7 h"),
        (167.6, "7 days"),
        (12 * 24 + 20, "12 days"),
    ],
)
def test_human_duration(hours: float, words: str) -> None:
    assert human_duration(hours) == words


def test_big_counts_in_the_summary_have_thousands_separators() -> None:
    from ledger_tool.figures.summary import Week, sentences

    ttr = {"n": 1200, "p50_hours": 7.33, "p90_hours": 61.0, "mean_hours": 24.0}
    backlog = [
        {"id": "ERR-2024-11-20-003", "severity": "P1", "area": "network", "age_hours": 17568.0}
    ]
    data = {
        "window": {"since": "2026-11-16T00:00:00+00:00", "days": 7.0},
        "ttr": ttr,
        "recurrence": {"resolved": 1100, "regressed": 0, "window_days": 30},
        "open": backlog * 2893,
        "uptime_pct": 100.0,
        "failures": 1234,
    }
    before = {"failures": 1500, "ttr": {**ttr, "n": 3}}
    week = Week(
        "2026-W47", "2026-W46", True, {"P0": 1000, "P1": 200}, 0, ("ERR-2026-11-18-012", 16100)
    )
    assert sentences(data, before, week) == [
        "1,200 critical errors opened (1,000 P0, 200 P1); 1,200 resolutions of 1,100 errors, "
        "median time to resolve 7 h 20 m (p90 2 d 13 h).",
        "2,893 still open at the end of the week (P1), the oldest for 732 days "
        "(ERR-2024-11-20-003, P1 network).",
        "No P0 error was open: uptime 100 %.",
        "Seen most often: ERR-2026-11-18-012, 16,100 sightings this week.",
        "1,234 failures, down from 1,500 in 2026-W46.",
    ]


@pytest.mark.parametrize(
    ("now", "before", "said"),
    [
        (0.0, 0.012, "-1 pt (better)"),
        (0.5, 0.25, "+25 pts (worse)"),
        (0.253, 0.25, "+0.3 pts (worse)"),
    ],
)
def test_a_recurrence_rate_changes_by_percentage_points(
    now: float, before: float, said: str
) -> None:
    from ledger_tool.figures.catalogue import COMPARED
    from ledger_tool.figures.report import _change

    (rate,) = [f for f in COMPARED if f.change == "recurrence rate"]
    assert _change(rate, now, before) == said
