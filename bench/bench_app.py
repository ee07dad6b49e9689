"""Start-up of the Streamlit app with a warm index, in a real browser: from launching ``streamlit run app.py`` to
(1) the server answering, (2) the start screen shown with the indexed schools, (3) the first answer to a question
typed as soon as the page is there. Prints figures; asserts nothing (they depend on the machine and its load).

    .venv/bin/python bench/bench_app.py [--index DIR] [--runs 3] [--question "Heeft OBS De Regenboog een lift?"]

Without ``--index`` the example profiles are indexed first (not timed). Needs Debian's chromium and chromedriver
(scripts/install-browser.sh)."""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def browser(profile: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    os.environ["SE_OFFLINE"] = "true"  # selenium must not look for a driver of its own
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))


def one_start(index: Path, question: str, work: Path, env: dict[str, str]) -> dict[str, float]:
    """Launch the app, open it, ask one question; seconds since the launch for each step."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    driver = browser(work / f"profile-{port}")  # started before the app: the browser's own start is not counted
    with (work / f"streamlit-{port}.log").open("wb") as log:
        started = time.perf_counter()
        app = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**env, "SOP_INDEX_DIR": str(index)}, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if app.poll() is not None:
                    raise SystemExit(f"streamlit exited with {app.returncode}")
                time.sleep(0.05)
        server = time.perf_counter() - started
        driver.get(url)
        wait = WebDriverWait(driver, 300, poll_frequency=0.05)
        wait.until(lambda d: "Scholen in de index" in d.find_element(By.TAG_NAME, "body").text)
        box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']"))
        page = time.perf_counter() - started
        box.send_keys(question)
        box.send_keys(Keys.ENTER)
        wait.until(lambda d: any("[1]" in m.text for m in d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")))
        answer = time.perf_counter() - started
        return {"server_s": round(server, 2), "start_screen_s": round(page, 2), "first_answer_s": round(answer, 2)}
    finally:
        driver.quit()
        app.terminate()
        app.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="a warm index (default: the example profiles, indexed first)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--question", default="Heeft OBS De Regenboog een lift?")
    args = parser.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "SOP_LLM": "extractive"}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        index = args.index
        if index is None:
            index = work / "index"
            subprocess.run([sys.executable, "-m", "assistant", "ingest", str(ROOT / "examples" / "docs"),
                            "--index", str(index)], cwd=ROOT, env=env, check=True, capture_output=True)
        runs = [one_start(index, args.question, work, env) for _ in range(args.runs)]
    for run in runs:
        print(json.dumps(run))
    summary = {key: round(statistics.median(run[key] for run in runs), 2) for key in runs[0]}
    print(json.dumps({"median": summary, "runs": len(runs), "load": " ".join(f"{v:.1f}" for v in os.getloadavg())}))


if __name__ == "__main__":
    main()
