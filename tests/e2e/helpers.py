"""Helpers for browser tests: axe-core accessibility check, 390 px width check, login.

`assert_accessible(page)` runs both checks on the current page: axe-core (WCAG 2.1 A/AA) at the
test's viewport, then the page at 390 px wide (a phone) must not scroll sideways
(document.documentElement.scrollWidth <= clientWidth). Wide tables scroll inside their own area.
"""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

# WCAG 2.0 / 2.1, levels A and AA: what the RGAA refers to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()

# What page.evaluate says when the document it ran in was replaced by a navigation under way.
_NAVIGATING = re.compile(r"Execution context was destroyed|reading 'documentElement'|navigat", re.IGNORECASE)


def axe_violations(page, *, context=None):
    """Runs axe-core on the current page (WCAG 2.1 A/AA) and returns its violations (a list of dicts)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    # page.evaluate goes through the DevTools protocol: the page's strict CSP does not block it.
    # A click that navigates returns before the next page has loaded: axe must run on the page that is
    # shown, not on the document being replaced (there it finds no documentElement, or its context dies).
    page.wait_for_load_state("load")
    try:
        results = _axe.run(page, context=context, options=options)
    except PlaywrightError as error:
        if not _NAVIGATING.search(str(error)):
            raise
        page.wait_for_load_state("load")
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


PHONE_WIDTH = 390

# The widest elements sticking out of the viewport: what to fix when the page scrolls sideways.
_OVERFLOW_SCRIPT = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const culprits = [];
  // An element inside a scrolling or clipping box (a table's own scroll area) does not widen the page;
  // an absolutely positioned one belongs to its nearest positioned ancestor, not to its parent.
  const clipped = (el) => {
    let outOfFlow = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (outOfFlow && style.position === "static") continue;
      if (style.overflowX !== "visible") return true;
      outOfFlow = ["absolute", "fixed"].includes(style.position);
    }
    return false;
  };
  for (const el of document.body.querySelectorAll("*")) {
    const right = el.getBoundingClientRect().right;
    if (right > limit + 1 && !clipped(el)) {
      const id = el.id ? "#" + el.id : "";
      const classes = typeof el.className === "string" ? el.className.trim() : "";
      const cls = classes ? "." + classes.split(/\\s+/).join(".") : "";
      culprits.push([Math.round(right), el.tagName.toLowerCase() + id + cls]);
    }
  }
  culprits.sort((a, b) => b[0] - a[0]);
  return {scrollWidth: root.scrollWidth, clientWidth: limit, culprits: culprits.slice(0, 8)};
}"""


def page_overflow(page, *, width=PHONE_WIDTH):
    """Measures the current page at `width` px: {scrollWidth, clientWidth, culprits}; restores the viewport."""
    original = page.viewport_size
    page.set_viewport_size({"width": width, "height": original["height"] if original else 844})
    try:
        return page.evaluate(_OVERFLOW_SCRIPT)
    finally:
        if original:
            page.set_viewport_size(original)


def assert_fits_phone(page, *, width=PHONE_WIDTH):
    """Fails when the page scrolls sideways at `width` px (390: a phone), naming the widest elements."""
    result = page_overflow(page, width=width)
    assert result["scrollWidth"] <= result["clientWidth"], (
        f"{page.url} scrolls sideways at {width} px: scrollWidth {result['scrollWidth']} > "
        f"clientWidth {result['clientWidth']}; elements reaching past the edge:\n"
        + "\n".join(f"    right={right}px {what}" for right, what in result["culprits"])
    )


def assert_accessible(page, *, context=None, fits_phone=True):
    """Fails with a readable list (rule id, impact, help, targets) when axe finds a WCAG 2.1 A/AA violation,
    then when the page scrolls sideways at 390 px (`fits_phone=False` skips that, for a partial `context`)."""
    violations = axe_violations(page, context=context)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + format_violations(
        violations
    )
    if fits_phone:
        assert_fits_phone(page)


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
