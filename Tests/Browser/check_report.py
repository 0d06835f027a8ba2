#!/usr/bin/env python3
"""Opens a crossfold HTML report in headless Chromium (Debian's chromium and chromium-driver,
through selenium) and checks it works: no console error, the threshold slider changes the
numbers, the heatmap has a cell per concept pair, and clicking a cell lists inputs. Saves a
screenshot. Prints one JSON line of what it saw; exits non-zero, saying why, on any failure.

Usage: check_report.py REPORT.html SCREENSHOT.png --concepts N [--width W] [--height H]
                       [--no-heatmap] [--no-curves] [--no-slider]
The --no-* flags are for results that lack those parts (a confusion matrix, 101-point curves);
the page must then still load and run without an error.
"""
import argparse
import json
import pathlib
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def fail(message):
    print("check_report: " + message, file=sys.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("screenshot")
    parser.add_argument("--concepts", type=int, required=True)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2400)
    parser.add_argument("--no-heatmap", dest="heatmap", action="store_false")
    parser.add_argument("--no-curves", dest="curves", action="store_false")
    parser.add_argument("--no-slider", dest="slider", action="store_false")
    args = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=%d,%d" % (args.width, args.height)]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(pathlib.Path(args.report).resolve().as_uri())
        seen = {}

        def errors():
            return [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]

        # Each read of the log empties it, so read it once per check.
        found = errors()
        if found:
            fail("console errors on load: %s" % found)
        seen["title"] = driver.find_element(By.ID, "title").text
        rows = driver.find_elements(By.CSS_SELECTOR, "#concepts tbody tr")
        if len(rows) != args.concepts:
            fail("the table has %d rows, expected %d" % (len(rows), args.concepts))

        seen["ready_ms"] = round(driver.execute_script("return window.crossfoldReportReady || -1"))

        def numbers():
            # One round trip for the whole table (a round trip per cell takes minutes at 1,000 concepts).
            return driver.execute_script(
                "return Array.from(document.querySelectorAll('#concepts tbody td')).map(td => td.textContent)"
                " .concat([document.getElementById('live-summary').textContent])")

        before = numbers()
        slider = driver.find_element(By.ID, "threshold")
        seen["threshold_before"] = slider.get_attribute("value")
        driver.execute_script(
            "arguments[0].value = '10'; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", slider)
        after = numbers()
        seen["threshold_after"] = driver.find_element(By.ID, "threshold-value").text
        if args.slider and before == after:
            fail("moving the threshold from %s to 0.10 changed no number" % seen["threshold_before"])
        seen["changed_cells"] = sum(1 for a, b in zip(before, after) if a != b)

        # Sorting by ROC AUC puts the rows in order.
        driver.find_element(By.CSS_SELECTOR, "#concepts thead th[data-key=rocAUC]").click()
        texts = driver.execute_script(
            "return Array.from(document.querySelectorAll('#concepts tbody td[data-key=rocAUC]')).map(td => td.textContent)")
        aucs = [float(text.split(" ")[0]) for text in texts if text.split(" ")[0] not in ("–", "")]
        if aucs != sorted(aucs, reverse=True):
            fail("sorting by ROC AUC did not order the rows: %s" % aucs)

        cells = driver.find_elements(By.CSS_SELECTOR, "#confusion rect.cell")
        seen["heatmap_cells"] = len(cells)
        if args.heatmap:
            if len(cells) != args.concepts * args.concepts:
                fail("the confusion heatmap has %d cells, expected %d" % (len(cells), args.concepts ** 2))
            pairs = {(c.get_attribute("data-actual"), c.get_attribute("data-predicted")) for c in cells}
            if len(pairs) != args.concepts * args.concepts:
                fail("the heatmap's cells do not cover every (actual, predicted) pair once")
            driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));", cells[0])
            listed = driver.find_elements(By.CSS_SELECTOR, "#cell-inputs table.inputs tr")
            seen["inputs_behind_first_cell"] = max(0, len(listed) - 1)
            if not driver.find_elements(By.CSS_SELECTOR, "#cell-inputs h3"):
                fail("clicking a heatmap cell showed nothing")

        curves = driver.find_elements(By.CSS_SELECTOR, "#roc path.series")
        seen["roc_curves"] = len(curves)
        if args.curves and len(curves) != min(args.concepts, 50):
            fail("%d ROC curves were drawn, expected %d" % (len(curves), min(args.concepts, 50)))
        seen["fold_dots"] = len(driver.find_elements(By.CSS_SELECTOR, "#folds circle.fold-dot"))

        # Back to the evaluated threshold for the picture.
        driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            slider, seen["threshold_before"])
        found = errors()
        if found:
            fail("console errors while using the page: %s" % found)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(args.width, min(max(height, 800), 6000))
        if not driver.save_screenshot(args.screenshot):
            fail("could not save the screenshot to %s" % args.screenshot)
        print(json.dumps(seen))
    finally:
        driver.quit()


main()
