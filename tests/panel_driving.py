"""Driving a model panel (docs/javascripts/panel.js) in Chromium through selenium: open it, type
into it key by key or paste, read what it shows. Shared by the panel's own page
(test_panel_browser.py) and the built site (test_browser.py).
"""

import time


def wait_until(driver, script: str, *args, timeout: float = 30.0):
    """The value of script, polled until it is truthy (or the timeout passes: then the last)."""
    end = time.monotonic() + timeout
    while (value := driver.execute_script(script, *args)) is None or value is False:
        if time.monotonic() > end:
            break
        time.sleep(0.02)
    return value


def open_panel(driver, url: str, tokens: str = "chars") -> None:
    driver.get(url)
    assert wait_until(driver, "return document.querySelector('.lm-panel').dataset.ready"
                              " === 'true'"), "the panel never became ready"
    if tokens == "words":
        driver.execute_script("document.querySelector('.lm-panel input[value=\"1\"]').click()")
        assert wait_until(driver, "const p = document.querySelector('.lm-panel');"
                                  "return p.dataset.ready === 'true'"
                                  " && p.querySelector('h4') && p.dataset.tokens === 'words'")


def type_into(driver, text: str) -> list[float]:
    """Type text into the context box key by key; the panel's update time of each key, in ms."""
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, ".lm-panel textarea")
    times = []
    for key in text:
        driver.execute_script("delete document.querySelector('.lm-panel').dataset.updateMs")
        box.send_keys(key)
        times.append(float(wait_until(
            driver, "return document.querySelector('.lm-panel').dataset.updateMs")))
    return times


def paste(driver, text: str) -> None:
    """Put text into the context box at once, as a paste does (one update for many tokens)."""
    driver.execute_script("const t = document.querySelector('.lm-panel textarea');"
                          "t.value = arguments[0]; t.dispatchEvent(new Event('input'));", text)


def clear(driver) -> None:
    paste(driver, "")


def panel_state(driver) -> dict:
    return driver.execute_script("""
        const p = document.querySelector('.lm-panel');
        const status = p.querySelector('.lm-panel__status');
        const tops = [...p.querySelectorAll('.lm-panel__bars')].map(b => b.dataset.top);
        const scores = [...p.querySelectorAll('.lm-panel__score')].map(s => s.textContent);
        return {seen: status.dataset.seen, status: status.textContent, tops, scores};
    """)


def sample(driver, model: str, temperature: float, seed: int) -> str:
    return driver.execute_async_script("""
        const [model, temperature, seed, done] = arguments;
        const p = document.querySelector('.lm-panel');
        const slider = p.querySelector('input[type=range]');
        slider.value = temperature;
        slider.dispatchEvent(new Event('input'));
        p.querySelector('input[type=number]').value = seed;
        p.dataset.sampling = '';
        p.querySelector(`button[data-model=${model}]`).click();
        const poll = () => p.dataset.sampling === 'done'
            ? done(p.querySelector('.lm-panel__sample').textContent) : setTimeout(poll, 10);
        poll();
    """, model, temperature, seed)
