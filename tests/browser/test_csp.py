"""The real page under its Content-Security-Policy in Chromium: every script it needs is allowed."""

import pytest

pytestmark = pytest.mark.browser


def test_the_page_runs_under_its_content_security_policy_in_chromium(browser, live_server):
    """Every script Dash, React, Plotly and dash-canvas run is allowed; nothing is refused.

    Other console errors are the UI's business (test_browser.py); this one is about the policy.
    """
    page = browser.new_page()
    try:
        page.add_init_script("window.__violations = [];"
                             "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
                             "e.violatedDirective + ' ' + e.blockedURI));")
        console = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
        response = page.goto(live_server + "/", wait_until="networkidle")
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.all_headers().items()}
        # The page came alive under the policy: the drawing pad (fabric.js) rendered, and a Plotly chart
        # once the Error-analysis tab (which loads Plotly) opened.
        page.wait_for_selector("canvas.upper-canvas", timeout=30_000)
        page.get_by_role("tab", name="Error analysis").click()
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__violations")
    finally:
        page.close()
    assert violations == []
    refused = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    assert refused == []
