"""The console's Announcements page, over the real AnnouncementService, database, outbox and
in-process Bot API: staff write a text per language, choose a segment, preview it (the audience
per language, who gets nothing), send; each person receives it in their language with the stop
button; people who stopped announcements are neither counted nor sent; refusals are audited."""

from __future__ import annotations

import pytest

from bot.app import create_app
from bot.domain.announcements import TEXT_MAX
from bot.services.staff_policy import StaffPolicy
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_ID, make_settings
from tests.web.console_support import audit_rows, console_client, count_rows, csrf_of, sign_in

FRENCH = "Le bureau est fermé vendredi 1er mai."
ARABIC = "المكتب مغلق يوم الجمعة ١ مايو."
PAGE = "/staff/announcements"


@pytest.fixture
async def client(app):
    client = await console_client(app)
    yield client
    await client.close()


async def registered(harness, user_id, locale):
    person, t = await open_menu(harness, user_id, locale)
    await register(person, t)
    return person, t


async def people(harness):
    """A French, an Arabic and a Spanish reader, registered through the bot."""
    fr = await registered(harness, 7301, "fr")
    ar = await registered(harness, 7302, "ar")
    es = await registered(harness, 7303, "es")
    await harness.worker().run_once()  # the registrations' own notices first
    return fr, ar, es


def form(csrf, **changes):
    data = {
        "csrf": csrf, "office": "", "status": "", "language": "", "returnees": "any",
        "text_en": "", "text_fr": FRENCH, "text_ar": ARABIC, "text_es": "", "text_pt": "",
    }  # fmt: skip
    data.update(changes)
    return data


def announcements_in(person):
    return [m for m in person.api.chat(person.chat_id) if (m.get("text") or "").startswith("📣")]


async def test_the_page_has_the_form_and_the_nav_link(client, app):
    await sign_in(client, app)
    page = await (await client.get(PAGE)).text()
    assert 'aria-current="page">Announcements</a>' in page
    assert "No announcement yet." in page
    for code in ("en", "fr", "ar", "es", "pt"):
        assert f'name="text_{code}"' in page
    assert 'name="text_ar" lang="ar" dir="rtl"' in page
    assert '<option value="withdrawn"' not in page  # never written to
    assert '<option value="rabat">Morocco – Rabat</option>' in page


async def test_preview_counts_each_language_and_says_who_gets_nothing(harness, client, app):
    await people(harness)
    await sign_in(client, app)
    csrf = csrf_of(await (await client.get(PAGE)).text())
    response = await client.post(f"{PAGE}/preview", data=form(csrf))
    page = await response.text()
    assert response.status == 200
    assert "1 person reads French." in page and "1 person reads Arabic." in page
    assert "2 people will receive it." in page
    assert "1 person reads Spanish: they get nothing unless you write a text in Spanish." in page
    fr_header = app.catalogs["fr"].gettext("📣 <b>A message from the programme office</b>")
    plain = fr_header.replace("<b>", "").replace("</b>", "")
    assert f'<span class="header">{plain}</span>{FRENCH}' in page
    assert 'lang="ar" dir="rtl"' in page and ARABIC in page
    assert app.catalogs["ar"].gettext("🔕 Stop announcements") in page
    # The send form carries the texts and the segment.
    assert f'name="text_fr" value="{FRENCH}"' in page and 'name="returnees" value="any"' in page
    assert await count_rows(app, "announcements") == 0  # a preview sends nothing


async def test_edit_goes_back_to_the_form_with_the_texts_kept(client, app):
    await sign_in(client, app)
    csrf = csrf_of(await (await client.get(PAGE)).text())
    data = form(csrf, office="rabat", returnees="no")
    page = await (await client.post(f"{PAGE}/edit", data=data)).text()
    assert f">{FRENCH}</textarea>" in page and f">{ARABIC}</textarea>" in page
    assert '<option value="rabat" selected>' in page and '<option value="no" selected>' in page


async def test_send_queues_and_each_person_receives_their_language_with_the_stop_button(
    harness, client, app
):
    (fr, t_fr), (ar, t_ar), (es, _) = await people(harness)
    await sign_in(client, app)
    csrf = csrf_of(await (await client.get(PAGE)).text())
    response = await client.post(f"{PAGE}/send", data=form(csrf), allow_redirects=False)
    assert response.status == 303
    location = response.headers["Location"]
    assert location == "/staff/announcements?done=sent&n=2&w=1#announcement-1"
    page = await (await client.get(location)).text()
    assert "Sent: 2 people will receive it, at Telegram&#39;s pace." in page
    assert "1 person gets nothing: no text in their language." in page
    assert 'id="announcement-1"' in page and "Waiting: 2" in page and "Sent: 0" in page
    assert "All offices · Any status · Any language · Returnees or not" in page

    await harness.worker().run_once()
    header_fr = t_fr.gettext("📣 <b>A message from the programme office</b>")
    assert fr.last()["text"] == f"{header_fr}\n\n{FRENCH}"
    assert fr.button_texts(fr.last()) == [t_fr.gettext("🔕 Stop announcements")]
    header_ar = t_ar.gettext("📣 <b>A message from the programme office</b>")
    assert ar.last()["text"] == f"{header_ar}\n\n{ARABIC}"
    assert ar.button_texts(ar.last()) == [t_ar.gettext("🔕 Stop announcements")]
    assert announcements_in(es) == []  # no Spanish text

    page = await (await client.get(PAGE)).text()  # progress after the worker ran
    assert "Sent: 2" in page and "Waiting: 0" in page and "Unreachable: 0" in page
    audit = [r for r in await audit_rows(app) if r[1] == "announcement"]
    assert len(audit) == 1 and audit[0][0] == STAFF_ID and "#1 to 2 people" in audit[0][2]


async def test_a_person_who_stopped_announcements_is_neither_counted_nor_sent(harness, client, app):
    (fr, _), (ar, _), _ = await people(harness)
    await app.announcements.stop(7301)  # as the "🔕 Stop announcements" button does
    await sign_in(client, app)
    csrf = csrf_of(await (await client.get(PAGE)).text())
    page = await (await client.post(f"{PAGE}/preview", data=form(csrf))).text()
    assert "0 people read French." in page and "1 person will receive it." in page
    response = await client.post(f"{PAGE}/send", data=form(csrf), allow_redirects=False)
    assert response.headers["Location"].startswith("/staff/announcements?done=sent&n=1&")
    await harness.worker().run_once()
    assert announcements_in(fr) == []
    assert len(announcements_in(ar)) == 1


async def test_markup_is_shown_as_text_in_the_preview_and_sent_as_plain_text(harness, client, app):
    (fr, t_fr), _, _ = await people(harness)
    await sign_in(client, app)
    csrf = csrf_of(await (await client.get(PAGE)).text())
    text = '<b>Fermé</b> <img src=x onerror=alert(1)> & "demain"'
    data = form(csrf, text_fr=text, text_ar="")
    page = await (await client.post(f"{PAGE}/preview", data=data)).text()
    assert "<img src=x" not in page and "<b>Fermé" not in page
    assert "&lt;b&gt;Fermé&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt; &amp;" in page
    await client.post(f"{PAGE}/send", data=data)
    await harness.worker().run_once()
    header = t_fr.gettext("📣 <b>A message from the programme office</b>")
    # HTML-escaped for Telegram: the person reads the characters staff typed.
    assert fr.last()["text"] == (
        f'{header}\n\n&lt;b&gt;Fermé&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt; &amp; "demain"'
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text_fr": " ", "text_ar": ""}, "Write the message in at least one language."),
        ({"text_fr": "x" * (TEXT_MAX + 1)}, "A text is too long: at most 3,500 characters"),
        ({"text_xx": "Hello"}, "Write only in the languages offered."),
        ({"language": "xx"}, "Write only in the languages offered."),
        ({"status": "withdrawn"}, "People who withdrew are never written to."),
        ({"status": "lost"}, "Choose one of the statuses offered."),
        ({"office": "atlantis"}, "Choose one of the offices offered."),
        ({"returnees": "maybe"}, "Choose whether the message is for returnees."),
    ],
)
async def test_invalid_input_is_refused_with_a_message_and_nothing_is_sent(
    client, app, changes, message
):
    await sign_in(client, app)
    csrf = csrf_of(await (await client.get(PAGE)).text())
    for step in ("preview", "send"):
        response = await client.post(f"{PAGE}/{step}", data=form(csrf, **changes))
        assert response.status == 400
        assert message in await response.text()
    assert await count_rows(app, "announcements") == 0
    assert await count_rows(app, "outbox") == 0


async def test_a_form_without_the_csrf_token_is_refused_and_audited(harness, client, app):
    await people(harness)
    await sign_in(client, app)
    data = form("")
    del data["csrf"]
    for step in ("preview", "send"):
        response = await client.post(f"{PAGE}/{step}", data=data)
        assert response.status == 403 and "This form has expired" in await response.text()
    assert await count_rows(app, "announcements") == 0
    refused = [r for r in await audit_rows(app) if r[1] == "refused"]
    assert refused == [(STAFF_ID, "refused", "console: bad CSRF token")] * 2


async def test_someone_no_longer_staff_is_refused_and_audited(client, app, database, clock):
    await sign_in(client, app)
    csrf = csrf_of(await (await client.get(PAGE)).text())
    removed = await create_app(make_settings(database, STAFF_USER_IDS="900009"), clock=clock)
    other = await console_client(removed)
    try:
        cookie = client.session.cookie_jar.filter_cookies(client.make_url(PAGE))
        other.session.cookie_jar.update_cookies({"avrr_console": cookie["avrr_console"].value})
        response = await other.post(f"{PAGE}/send", data=form(csrf))
        assert response.status == 403 and "Only office staff" in await response.text()
        assert (STAFF_ID, "refused", "console: no longer staff") in await audit_rows(removed)
    finally:
        await other.close()
        await removed.close()
    assert await count_rows(app, "announcements") == 0
    stranger = await console_client(app)
    try:
        assert (await stranger.get(PAGE)).status == 401  # never signed in
    finally:
        await stranger.close()


async def test_a_refusal_by_the_services_own_policy_is_audited(client, app, monkeypatch):
    """The session check passed, the service's StaffPolicy says no: refused and audited."""
    await sign_in(client, app)
    csrf = csrf_of(await (await client.get(PAGE)).text())
    monkeypatch.setattr(app.announcements, "_policy", StaffPolicy(()))  # removed meanwhile
    response = await client.post(f"{PAGE}/send", data=form(csrf))
    assert response.status == 403 and "Only office staff" in await response.text()
    assert (STAFF_ID, "refused", "console: announcements") in await audit_rows(app)
    assert await count_rows(app, "announcements") == 0


async def test_the_segment_chooses_who_is_counted_and_sent_to(harness, client, app):
    (fr, _), (ar, _), _ = await people(harness)
    await sign_in(client, app)
    csrf = csrf_of(await (await client.get(PAGE)).text())
    only_french = form(csrf, language="fr")
    page = await (await client.post(f"{PAGE}/preview", data=only_french)).text()
    assert "1 person reads French." in page and "0 people read Arabic." in page
    assert "1 person will receive it." in page and "get nothing unless" not in page
    assert "All offices · Any status · French · Returnees or not" in page
    # Nobody registered has returned yet: no one to send to, no Send button.
    returnees = await client.post(f"{PAGE}/preview", data=form(csrf, returnees="yes"))
    page = await returnees.text()
    assert "0 people will receive it." in page and "📣 Send" not in page
    await client.post(f"{PAGE}/send", data=only_french)
    await harness.worker().run_once()
    assert len(announcements_in(fr)) == 1 and announcements_in(ar) == []


async def test_an_arabic_speaking_staff_member_gets_the_page_in_arabic(harness, client, app):
    await open_menu(harness, STAFF_ID, "ar")  # the staff member's own language: Arabic
    await sign_in(client, app)
    t = app.catalogs["ar"]
    page = await (await client.get(PAGE)).text()
    assert '<html lang="ar" dir="rtl">' in page
    assert t.gettext("➕ New announcement") in page and t.gettext("Announcements") in page
    assert t.gettext("Announcements") != "Announcements"
