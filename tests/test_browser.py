"""The app in a real browser: Debian's chromium (installed by scripts/install-browser.sh) driven by selenium through
chromedriver, against ``streamlit run app.py`` on 127.0.0.1 over an index of the example profiles."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1200)]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HOSTILE = ROOT / "tests" / "data" / "hostile" / "bs-de-proef.md"
CONTRAST_JS = (ROOT / "tests" / "data" / "contrast.js").read_text(encoding="utf-8")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1600",
]
# The first page load also loads the embedding model and the index (st.cache_resource).
FIRST_LOAD_S = 240
ANSWER_S = 180


@pytest.fixture(scope="module")
def chromium() -> None:
    """Install chromium and chromedriver when they are missing; skip only when that is not possible here."""
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install-browser.sh")], check=False, capture_output=True, text=True,
        timeout=1500,
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        pytest.skip(f"chromium could not be installed by scripts/install-browser.sh: {reason}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit did not answer on {url} within 120 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def app_url(chromium: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run app.py`` on a free port of 127.0.0.1 over a fresh index of examples/docs; stopped by PID."""
    folder = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "SOP_INDEX_DIR": str(folder / "index"), "SOP_LLM": "extractive", "HF_HUB_OFFLINE": "1"}
    subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(ROOT / "examples" / "docs")],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=900,
    )
    port = _free_port()
    log = folder / "streamlit.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@pytest.fixture
def driver(app_url: str, tmp_path: Path) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    # chromedriver from the distribution; selenium must not look for (or download) one of its own.
    os.environ["SE_OFFLINE"] = "true"
    browser = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    try:
        yield browser
    finally:
        browser.quit()


def _wait(driver: WebDriver, seconds: float, condition, message: str):  # type: ignore[no-untyped-def]
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.5).until(condition)
    except WebDriverException as exc:
        raise AssertionError(f"{message}; page text:\n{driver.find_element(By.TAG_NAME, 'body').text[-2000:]}") from exc


def _ask(driver: WebDriver, question: str) -> None:
    box = _wait(
        driver, FIRST_LOAD_S,
        lambda d: d.find_element(By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']"),
        "no chat input",
    )
    box.send_keys(question)
    box.send_keys(Keys.ENTER)


def _answers(driver: WebDriver) -> list[str]:
    return [m.text for m in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")]


def _click_text(driver: WebDriver, label: str) -> None:
    element = _wait(
        driver, 60, lambda d: d.find_element(By.XPATH, f"//*[normalize-space(text())='{label}']"), f"no '{label}'"
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    # Clicked in the page itself: on a busy machine Streamlit's running indicator may still lie over a tab.
    driver.execute_script("arguments[0].click();", element)


def _open_source(driver: WebDriver, label: str) -> None:
    """Open the sources panel of one cited passage and wait until its quote and passage are shown."""
    # A summary's text starts with its arrow icon's name.
    summary = _wait(
        driver, 60,
        lambda d: next((s for s in d.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary") if label in s.text), None),
        f"no source '{label}'",
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", summary)
    summary.click()
    _wait(
        driver, 30,
        lambda d: any(e.is_displayed() for e in d.find_elements(By.XPATH, "//*[contains(text(), 'Passage uit het profiel')]")),
        "the sources panel did not open",
    )
    driver.execute_script("window.scrollTo(0, 0);")


def test_question_answered_with_citation_in_a_real_browser(driver: WebDriver, app_url: str, tmp_path: Path) -> None:
    driver.get(app_url)
    _ask(driver, "Heeft OBS De Regenboog een lift?")
    _wait(driver, ANSWER_S, lambda d: any("geen lift" in text for text in _answers(d)), "no answer")
    answer = next(text for text in _answers(driver) if "geen lift" in text)
    assert "OBS De Regenboog" in answer and "[1]" in answer
    chip = _wait(
        driver, 30, lambda d: d.find_element(By.XPATH, "//*[starts-with(normalize-space(.), '[1] OBS De Regenboog · blz. 7')]"),
        "no [1] chip",
    )
    assert chip.is_displayed()
    _open_source(driver, "[1] OBS De Regenboog · blz. 7 · 4.C")
    driver.save_screenshot(str(tmp_path / "chat.png"))
    assert (tmp_path / "chat.png").stat().st_size > 10_000

    _click_text(driver, "Scholen vergelijken")
    _wait(driver, 120, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stDataFrame']"), "no matrix table")
    time.sleep(2)  # the table draws on a canvas after it is in the page
    driver.save_screenshot(str(tmp_path / "comparison.png"))
    assert "Download als CSV" in driver.find_element(By.TAG_NAME, "body").text


def test_document_markup_stays_text_in_a_real_browser(driver: WebDriver, app_url: str, tmp_path: Path) -> None:
    driver.get(app_url)
    _wait(driver, FIRST_LOAD_S, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stFileUploaderDropzoneInput']"), "no upload")
    driver.find_element(By.CSS_SELECTOR, "[data-testid='stFileUploaderDropzoneInput']").send_keys(str(HOSTILE))
    _click_text(driver, "Toevoegen aan de index")
    _wait(driver, ANSWER_S, lambda d: "bs-de-proef.md: toegevoegd" in d.find_element(By.TAG_NAME, "body").text, "not added")
    _ask(driver, "Heeft BS De Proef een lift?")
    _wait(driver, ANSWER_S, lambda d: any("sopInjected" in text for text in _answers(d)), "no answer")
    _open_source(driver, "[1] BS De Proef")
    driver.save_screenshot(str(tmp_path / "hostile.png"))
    # The text as a reader sees it (the app puts invisible word joiners into URLs so they are not linked).
    body = driver.find_element(By.TAG_NAME, "body").text.replace("\u2060", "")
    assert "<script>window.sopInjected = true;</script>" in body
    assert "[eerste verdieping](https://evil.example/phish)" in body and "info@evil.example" in body
    assert driver.execute_script("return window.sopInjected === undefined")
    injected = "a[href*='evil.example'], a[href^='mailto:'], img[src*='evil.example'], img[src='x']"
    assert not driver.find_elements(By.CSS_SELECTOR, injected), [
        e.get_attribute("outerHTML") for e in driver.find_elements(By.CSS_SELECTOR, injected)
    ]
    assert not driver.find_elements(By.XPATH, "//script[contains(., 'sopInjected')]")


def _contrast_failures(driver: WebDriver) -> list[dict]:
    texts = driver.execute_script(CONTRAST_JS)
    assert len(texts) > 20, texts  # the probe saw the page's text
    return [t for t in texts if t["ratio"] < t["need"]]


def _tab_to(driver: WebDriver, wanted, limit: int = 120):  # type: ignore[no-untyped-def]
    """Press Tab until the focused element is the wanted one; the element, or None when Tab never reaches it."""
    for _ in range(limit):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        focused = driver.switch_to.active_element
        if wanted(focused):
            return focused
    return None


def test_keyboard_only_question_and_sources_with_readable_contrast(driver: WebDriver, app_url: str, tmp_path: Path) -> None:
    """Accessible: a question asked and its sources opened with Tab and Enter alone, every visible text at WCAG AA
    contrast (the captions too), and the upload telling the per-file limit the ingest applies."""
    driver.get(app_url)
    _wait(driver, FIRST_LOAD_S, lambda d: d.find_elements(By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']"), "no chat input")
    time.sleep(2)  # the sidebar and the start screen draw after the chat input
    assert _contrast_failures(driver) == []
    assert "100MB per file" in driver.find_element(By.CSS_SELECTOR, "[data-testid='stFileUploaderDropzone']").text

    box = _tab_to(driver, lambda e: e.get_attribute("data-testid") == "stChatInputTextArea")
    assert box is not None, "Tab never reaches the chat input"
    box.send_keys("Heeft OBS De Regenboog een lift?")
    box.send_keys(Keys.ENTER)
    _wait(driver, ANSWER_S, lambda d: any("geen lift" in text for text in _answers(d)), "no answer")
    source = _tab_to(driver, lambda e: e.tag_name == "summary" and "[1] OBS De Regenboog" in e.text)
    assert source is not None, "Tab never reaches the first source"
    source.send_keys(Keys.ENTER)
    _wait(
        driver, 30,
        lambda d: any(e.is_displayed() for e in d.find_elements(By.XPATH, "//*[contains(text(), 'Passage uit het profiel')]")),
        "Enter did not open the sources panel",
    )
    driver.save_screenshot(str(tmp_path / "keyboard.png"))
    assert _contrast_failures(driver) == []
