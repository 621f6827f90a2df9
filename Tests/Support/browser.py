#!/usr/bin/env python3
"""Drive Debian's headless Chromium through chromedriver (Selenium) the way a reader would.

    python3 browser.py unsubscribe URL            open the unsubscribe link, press its one button
    python3 browser.py subscribe URL EMAIL [NAME] open the subscribe form, fill it in, submit it
    python3 browser.py open URL                   open a page (a confirmation link)

Prints one JSON object: the page text and heading id text before and after, the form's method,
the buttons seen, and the final URL. Exit 0 when the page could be driven, 1 otherwise (message on
stderr). Everything stays on 127.0.0.1; the browser is closed in every case.
"""

import json
import sys
import tempfile
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     f"--user-data-dir={profile}", "--window-size=600,900"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def snapshot(driver):
    heading = driver.find_elements(By.ID, "heading")
    return {"url": driver.current_url, "heading": heading[0].text if heading else None,
            "text": driver.find_element(By.TAG_NAME, "body").text}


def gone(element):
    """A wait condition: `element`'s document has been replaced.

    Like Selenium's staleness_of, but chromedriver reports a node of a replaced document either as a stale element
    or, depending on timing, as "unknown error: ... Node with given id does not belong to the document"; both mean
    gone (staleness_of let the second escape: the intermittent failure of the subscribe and unsubscribe tests).
    """
    def check(_driver):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return check


def settled_snapshot(driver, seconds=20):
    """snapshot() of the page the button led to, read again while Chromium still swaps documents under it.

    Even after readyState is "complete", a read can meet a node of the document being replaced ("Node with given
    id does not belong to the document", or a stale element); such a read is retried until the deadline.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            return snapshot(driver)
        except (StaleElementReferenceException, WebDriverException) as error:
            transient = isinstance(error, StaleElementReferenceException) or "does not belong to the document" in str(error)
            if not transient or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
            WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def main(argv):
    if len(argv) < 2 or argv[0] not in ("unsubscribe", "subscribe", "open"):
        print(__doc__, file=sys.stderr)
        return 2
    action, url = argv[0], argv[1]
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        driver.set_page_load_timeout(30)
        try:
            driver.get(url)
            result = {"before": settled_snapshot(driver)}
            forms = driver.find_elements(By.TAG_NAME, "form")
            result["forms"] = [form.get_attribute("method") for form in forms]
            result["buttons"] = [button.text for button in driver.find_elements(By.TAG_NAME, "button")]
            if action == "subscribe":
                driver.find_element(By.ID, "email").send_keys(argv[2])
                if len(argv) > 3:
                    driver.find_element(By.ID, "name").send_keys(argv[3])
            if action in ("unsubscribe", "subscribe"):
                button = driver.find_element(By.TAG_NAME, "button")
                button.click()
                WebDriverWait(driver, 20).until(gone(button))
                # The old page is gone; read the new one only once it has finished loading (reading it
                # earlier races the parser: "Node with given id does not belong to the document").
                WebDriverWait(driver, 20).until(
                    lambda d: d.execute_script("return document.readyState") == "complete")
                result["after"] = settled_snapshot(driver)
            print(json.dumps(result, ensure_ascii=False))
            return 0
        except Exception as error:  # noqa: BLE001 - reported to the test
            where = [f"line {frame.lineno}" for frame in traceback.extract_tb(error.__traceback__)
                     if frame.filename == __file__]
            print(f"browser.py ({', '.join(where)}): {type(error).__name__}: "
                  f"{str(error).splitlines()[0] if str(error) else ''}", file=sys.stderr)
            return 1
        finally:
            driver.quit()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
