"""/mydata: everything stored about the person, in their language."""

from __future__ import annotations

from bot.domain.conversations import Direction, Kind
from bot.domain.offices import Office
from bot.i18n import N_, Translator, native_language_name
from bot.presentation.labels import STATUSES
from bot.services.registration import PersonalData
from dialogs.registration.getters import summary_lines
from dialogs.widgets import esc

KIND_LABELS = {
    Kind.PHOTO: N_("[photo]"),
    Kind.VOICE: N_("[voice message]"),
    Kind.DOCUMENT: N_("[document]"),
}
MESSAGES_BUDGET = 2500  # characters of conversation shown, newest first, within one message


def conversation_lines(data: PersonalData, t: Translator) -> list[str]:
    shown: list[str] = []
    for _conversation, messages in data.conversations:
        for message in messages:
            who = t.gettext("You") if message.direction is Direction.IN else t.gettext("Office")
            body = esc(message.text or "")
            if message.kind in KIND_LABELS:
                body = (t(KIND_LABELS[message.kind]) + " " + body).strip()
            shown.append(f"{who}: {body}" if body else f"{who}: —")
    if not shown:
        return []
    kept, used = [], 0
    for line in reversed(shown):
        used += len(line)
        if used > MESSAGES_BUDGET:
            kept.append("…")
            break
        kept.append(line)
    return ["", t.gettext("<b>Messages with the office</b>"), *reversed(kept)]


def render_personal_data(data: PersonalData, t: Translator, offices: tuple[Office, ...]) -> str:
    # One time zone for every time on the page: the office of the person's registration.
    home = data.registrations[0].draft.office_id if data.registrations else None
    tz = next((o.tz for o in offices if o.id == home), offices[0].tz)
    lines = [t.gettext("<b>What the bot stores about you</b>")]
    if data.user is not None:
        lines.append(t.gettext("Your Telegram number (id): {id}", id=t.isolate(str(data.user.id))))
        if data.user.locale:
            lines.append(
                t.gettext("Language: {language}", language=native_language_name(data.user.locale))
            )
        lines.append(t.gettext("First message: {date}", date=t.datetime(data.user.first_seen, tz)))
        if data.user.listen_locale:
            lines.append(
                t.gettext(
                    "Language you listen to: {language}",
                    language=native_language_name(data.user.listen_locale),
                )
            )
        if data.user.source:
            lines.append(
                t.gettext("Link you came from: {source}", source=t.isolate(data.user.source))
            )
    for registration in data.registrations:
        office = next((o for o in offices if o.id == registration.draft.office_id), offices[0])
        draft = registration.draft
        answers = summary_lines(
            {
                "name": draft.name, "country": draft.country, "city": draft.city,
                "phone": draft.phone, "gender": draft.gender.value,
                "age_group": draft.age_group.value, "passport": draft.passport.value,
                "companions": draft.companions, "needs": sorted(n.value for n in draft.needs),
                "contact_locale": draft.contact_locale,
            },
            t,
        )  # fmt: skip
        lines += [
            "",
            t.gettext(
                "<b>Registration {reference}</b>", reference=t.isolate(registration.reference)
            ),
            t.gettext("Status: {status}", status=t(STATUSES[registration.status])),
            t.gettext("Name: {name}", name=answers["name"]),
            t.gettext("Country of origin: {country}", country=answers["country"]),
            t.gettext("Where you are: {city}", city=esc(office.place_name(draft.city, t.locale))),
            t.gettext("Phone: {phone}", phone=answers["phone"]),
            t.gettext("Gender: {gender}", gender=answers["gender"]),
            t.gettext("Age group: {age}", age=answers["age"]),
            *(
                []
                if registration.kind == "reintegration"  # not asked of returnees
                else [
                    t.gettext("Passport: {passport}", passport=answers["passport"]),
                    t.gettext(
                        "People travelling with you: {companions}",
                        companions=answers["companions"],
                    ),
                ]
            ),
            t.gettext("Needs: {needs}", needs=answers["needs"]),
            t.gettext("Language for contact: {language}", language=answers["language"]),
            t.gettext("Registered on: {date}", date=t.datetime(registration.created_at, tz)),
        ]
        if registration.consent_at is not None:
            lines.append(
                t.gettext(
                    "You agreed on {date} (text version {version}).",
                    date=t.datetime(registration.consent_at, tz),
                    version=t.isolate(registration.consent_version or ""),
                )
            )
    lines += conversation_lines(data, t)
    for alert in data.urgent_alerts:
        lines += [
            "",
            t.gettext("🆘 Urgent alert sent on {date}", date=t.datetime(alert.created_at, tz)),
        ]
    for concern in data.concerns:
        lines += [
            "",
            t.gettext(
                "🔒 Report {reference}, sent on {date}",
                reference=t.isolate(concern.reference),
                date=t.datetime(concern.created_at, tz),
            ),
        ]
        if concern.text or concern.file_id:
            body = esc(concern.text or "") or t(KIND_LABELS[Kind.VOICE])
            lines.append(body[:MESSAGES_BUDGET])
    if data.pending_messages:
        lines.append("")
        lines.append(
            t.ngettext(
                "{n} message is waiting to be sent to you.",
                "{n} messages are waiting to be sent to you.",
                data.pending_messages,
            )
        )
    if (
        data.user is None
        and not data.registrations
        and not data.conversations
        and not (data.urgent_alerts or data.concerns)
    ):
        lines.append(t.gettext("Nothing."))
    lines += ["", t.gettext("To delete all of it: /delete")]
    return "\n".join(lines)
