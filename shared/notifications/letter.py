"""The printable letter of a notification, for a person without e-mail: the same text as the
mail, dated, on one A4 page (the fonts of every Boucle PDF)."""

from __future__ import annotations

from shared.notifications.outbox import Notification
from shared.notifications.texts import NO_SITES, Sites, text_of
from shared.pdf import SANS, UnicodePDF
from shared.web.formats import long_day
from shared.web.i18n import translator
from shared.web.pages import local_time


def render_letter(notification: Notification, public_url: str, sites: Sites = NO_SITES) -> bytes:
    """One page, byte for byte the same at each print (dated by the notification)."""
    t = translator(notification.language)
    text = text_of(notification, public_url, sites=sites)
    pdf = UnicodePDF(unit="mm", format="A4")
    pdf.set_creation_date(notification.created_at)
    pdf.set_title(text.subject)
    pdf.set_creator("Boucle")
    pdf.set_lang(notification.language)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font(SANS, size=10)
    when = long_day(local_time(notification.created_at).date(), language=notification.language)
    pdf.multi_cell(0, 5, f"{t('site_name')}\n{when}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font(SANS, style="B", size=14)
    pdf.multi_cell(0, 7, text.subject, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(SANS, size=11)
    pdf.multi_cell(0, 6, text.body, new_x="LMARGIN", new_y="NEXT")
    if text.link:
        pdf.ln(4)
        pdf.multi_cell(0, 6, t("notifications.letter.see", link=text.link), new_x="LMARGIN")
    return bytes(pdf.output())
