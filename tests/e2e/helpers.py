"""Helpers for browser tests: axe-core accessibility check, login."""

import re

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0 / 2.1, levels A and AA: what the RGAA refers to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def axe_violations(page, *, context=None):
    """Runs axe-core on the current page (WCAG 2.1 A/AA) and returns its violations (a list of dicts)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    # page.evaluate goes through the DevTools protocol: the page's strict CSP does not block it.
    results = _axe.run(page, context=context, options=options)
    return results.response["violations"]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').splitlines()[-1].strip()}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def assert_accessible(page, *, context=None):
    """Fails with a readable list (rule id, impact, help, targets) when axe finds a WCAG 2.1 A/AA violation."""
    violations = axe_violations(page, context=context)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + format_violations(
        violations
    )


def login(page, identifier, password, *, next_url=None):
    """Signs in through the login form; waits for the page the form leads to."""
    url = "/compte/connexion/" + (f"?next={next_url}" if next_url else "")
    page.goto(url)
    page.fill("#id_username", identifier)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()
    assert not re.search(r"/compte/connexion/", page.url), f"login failed for {identifier}, still on {page.url}"
    return page


def accept_consents(user):
    """Accepts every consent text, so that the consent gate does not stop a journey that is not about it."""
    from accounts.models import ConsentAcceptance, ConsentText

    for text in ConsentText.objects.all():
        ConsentAcceptance.objects.get_or_create(user=user, text=text)
    return user
