"""`make audit`: the locked dependencies (uv.lock, every group) against PyPI's advisories;
fails on a known vulnerability that accepted-risks.toml does not accept, or accepts no more.

pip-audit asks PyPI about each locked version. Where PyPI's per-version answer cannot be had
(a network that lets only the package index through), the project's own page still lists the
advisories open against its newest release: a locked version they affect fails the audit too,
and the dependencies checked that way only are counted, so that nobody mistakes the partial
check for a whole one."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
ACCEPTED_RISKS = ROOT / "accepted-risks.toml"
PROJECT_PAGE = "https://pypi.org/pypi/{name}/json"


class AcceptedRisk(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    package: str
    reason: str
    expires: date


class AcceptedRisks(msgspec.Struct, frozen=True):
    accepted: list[AcceptedRisk] = []


class Finding(msgspec.Struct, frozen=True):
    package: str
    version: str
    id: str
    fixed_in: tuple[str, ...]


def accepted_risks(path: Path, today: date) -> tuple[set[str], list[str]]:
    """The advisory ids still accepted, and what is wrong with the file (expired entries…)."""
    try:
        risks = msgspec.convert(tomllib.loads(path.read_text()), AcceptedRisks)
    except (tomllib.TOMLDecodeError, msgspec.ValidationError) as error:
        return set(), [f"{path.name}: {error}"]
    problems = [
        f"{path.name}: the acceptance of {risk.id} ({risk.package}) expired on {risk.expires}"
        for risk in risks.accepted
        if risk.expires < today
    ]
    problems += [
        f"{path.name}: {risk.id} ({risk.package}) gives no reason"
        for risk in risks.accepted
        if not risk.reason.strip()
    ]
    return {risk.id for risk in risks.accepted if risk.expires >= today}, problems


def locked_versions(requirements: str) -> dict[str, str]:
    pins = {}
    for line in requirements.splitlines():
        name, separator, version = line.split(";")[0].strip().partition("==")
        if separator and not name.startswith("#"):
            pins[name.lower()] = version.strip()
    return pins


def pip_audit_findings(requirements: Path, pins: dict[str, str]) -> tuple[list[Finding], list[str]]:
    """What pip-audit finds, and the dependencies it could not audit."""
    answer = subprocess.run(
        [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps",
         "--disable-pip", "--vulnerability-service", "pypi", "--format", "json",
         "--progress-spinner", "off"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    try:
        report = json.loads(answer.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"pip-audit gave no report:\n{answer.stderr}") from None
    findings, unaudited = [], []
    reported = {dependency["name"].lower() for dependency in report["dependencies"]}
    # a dependency of another platform (colorama on Windows…) is not audited by pip-audit
    unaudited += sorted(set(pins) - reported)
    for dependency in report["dependencies"]:
        name = dependency["name"].lower()
        if dependency.get("skip_reason"):
            unaudited.append(name)
        for vulnerability in dependency.get("vulns", []):
            fixed_in = tuple(vulnerability.get("fix_versions", []))
            for advisory in (vulnerability["id"], *vulnerability.get("aliases", [])):
                findings.append(Finding(name, pins.get(name, ""), advisory, fixed_in))
    return findings, unaudited


def open_advisories(page: dict[str, Any], name: str, version: str) -> list[Finding]:
    """The advisories PyPI lists against the project's newest release that also affect
    ``version``: those not fixed in a release at or before it."""
    findings = []
    for vulnerability in page.get("vulnerabilities") or []:
        fixed_in = tuple(vulnerability.get("fixed_in") or ())
        if any(_at_or_before(fix, version) for fix in fixed_in):
            continue
        for advisory in (vulnerability["id"], *(vulnerability.get("aliases") or [])):
            findings.append(Finding(name, version, advisory, fixed_in))
    return findings


def _at_or_before(fix: str, version: str) -> bool:
    try:
        return Version(fix) <= Version(version)
    except InvalidVersion:
        return False


def newest_release_findings(pins: dict[str, str], names: list[str]) -> list[Finding]:
    def findings_of(name: str) -> list[Finding]:
        with urllib.request.urlopen(PROJECT_PAGE.format(name=name), timeout=30) as answer:
            return open_advisories(json.load(answer), name, pins[name])

    try:
        with ThreadPoolExecutor(8) as pool:
            return [finding for found in pool.map(findings_of, names) for finding in found]
    except OSError as error:  # no network: the audit cannot say anything, so it fails
        raise SystemExit(f"dependency audit: PyPI cannot be reached ({error})") from None


def report(findings: list[Finding], accepted: set[str]) -> list[str]:
    """One line per vulnerable dependency not accepted (an advisory counts as accepted by
    any of its ids)."""
    by_vulnerability: dict[tuple[str, str, tuple[str, ...]], set[str]] = {}
    for finding in findings:
        key = (finding.package, finding.version, finding.fixed_in)
        by_vulnerability.setdefault(key, set()).add(finding.id)
    lines = []
    for (package, version, fixed_in), ids in sorted(by_vulnerability.items()):
        if ids & accepted:
            continue
        fix = f"fixed in {', '.join(fixed_in)}" if fixed_in else "no fixed release yet"
        lines.append(f"{package} {version}: {' / '.join(sorted(ids))} ({fix})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requirements", type=Path, help="pinned requirements (default: uv.lock)")
    args = parser.parse_args(argv)
    accepted, problems = accepted_risks(ACCEPTED_RISKS, date.today())
    with tempfile.TemporaryDirectory() as folder:
        requirements = args.requirements or Path(folder) / "requirements.txt"
        if args.requirements is None:
            subprocess.run(
                [str(ROOT / ".uv" / "bin" / "uv"), "export", "--frozen", "--all-groups",
                 "--no-hashes", "--no-emit-project", "--no-header", "--quiet",
                 "--format", "requirements-txt", "-o", str(requirements)],
                cwd=ROOT, check=True,
            )  # fmt: skip
        pins = locked_versions(requirements.read_text())
        findings, unaudited = pip_audit_findings(requirements, pins)
    findings += newest_release_findings(pins, unaudited)
    lines = report(findings, accepted)
    for line in problems + lines:
        print(line, file=sys.stderr)
    whole = len(pins) - len(unaudited)
    print(
        f"dependency audit: {len(pins)} locked, {whole} checked version by version, "
        f"{len(unaudited)} only against their newest release's advisories (no per-version answer "
        f"from PyPI, or of another platform); {len(lines)} vulnerable, "
        f"{len(accepted)} accepted risks"
    )
    return 1 if problems or lines else 0


if __name__ == "__main__":
    sys.exit(main())
