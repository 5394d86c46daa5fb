"""The dependency audit's decisions: which advisories fail it, and how a risk is accepted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.dependency_audit import (
    ACCEPTED_RISKS,
    Finding,
    accepted_risks,
    locked_versions,
    open_advisories,
    report,
)

TODAY = date(2026, 12, 7)
FINDING = Finding("jinja2", "2.10", "PYSEC-2019-217", ("2.10.1",))
ALIAS = Finding("jinja2", "2.10", "CVE-2019-10906", ("2.10.1",))


def acceptance(tmp_path: Path, expires: str, reason: str = "Sandbox never used.") -> Path:
    path = tmp_path / "accepted-risks.toml"
    path.write_text(
        f'[[accepted]]\nid = "CVE-2019-10906"\npackage = "jinja2"\nreason = "{reason}"\n'
        f"expires = {expires}\n"
    )
    return path


def test_the_projects_file_of_accepted_risks_reads_without_a_problem() -> None:
    assert accepted_risks(ACCEPTED_RISKS, TODAY)[1] == []


def test_a_vulnerable_locked_version_fails_the_audit_and_says_what_fixes_it() -> None:
    assert report([FINDING, ALIAS], accepted=set()) == [
        "jinja2 2.10: CVE-2019-10906 / PYSEC-2019-217 (fixed in 2.10.1)"
    ]


def test_an_accepted_risk_is_accepted_under_any_of_its_ids(tmp_path: Path) -> None:
    accepted, problems = accepted_risks(acceptance(tmp_path, "2027-01-31"), TODAY)
    assert problems == []
    assert report([FINDING, ALIAS], accepted) == []


def test_an_acceptance_past_its_date_fails_the_audit_again(tmp_path: Path) -> None:
    accepted, problems = accepted_risks(acceptance(tmp_path, "2026-12-06"), TODAY)
    assert problems == [
        "accepted-risks.toml: the acceptance of CVE-2019-10906 (jinja2) expired on 2026-12-06"
    ]
    assert report([FINDING, ALIAS], accepted) != []


def test_an_acceptance_without_a_reason_or_a_date_is_refused(tmp_path: Path) -> None:
    assert accepted_risks(acceptance(tmp_path, "2027-01-31", reason=" "), TODAY)[1]
    path = tmp_path / "accepted-risks.toml"
    path.write_text('[[accepted]]\nid = "CVE-1"\npackage = "x"\nreason = "because"\n')
    accepted, problems = accepted_risks(path, TODAY)
    assert accepted == set() and "expires" in problems[0]


def test_an_advisory_open_against_the_newest_release_counts_unless_fixed_at_our_version() -> None:
    page = {
        "vulnerabilities": [
            {"id": "GHSA-open", "aliases": ["CVE-2026-1"], "fixed_in": []},
            {"id": "GHSA-fixed", "aliases": [], "fixed_in": ["1.2.0"]},
            {"id": "GHSA-later", "aliases": [], "fixed_in": ["1.4.0"]},
        ]
    }
    found = {finding.id for finding in open_advisories(page, "lib", "1.3.0")}
    assert found == {"GHSA-open", "CVE-2026-1", "GHSA-later"}


def test_the_lock_export_is_read_as_exact_pins_markers_and_comments_aside() -> None:
    text = "# header\nasyncpg==0.32.0\n    # via boucle\nuvloop==0.23.0 ; sys_platform != 'win32'\n"
    assert locked_versions(text) == {"asyncpg": "0.32.0", "uvloop": "0.23.0"}
