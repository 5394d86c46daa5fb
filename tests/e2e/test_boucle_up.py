"""``boucle up``: a newcomer's first command starts everything, restarts a service that crashes,
and Ctrl-C leaves nothing behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil


def _read_until(process: subprocess.Popen[str], marker: str, within: float) -> str:
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("boucle up did not say it was running:\n" + "".join(seen))


def _wait_for_page(url: str, within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as page:
                if page.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def _until_page_says(url: str, *texts: str, within: float) -> str:
    """The page once it shows all ``texts``: mails from several services come in any order."""
    deadline = time.monotonic() + within
    while True:
        with urllib.request.urlopen(url, timeout=5) as page:
            body: str = page.read().decode()
        missing = [text for text in texts if text not in body]
        if not missing or time.monotonic() > deadline:
            assert not missing, (missing, body)
            return body
        time.sleep(0.3)


def _alive(processes: list[psutil.Process]) -> list[str]:
    return [
        " ".join(p.cmdline()[:3]) for p in processes if p.is_running() and p.status() != "zombie"
    ]


def _boucle_up(*options: str) -> subprocess.Popen[str]:
    """``boucle up`` as a person starts it, with none of this session's BOUCLE_* settings."""
    return subprocess.Popen(
        [sys.executable, "-m", "boucle.cli", "up", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={key: value for key, value in os.environ.items() if not key.startswith("BOUCLE_")},
        start_new_session=True,
    )


def test_boucle_up_demo_serves_passports_restarts_a_killed_service_and_ctrl_c_stops_all(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    process = _boucle_up("--demo", "--free-ports", "--data", str(data))
    try:
        printed = _read_until(process, "Press Ctrl-C to stop", within=120)
        printed += _read_until(process, "admin", within=10)
        passports = re.findall(r"http://127\.0\.0\.1:\d+/d/[0-9A-Z]{9}", printed)
        assert len(passports) >= 4
        for role in ("collector", "coordinator", "admin"):
            assert re.search(rf"^\s+{role}\s+\S+\.\S+$", printed, re.MULTILINE), role
        with urllib.request.urlopen(passports[0], timeout=10) as page:
            assert page.status == 200
            assert "Passeport" in page.read().decode()
        collected = re.search(r"http://127\.0\.0\.1:\d+/guichet/[0-9a-f-]{36}/collecte", printed)
        assert collected, "the demo says where a point's donations are, a donor's contact with them"
        certificate = re.search(r"http://127\.0\.0\.1:\d+/verifier\?sha256=[0-9a-f]{64}", printed)
        assert certificate, "the demo takes a laptop through the workshop"
        with urllib.request.urlopen(certificate.group(0), timeout=10) as page:
            assert "Certificat authentique" in page.read().decode()
        proposed = re.search(r"request of household M-\w+ \(laptop, proposed\)", printed)
        assert proposed, "the demo's refurbished laptop is proposed to a household"
        assert re.search(r"request of household M-\w+ \(tablet, waiting\)", printed)
        assert re.search(
            r"group purchase \(open\): http://\S+/achats/campagnes/[0-9a-f-]{36}", printed
        )
        mail_page = re.search(r"mail sent\s+(http://127\.0\.0\.1:\d+/)", printed)
        assert mail_page, "boucle up prints where the mail it caught is listed"
        caught = _until_page_says(
            mail_page.group(1),
            "Smartphones pour la recherche",
            "Un appareil est proposé au foyer M-",  # the laptop's proposal
            "annulée",  # the smartphone campaign given up: its social worker told
            "Votre don est prêt pour un foyer",  # the laptop's donor agreed
            "Votre formation « Effacement certifié des données » expire",  # Noor's
            within=60,
        )
        # the demo's reservation lapses within a day: the next round of reminders warns of it
        caught = _until_page_says(mail_page.group(1), "moins de 24 heures", within=120)
        assert re.search(r"La réservation du foyer M-\w+ expire dans moins de 24 heures", caught)
        caught = _until_page_says(mail_page.group(1), "Stock insuffisant", within=30)
        assert "morgan.coordination@" in caught  # the coordination told of the shortage
        children = psutil.Process(process.pid).children(recursive=True)
        commands = " ".join(" ".join(child.cmdline()) for child in children)
        for program in ("postgres", "nats-server", "serve inventory", "serve group_purchase"):
            assert program in commands

        (inventory,) = (
            child for child in children if "serve inventory" in " ".join(child.cmdline())
        )
        inventory.kill()
        printed = _read_until(process, "inventory restarted", within=30)
        assert "inventory stopped unexpectedly (killed by SIGKILL)" in printed
        _wait_for_page(passports[0], within=60)
        status = subprocess.run(
            [sys.executable, "-m", "boucle.cli", "status", "--data", str(data)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert re.search(r"^\s+inventory\s+running\s+pid \d+\s+restarted 1×", status, re.M)
        children = psutil.Process(process.pid).children(recursive=True)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)
    assert process.returncode == 0
    assert _alive(children) == []
    assert not (data / "postgres" / "postmaster.pid").exists()


def test_boucle_up_cluster_runs_three_nats_nodes_and_two_replicas_that_survive_a_node(
    tmp_path: Path,
) -> None:
    """The production shape an operator can try on one machine: every replica is ready, one
    NATS node killed leaves every service ready, and Ctrl-C stops the eleven processes."""
    data = tmp_path / "cluster"
    process = _boucle_up("--cluster", "--free-ports", "--data", str(data))
    try:
        printed = _read_until(process, "Press Ctrl-C to stop", within=180)
        printed += _read_until(process, "Sign in at", within=30)
        replicas = {
            service: re.findall(r"http://127\.0\.0\.1:\d+", line)
            for service, line in re.findall(r"^\s+(inventory|collection_point|refurbishment|"
                                            r"group_purchase)\s+(.*)$", printed, re.M)
        }  # fmt: skip
        assert set(replicas) == {"inventory", "collection_point", "refurbishment", "group_purchase"}
        for service, urls in replicas.items():
            assert len(urls) == 2, (service, urls)
            for url in urls:
                _wait_for_page(f"{url}/health/ready", within=60)
        children = psutil.Process(process.pid).children(recursive=True)
        nodes = [child for child in children if "nats-server" in " ".join(child.cmdline())]
        serving = [child for child in children if " serve " in " ".join(child.cmdline())]
        assert len(nodes) == 3 and len(serving) == 8

        nodes[0].kill()
        for urls in replicas.values():
            for url in urls:
                _wait_for_page(f"{url}/health/ready", within=60)
        children = psutil.Process(process.pid).children(recursive=True)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(90)
    assert process.returncode == 0
    assert _alive(children) == []
