"""Driving a model panel (docs/javascripts/panel.js) in Chromium through selenium: open it, type
into it key by key or paste, read what it shows. Shared by the panel's own page
(test_panel_browser.py) and the built site (test_browser.py).
"""

import time

import numpy as np


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


def type_a_reference_context(driver, header: dict, arrays: dict, i: int) -> dict:
    """Type the i-th text of a pair's reference file (export's panel.reference_file: header and
    arrays) into an open panel, half of it key by key and the rest as a paste; check that the
    panel marks its context seen or unseen as Python found it, and that each model's top bar is
    a token Python gives the highest probability (or one tied with it); the panel's state."""
    clear(driver)
    text = header["texts"][i]
    type_into(driver, text[: len(text) // 2])
    paste(driver, text)
    state = panel_state(driver)
    assert state["seen"] == ("true" if header["seen"][i] else "false"), state["status"]
    assert state["status"].startswith("Seen" if header["seen"][i] else "Unseen")
    for top, key in zip(state["tops"], ("network", "kneser_ney"), strict=True):
        p = arrays[key][i]
        assert p[int(top.split()[0])] >= p.max() - 1e-4, (key, text)
    return state


def largest_differences(driver, module: str, files: dict, header: dict, arrays: dict) -> dict:
    """Load a pair's files (network, kneser_ney: URLs from the site's root) with the page's
    module (its URL) and compute, in the browser, every token's probability after each text of
    the pair's reference file; check the ids read and "seen" against Python's; the largest
    |page - Python| of each model, over every text and token."""
    computed = driver.execute_async_script("""
        const [module, files, texts, done] = arguments;
        import(module).then(async (m) => {
          const pair = await m.loadPair(files);
          done(texts.map((text) => {
            const ids = pair.network.tokens.encode(text);
            return {ids, network: Array.from(pair.network.probs(ids)),
                    kneser_ney: Array.from(pair.kneserNey.probs(ids)),
                    seen: pair.kneserNey.seen(ids)};
          }));
        }).catch((error) => done(String(error)));
    """, module, files, header["texts"])
    assert isinstance(computed, list), computed
    worst = {"network": 0.0, "kneser_ney": 0.0}
    for i, result in enumerate(computed):
        assert result["ids"] == header["histories"][i], header["texts"][i]
        assert result["seen"] == header["seen"][i], header["texts"][i]
        for key in worst:
            change = float(np.abs(np.array(result[key]) - arrays[key][i]).max())
            worst[key] = max(worst[key], change)
    return worst
