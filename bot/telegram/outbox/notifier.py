"""Turns an outbox message into what Telegram should send, at send time, in the reader's language.

Staff messages go to STAFF_CHAT_ID in DEFAULT_LOCALE; person messages go to the person in the
language they use now; concerns to the focal point's chat. The notice's data is read through
bot.services.notices; each kind's render function (registered with `@renders`) is pure. Data
erased since the message was queued is never sent (None).
"""

from __future__ import annotations

from dataclasses import replace

from bot.app import App
from bot.domain.checkins import CheckinStatus
from bot.domain.notices import Audience, NoticeKind
from bot.domain.registration import Registration, Status
from bot.presentation.labels import STATUS_NOTICES
from bot.services.ports import OutboxMessage
from bot.telegram.entry.reply_pace import reply_markup

# The render functions register themselves on import: every view of a notice is listed here.
from bot.telegram.outbox import (  # noqa: F401
    announcements,
    booking,
    checkins,
    conversations,
    protection,
)
from bot.telegram.outbox.booking import book_button
from bot.telegram.outbox.outgoing import RENDERERS, Outgoing, Rendering, renders
from bot.telegram.staff.case_view import group_keyboard, group_notice

__all__ = ["Outgoing", "Renderer", "StaffChatNotConfiguredError"]


class StaffChatNotConfiguredError(Exception):
    pass


class Renderer:
    def __init__(self, app: App) -> None:
        self._app = app

    async def render(self, message: OutboxMessage) -> Outgoing | None:
        app = self._app
        kind = NoticeKind(message.kind)  # ValueError: a kind this version does not know
        catalogs = app.catalogs
        if kind.audience is Audience.STAFF:
            chat_id = app.staff_chat.sendable_id()  # raises while it may not receive anything
            if chat_id is None:
                raise StaffChatNotConfiguredError
        elif kind.audience is Audience.CONCERNS:
            chat_id = int(message.payload["chat_id"])
        elif message.user_id is None:
            return None
        else:
            chat_id = message.user_id
        data = await app.notices.load(message)
        if data is None:
            return None
        locale = data.locale if kind.audience is Audience.PERSON else app.settings.DEFAULT_LOCALE
        rendering = Rendering(kind, message.payload, data, chat_id, catalogs[locale], app.offices)
        outgoing = RENDERERS[kind](rendering)
        if outgoing is None:
            return None
        return replace(outgoing, on_sent=lambda sent_id: app.notices.sent(message, sent_id))


@renders(NoticeKind.STAFF_CHAT_MIGRATED)
def staff_chat_migrated(r: Rendering) -> Outgoing | None:
    return Outgoing(
        r.chat_id,
        r.t.gettext(
            "ℹ️ This group was upgraded to a supergroup, and Telegram gave it a new id: "
            "{chat_id}. The bot now writes here; the messages that were waiting have "
            "been sent here, in order. To answer a person, reply to a message sent "
            "here. Please ask whoever runs the bot to set STAFF_CHAT_ID={chat_id} in "
            "its settings.",
            chat_id=r.payload["to"],
        ),
    )


@renders(NoticeKind.REGISTRATION_WITHDRAWN)
def registration_withdrawn(r: Rendering) -> Outgoing | None:
    reference = r.payload["reference"]
    return Outgoing(
        r.chat_id, r.t.gettext("↩️ Registration {reference} was withdrawn.", reference=reference)
    )


@renders(NoticeKind.REGISTRATION_ERASED)
def registration_erased(r: Rendering) -> Outgoing | None:
    return Outgoing(
        r.chat_id,
        r.t.gettext(
            "↩️ Registration {reference} was withdrawn: the person deleted their data.",
            reference=r.payload["reference"],
        ),
    )


def _still_there(r: Rendering) -> Registration | None:
    """The registration a staff notice shows, unless its person erased their data meanwhile."""
    registration = r.data.registration
    return registration if registration is not None and registration.user_id is not None else None


@renders(NoticeKind.REGISTRATION_NEW)
def registration_new(r: Rendering) -> Outgoing | None:
    if (registration := _still_there(r)) is None:
        return None
    return Outgoing(
        r.chat_id, group_notice(registration, r.t, r.offices), group_keyboard(registration, r.t)
    )


@renders(NoticeKind.REGISTRATION_EDITED)
def registration_edited(r: Rendering) -> Outgoing | None:
    if (registration := _still_there(r)) is None:
        return None
    return Outgoing(
        r.chat_id,
        r.t.gettext(
            "✏️ Registration {reference}: the person changed their contact details.",
            reference=registration.reference,
        ),
    )


@renders(NoticeKind.REPLY)
def deferred_reply(r: Rendering) -> Outgoing | None:
    """A reply Telegram would not take at once (429, bot.telegram.entry.reply_pace)."""
    reply = r.data.reply
    assert reply is not None
    return Outgoing(r.chat_id, reply["text"], reply_markup=reply_markup(reply["markup"]))


@renders(NoticeKind.STATUS_CHANGED)
def status_changed(r: Rendering) -> Outgoing | None:
    registration, t = r.data.registration, r.t
    if registration is None or registration.user_id != r.chat_id:
        return None
    status = Status(r.payload["status"])
    text = t(STATUS_NOTICES[status], reference=t.isolate(registration.reference))
    markup = book_button(t) if status is Status.CONTACTED else None
    return Outgoing(r.chat_id, text, reply_markup=markup)


@renders(NoticeKind.CHECKINS_WELCOME)
def welcome_home(r: Rendering) -> Outgoing | None:
    """Marked returned by staff: check-ins will follow, the first on this date."""
    registration, t = r.data.registration, r.t
    if registration is None or registration.user_id != r.chat_id:
        return None
    coming = sorted(c.due_at for c in r.data.checkins if c.status is CheckinStatus.SCHEDULED)
    office = r.office(registration.draft.office_id) or r.offices[0]
    lines = [t.gettext("Welcome home. The programme can now support your reintegration.")]
    if coming:
        lines.append(
            t.gettext(
                "From time to time the bot will ask you a few questions about how you are "
                "doing. The first check-in comes on {date}. Answering is your choice.",
                date=t.date(coming[0].astimezone(office.tz).date(), "long"),
            )
        )
    return Outgoing(r.chat_id, "\n\n".join(lines))
