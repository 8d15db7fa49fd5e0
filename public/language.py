"""The language of a customer's page: ?lang= when it names one of the app's languages
(anything else is ignored, never repeated in a link), else the page's own fallback."""

from flask import current_app, g, request
from flask_babel import get_locale, refresh


def chosen_language() -> str | None:
    """?lang= when it is one of the app's LANGUAGES (en, zh_Hans), else None."""
    chosen = request.args.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def browser_language() -> str:
    """The browser's best of English and Chinese (Accept-Language), English by default."""
    best = request.accept_languages.best_match(["en", "zh_Hans", "zh"]) or "en"
    return "zh_Hans" if best.startswith("zh") else "en"


def use_language(fallback: str | None) -> str:
    """Speak ?lang= on this page, else `fallback` (else the app's own choice, when None);
    returns the language spoken, for dates in words."""
    locale = chosen_language() or fallback
    if locale:
        g.page_locale = locale
        refresh()
    return str(get_locale())
