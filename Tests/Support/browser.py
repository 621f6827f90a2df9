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

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
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
            result = {"before": snapshot(driver)}
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
                WebDriverWait(driver, 20).until(expected_conditions.staleness_of(button))
                # The old page is gone; read the new one only once it has finished loading (reading it
                # earlier races the parser: "Node with given id does not belong to the document").
                WebDriverWait(driver, 20).until(
                    lambda d: d.execute_script("return document.readyState") == "complete")
                result["after"] = snapshot(driver)
            print(json.dumps(result, ensure_ascii=False))
            return 0
        except Exception as error:  # noqa: BLE001 - reported to the test
            print(f"browser.py: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}", file=sys.stderr)
            return 1
        finally:
            driver.quit()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
