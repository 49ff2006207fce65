"""A cloned repository is not trusted: its templates, its remote URL, its commit messages and the
text stored in its ledger must not run code, read files, inject Markdown or act on a terminal."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git

TEMPLATE = Path(".ledger") / "templates" / "error_active.md.j2"
# Raw terminal controls: ESC (CSI, OSC 8), BEL, backspace, CR, C1, bidi overrides.
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _packaged_active() -> str:
    return (Path(__file__).parent.parent / "templates" / "error_active.md.j2").read_text()


def _override(root: Path, text: str, name: Path = TEMPLATE) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _open(run: LedgerRunner, root: Path, *extra: str) -> tuple[int, str, str]:
    result = run("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", *extra, cwd=root)
    return result.code, result.stdout, result.stderr


HOSTILE_TEMPLATES = {
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
    "globals-popen": "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}\n",
    "self-globals": "{{ self.__init__.__globals__ }}\n",
    "field-globals": "{{ field.__globals__['__builtins__'] }}\n",
    "absolute-include": "{% include '/etc/passwd' %}\n",
    "parent-include": "{% include '../../SECRET.txt' %}\n",
    "parent-import": "{% import '../../SECRET.txt' as s %}\n",
    "absolute-extends": "{% extends '/etc/passwd' %}\n",
    "missing-include": "{% include 'nowhere.j2' %}\n",
    "syntax-error": "{% if %}\n",
    "undefined": "{{ no_such_name }}\n",
    "string-bomb": "{{ 'x' * 10 ** 10 }}\n",
    "list-bomb": "{{ ([0] * 100000) * 100000 }}\n",
    "number-bomb": "{{ 7 ** 100000000 }}\n",
    "range-bomb": "{% for i in range(10 ** 9) %}{% endfor %}\n",
}


@pytest.mark.parametrize("payload", HOSTILE_TEMPLATES.values(), ids=HOSTILE_TEMPLATES.keys())
def test_a_hostile_template_runs_nothing_leaks_nothing_and_exits_1(
    ledger_repo: Path, run_ledger: LedgerRunner, payload: str
) -> None:
    (ledger_repo.parent / "SECRET.txt").write_text("TOP-SECRET\n")
    before = (ledger_repo / "ERRORS.md").read_text()
    _override(ledger_repo, "### {{ id }}\n{{ field('Status') }}\n" + payload)
    code, out, err = _open(run_ledger, ledger_repo)
    assert code == 1, (out, err)
    assert err.startswith(f"ledger: {TEMPLATE.as_posix()}:3: the template cannot be rendered"), err
    assert "delete it to use the packaged template" in err
    assert "internal error" not in err and "Traceback" not in err
    assert not (ledger_repo / "PWNED").exists() and not Path("PWNED").exists()
    for leak in ("root:", "TOP-SECRET", "<class", "Popen", "builtins"):
        assert leak not in out + err.replace("__globals__", "").replace("__builtins__", "")
    assert (ledger_repo / "ERRORS.md").read_text() == before, "nothing written"


def test_a_template_that_loops_on_and_on_is_stopped_with_a_message(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    before = (ledger_repo / "ERRORS.md").read_text()
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    _override(ledger_repo, "### {{ id }}\n" + loops + "\n")
    code, out, err = _open(run_ledger, ledger_repo)
    assert code == 1, (out, err)
    assert err.startswith(f"ledger: {TEMPLATE.as_posix()}: the template ran for more than 5 s")
    assert "delete it to use the packaged template" in err and "Traceback" not in err
    assert (ledger_repo / "ERRORS.md").read_text() == before, "nothing written"


def test_a_symlink_out_of_the_template_folder_is_refused(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.j2"
    secret.write_text("TOP-SECRET\n")
    _override(ledger_repo, "### {{ id }}\n{% include 'inc.j2' %}\n")
    os.symlink(secret, ledger_repo / ".ledger" / "templates" / "inc.j2")
    code, out, err = _open(run_ledger, ledger_repo)
    assert code == 1 and "TOP-SECRET" not in out + err
    assert f"{TEMPLATE.as_posix()}:2:" in err and "symbolic link out of" in err
    (ledger_repo / TEMPLATE).unlink()
    os.symlink(secret, ledger_repo / TEMPLATE)  # the override itself points out
    code, out, err = _open(run_ledger, ledger_repo)
    assert code == 1 and "TOP-SECRET" not in out + err
    assert "symbolic link out of" in err and TEMPLATE.as_posix() in err


def test_a_template_may_include_another_one_of_its_folders(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    _override(
        ledger_repo, _packaged_active().replace('{{ field("Area") }}', "{% include 'area.j2' %}")
    )
    _override(ledger_repo, '{{ field("Area") }}\n', TEMPLATE.parent / "area.j2")
    code, out, err = _open(run_ledger, ledger_repo)
    assert (code, out) == (0, "ERR-2026-11-20-001\n"), err
    assert "**Area**: api" in (ledger_repo / "ERRORS.md").read_text()
    assert run_ledger("check", cwd=ledger_repo).code == 0


def test_a_hostile_template_stops_a_fix_commit_with_a_message_not_code(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    """The issue's scenario: a fresh clone, hooks installed, a `Fixes:` commit."""
    assert _open(run_ledger, ledger_repo)[0] == 0
    git(ledger_repo, "add", "-A")
    git(ledger_repo, "commit", "-q", "-m", "Open an error")
    payload = "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}\n"
    _override(ledger_repo, payload, TEMPLATE.parent / "error_resolved.md.j2")
    assert run_ledger("hooks", "install", cwd=ledger_repo).code == 0
    (ledger_repo / "fix.txt").write_text("fixed\n")
    git(ledger_repo, "add", "fix.txt")
    git(ledger_repo, "commit", "-q", "-m", "Fix it", "-m", "Fixes: ERR-2026-11-20-001")
    result = run_ledger("sync", cwd=ledger_repo)
    assert result.code == 1 and "error_resolved.md.j2:1: the template cannot" in result.stderr
    assert not (ledger_repo / "PWNED").exists()


# -- terminal output ----------------------------------------------------------------------------

HOSTILE_TERMINAL = (
    "red\x1b[31m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 bs\x08 cr\r c1\x9b rtl\u202eabc"
)


def _assert_inert(text: str) -> None:
    assert not RAW_CONTROLS.search(text), repr(text)


def test_terminal_output_shows_control_characters_escaped(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    opened = run_ledger(
        "open", "P0", "api\u202e\x1b[2J", "--symptoms", HOSTILE_TERMINAL, "--at", "2026-11-20 09:00",
        "--", HOSTILE_TERMINAL, cwd=ledger_repo,
    )  # fmt: skip
    assert opened.code == 0, opened.stderr
    error_id = opened.stdout.strip()
    listed = run_ledger("list", cwd=ledger_repo)
    shown = run_ledger("show", error_id, cwd=ledger_repo)
    metrics = run_ledger("metrics", "--until", "2026-11-21", cwd=ledger_repo)
    unknown = run_ledger("show", "ERR-\x1b]8;;x\x07\u202e", cwd=ledger_repo)
    seen = run_ledger("seen", "ERR-2026-11-20-009\x1b[31m", cwd=ledger_repo)
    for result in (listed, shown, metrics, unknown, seen):
        _assert_inert(result.stdout + result.stderr)
    assert "red\\x1b[31m" in listed.stdout and "rtl\\u202eabc" in shown.stdout
    assert "api\\u202e\\x1b[2J" in listed.stdout + shown.stdout
    assert "\\x1b]8;;https://evil.example\\x07link" in shown.stdout
    assert unknown.code == 1 and "no error ERR-\\x1b]8;;X\\x07\\u202e" in unknown.stderr
    assert seen.code == 1 and "\\x1b[31M" in seen.stderr
    as_json = run_ledger("show", error_id, "--json", cwd=ledger_repo)
    entry = json.loads(as_json.stdout)
    assert entry["description"] == HOSTILE_TERMINAL, "--json gives the exact text"
    assert entry["fields"]["Symptoms"] == HOSTILE_TERMINAL
    _assert_inert(as_json.stdout)


# -- commits and remotes ----------------------------------------------------------------------

SUBJECT = "[click](javascript:alert(1)) ![img](x.png) <script>x</script> | `tick` ## not a heading"
FILES = ("[x](javascript:1).py", "a|b <c>.py", "`t`.py", "![i](y).png")


def _fix_commit(root: Path, subject: str, *trailer: str) -> None:
    for name in FILES:
        (root / name).write_text("fixed\n")
    git(root, "add", "--", *FILES)
    git(root, "commit", "-q", "-m", subject, *trailer)


def _assert_no_live_markdown(text: str) -> None:
    """No link or image opens (but the tool's own link to the journal), no raw HTML, no injected
    heading."""
    text = text.replace("[JOURNAL.md](JOURNAL.md#", "")
    assert not re.search(r"(?<!\\)\[[^\]\n]*(?<!\\)\]\(", text), "a live link or image"
    assert "<script>" not in text and "<c>" not in text
    assert not re.search(r"^#+ ?(not a heading|Injected)", text, re.M)


@pytest.mark.parametrize(
    ("remote", "link"),
    [
        ("https://github.com/o/r\n##Injected|x)", None),
        ("git@github.com:acme/widgets.git", "https://github.com/acme/widgets/commit/"),
        ("https://github.com/o/r)<script>|x", None),
    ],
    ids=["newline", "plain", "markdown-in-path"],
)
def test_hostile_subjects_file_names_and_remotes_stay_inert(
    ledger_repo: Path, run_ledger: LedgerRunner, remote: str, link: str | None
) -> None:
    git(ledger_repo, "remote", "add", "origin", remote)
    assert _open(run_ledger, ledger_repo)[0] == 0
    _fix_commit(ledger_repo, SUBJECT)
    sha = git(ledger_repo, "rev-parse", "HEAD")
    result = run_ledger(
        "resolve", "ERR-2026-11-20-001", "--commit", "HEAD", "--at", "2026-11-20 12:00",
        cwd=ledger_repo,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    errors = (ledger_repo / "ERRORS.md").read_text()
    journal = (ledger_repo / "JOURNAL.md").read_text()
    row = next(line for line in errors.splitlines() if line.startswith("| ERR-2026-11-20-001"))
    expected = f"[{sha[:7]}]({link}{sha})" if link else sha[:7]
    assert row.endswith(f"| {expected} |"), row
    _assert_no_live_markdown(errors.replace(expected, "") if link else errors)
    _assert_no_live_markdown(journal)
    assert "Injected" not in errors
    check = run_ledger("check", cwd=ledger_repo)
    assert check.code == 0, check.stdout
    entry = json.loads(run_ledger("show", "ERR-2026-11-20-001", "--json", cwd=ledger_repo).stdout)
    for name in FILES:
        assert f"{name} (+1/-0)" in entry["fields"]["Code Changes"]
    assert f"({SUBJECT})" in journal.replace("\\", "").replace("&lt;", "<").replace("&gt;", ">")


@pytest.mark.parametrize(
    ("pattern", "link"),
    [
        ("javascript:alert('{sha}')", None),
        (
            "https://git.example.com/<script>|x)\n## Injected/{sha}",
            "https://git.example.com/%3Cscript%3E%7Cx%29%0A##%20Injected/",
        ),
    ],
    ids=["javascript", "markdown-in-url"],
)
def test_a_configured_commit_url_is_linked_only_when_http_and_escaped(
    ledger_repo: Path, run_ledger: LedgerRunner, pattern: str, link: str | None
) -> None:
    config = ledger_repo / ".ledger.toml"
    config.write_text(config.read_text() + f"commit_url = {json.dumps(pattern)}\n")
    assert _open(run_ledger, ledger_repo)[0] == 0
    _fix_commit(ledger_repo, SUBJECT, "-m", "Fixes: ERR-2026-11-20-001")
    sha = git(ledger_repo, "rev-parse", "HEAD")
    result = run_ledger("sync", cwd=ledger_repo)
    assert result.code == 0, result.stderr
    errors = (ledger_repo / "ERRORS.md").read_text()
    row = next(line for line in errors.splitlines() if line.startswith("| ERR-2026-11-20-001"))
    expected = f"[{sha[:7]}]({link}{sha})" if link else sha[:7]
    assert row.endswith(f"| {expected} |"), row
    assert "Injected" not in errors.replace(expected, "")
    _assert_no_live_markdown(errors.replace(expected, "") if link else errors)
    _assert_no_live_markdown((ledger_repo / "JOURNAL.md").read_text())
    assert run_ledger("check", cwd=ledger_repo).code == 0


def test_brackets_written_raw_by_an_older_version_still_pass_check(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    opened = run_ledger(
        "open", "P0", "gpu[0]", "OOM on [rank0]", "--at", "2026-11-20 09:00", cwd=ledger_repo
    )
    assert opened.code == 0, opened.stderr
    errors = ledger_repo / "ERRORS.md"
    text = errors.read_text()
    assert "gpu\\[0\\]" in text
    errors.write_text(text.replace("\\[", "[").replace("\\]", "]"))  # as 0.1.0 wrote it
    checked = run_ledger("check", cwd=ledger_repo)
    assert (checked.code, checked.stdout) == (0, "")
    assert (
        run_ledger("seen", "ERR-2026-11-20-001", "--at", "2026-11-20 10:00", cwd=ledger_repo).code
        == 0
    )
    assert run_ledger("check", cwd=ledger_repo).code == 0
