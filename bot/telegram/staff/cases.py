"""Staff commands (private chat) and staff buttons (group or private). Allowlisted staff only:
anyone else gets the ordinary unknown-command answer, or a short refusal for a button."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import BaseFilter, Command, CommandObject
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.domain.countries import all_countries
from bot.domain.offices import Office
from bot.domain.registration import REFERENCE_SHAPE, Status, urgent
from bot.i18n import N_, Translator
from bot.presentation.labels import NEEDS, STATUSES
from bot.services.audit import AuditService
from bot.services.cases import CaseService, Change
from bot.services.checkins import CheckinService, Returned
from bot.telegram.entry.filters import PrivateChat
from bot.telegram.staff.case_view import CaseAction, case_details, case_keyboard
from bot.telegram.staff.console_link import console_link
from dialogs.states import SlotsSG, StaffAnswerSG, StatsSG


class IsStaff(BaseFilter):
    """The presser or sender is in STAFF_USER_IDS: `is_staff`, worked out for this update's
    `event_from_user` by PersonContextMiddleware (bot/telegram/entry/middlewares.py)."""

    async def __call__(self, _event: object, is_staff: bool) -> bool:
        return is_staff


class NotStaff(BaseFilter):
    async def __call__(self, _event: object, is_staff: bool) -> bool:
        return not is_staff


RETURNED_ANSWERS = {
    Returned.STARTED: N_("Marked returned. Check-ins are scheduled."),
    Returned.NOT_FOUND: N_("There is no such case."),
    Returned.NOT_ALLOWED: N_("This case is withdrawn, closed or deleted: nothing was changed."),
    Returned.FUTURE: N_("The return date cannot be in the future."),
    Returned.BEFORE_REGISTRATION: N_("The return date cannot be before the registration."),
}
# The staff commands (as registered in polling.STAFF_COMMANDS): from anyone else they get the
# unknown-command answer, and the refusal is audited (RefusedStaffCommands).
STAFF_COMMAND_NAMES = frozenset(
    {"case", "cases", "slots", "inbox", "returned", "stats", "export", "console"}
)


def staff_command(text: str | None) -> str | None:
    """`/case@bot MA-…` -> "case" when it names a staff command, else None."""
    if not text or not text.startswith("/"):
        return None
    name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
    return name if name in STAFF_COMMAND_NAMES else None


class RefusedStaffCommands(BaseMiddleware):
    """Records a staff command sent by someone not in STAFF_USER_IDS, then lets the update go
    on: they get the very answer any unknown command gets (a dialog's hint, or the menu)."""

    def __init__(self, audit: AuditService) -> None:
        self._audit = audit

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.chat.type == "private" and event.from_user:
            name = staff_command(event.text)
            if name is not None and not data["is_staff"]:
                await self._audit.refused(event.from_user.id, f"command /{name}")
        return await handler(event, data)


CHANGE_ANSWERS = {
    Change.STALE: N_("This case changed meanwhile: nothing was done. Open it again to see it now."),
    Change.NOT_ALLOWED: N_("This change is not possible for this case."),
    Change.NOT_FOUND: N_("There is no such case."),
}


async def case(
    message: Message, command: CommandObject, cases: CaseService, t: Translator,
    offices: tuple[Office, ...],
) -> None:  # fmt: skip
    reference = (command.args or "").strip().upper()
    if not REFERENCE_SHAPE.match(reference):
        await message.answer(t.gettext("Write the reference like this: /case MA-2026-000042"))
        return
    view = await cases.view(message.from_user.id, reference=reference)  # type: ignore[union-attr]
    if view is None:
        await message.answer(t.gettext("There is no such case."))
        return
    await message.answer(
        case_details(view.registration, view.events, t, offices, view.checkins),
        reply_markup=case_keyboard(view.registration, t),
    )


async def returned(
    message: Message, command: CommandObject, checkins: CheckinService, t: Translator,
) -> None:  # fmt: skip
    words = (command.args or "").split()
    usage = t.gettext(
        "Write: /returned REFERENCE [YYYY-MM-DD] [country code], for example "
        "/returned MA-2026-000042 2026-10-14 GN"
    )
    if not words or not REFERENCE_SHAPE.match(words[0].upper()):
        await message.answer(usage)
        return
    try:
        returned_on = date.fromisoformat(words[1]) if len(words) > 1 else None
    except ValueError:
        await message.answer(usage)
        return
    country = words[2].upper() if len(words) > 2 else None
    if country is not None and country not in all_countries():
        await message.answer(usage)
        return
    result, _ = await checkins.mark_returned(
        message.from_user.id,  # type: ignore[union-attr]
        reference=words[0].upper(),
        returned_on=returned_on,
        country=country,
    )
    await message.answer(t(RETURNED_ANSWERS[result]))


async def stats(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(StatsSG.period, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def export(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(
        StatsSG.period,
        data={"purpose": "export"},
        mode=StartMode.RESET_STACK,
        show_mode=ShowMode.SEND,
    )


async def slots(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(
        SlotsSG.schedule, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
    )


async def recent_cases(
    message: Message, command: CommandObject, cases: CaseService, t: Translator,
    offices: tuple[Office, ...],
) -> None:  # fmt: skip
    status, office_id = None, None
    for word in (command.args or "").lower().split():
        if word in {s.value for s in Status}:
            status = Status(word)
        elif word in {o.id for o in offices}:
            office_id = word
        else:
            await message.answer(
                t.gettext(
                    "Filters: a status ({statuses}) and/or an office ({offices}).",
                    statuses=", ".join(s.value for s in Status),
                    offices=", ".join(o.id for o in offices),
                )
            )
            return
    found = await cases.recent(message.from_user.id, status=status, office_id=office_id)  # type: ignore[union-attr]
    if not found:
        await message.answer(t.gettext("No case matches."))
        return
    tz = offices[0].tz
    lines = [t.gettext("<b>Recent cases</b>")]
    for registration in found:
        parts = [
            registration.reference,
            t(STATUSES[registration.status]),
            html.escape(t.country(registration.draft.country), quote=False),
            t.datetime(registration.created_at, tz, "short"),
        ]
        flags = urgent(registration.draft.needs)
        if flags:  # the same urgent flags as on top of the group notice
            parts.insert(0, "⚠️ " + ", ".join(t(NEEDS[n]) for n in flags))
        lines.append(" · ".join(parts))
    lines.append(t.gettext("Open one with /case and its reference."))
    await message.answer("\n".join(lines))


async def refuse_case_button(
    callback: CallbackQuery, callback_data: CaseAction, t: Translator, audit: AuditService
) -> None:
    presser = callback.from_user.id
    await audit.refused(presser, f"button {CaseAction.__prefix__}:{callback_data.action}")
    await callback.answer(t.gettext("Only office staff can do this."), show_alert=True)


async def open_case(
    callback: CallbackQuery, callback_data: CaseAction, cases: CaseService, bot: Bot,
    t: Translator, offices: tuple[Office, ...],
) -> None:  # fmt: skip
    """ "📂 Open case" (in the group or a notice): the case, privately, to who pressed."""
    presser = callback.from_user.id
    view = await cases.view(presser, registration_id=callback_data.id)
    if view is None:
        await callback.answer(t.gettext("There is no such case."), show_alert=True)
        return
    try:
        await bot.send_message(
            presser,
            case_details(view.registration, view.events, t, offices, view.checkins),
            reply_markup=case_keyboard(view.registration, t),
        )
    except (TelegramForbiddenError, TelegramBadRequest):
        await callback.answer(
            t.gettext("Open a private chat with me first (press my name, then Start)."),
            show_alert=True,
        )
        return
    await callback.answer(t.gettext("Sent to you in a private message."))


async def answer_case(
    callback: CallbackQuery, callback_data: CaseAction, cases: CaseService, t: Translator,
    dialog_manager: DialogManager,
) -> None:  # fmt: skip
    await _start_answer(callback, callback_data.id, cases, callback.from_user.id, t, dialog_manager)


async def set_case_status(
    callback: CallbackQuery, callback_data: CaseAction, cases: CaseService, t: Translator,
    offices: tuple[Office, ...], checkins: CheckinService,
) -> None:  # fmt: skip
    """A status button under a case: compare-and-set from the status it showed."""
    presser = callback.from_user.id
    try:
        expected, to = Status(callback_data.expected), Status(callback_data.to)
    except ValueError:
        await callback.answer(
            t.gettext("This change is not possible for this case."), show_alert=True
        )
        return
    if to is Status.RETURNED:  # starts the monitoring, dated today
        started, _ = await checkins.mark_returned(presser, registration_id=callback_data.id)
        if started is not Returned.STARTED:
            await callback.answer(t(RETURNED_ANSWERS[started]), show_alert=True)
            return
        await callback.answer(t(RETURNED_ANSWERS[started]))
        await _refresh(callback, cases, presser, t, offices)
        return
    result = await cases.change_status(presser, callback_data.id, expected, to)
    if result is not Change.DONE:
        await callback.answer(t(CHANGE_ANSWERS[result]), show_alert=True)
        return
    await callback.answer(t.gettext("Done: {status}", status=t(STATUSES[to])))
    await _refresh(callback, cases, presser, t, offices)


async def unknown_case_action(callback: CallbackQuery) -> None:
    await callback.answer()


def create_staff_router() -> Router:
    """Staff commands in a private chat, staff buttons anywhere: one handler per action, each
    behind IsStaff (STAFF_USER_IDS, on every update); a refused button is audited first."""
    router = Router(name="staff")
    router.message.filter(PrivateChat())
    commands = {
        "case": case,
        "returned": returned,
        "stats": stats,
        "export": export,
        "slots": slots,
        "cases": recent_cases,
        "console": console_link,
    }
    for name, handler in commands.items():
        router.message.register(handler, Command(name), IsStaff())
    buttons = router.callback_query
    buttons.register(refuse_case_button, CaseAction.filter(), NotStaff())
    buttons.register(open_case, CaseAction.filter(F.action == "open"), IsStaff())
    buttons.register(answer_case, CaseAction.filter(F.action == "answer"), IsStaff())
    buttons.register(set_case_status, CaseAction.filter(F.action == "set"), IsStaff())
    buttons.register(unknown_case_action, CaseAction.filter(), IsStaff())
    return router


async def _start_answer(
    callback: CallbackQuery,
    registration_id: int,
    cases: CaseService,
    presser: int,
    t: Translator,
    dialog_manager: DialogManager,
) -> None:
    """ "✍️ Answer" under a case: what staff send next goes to the person (private chat only,
    where the answer cannot be seen by the whole group)."""
    message = callback.message
    if not isinstance(message, Message) or message.chat.type != "private":
        await callback.answer(
            t.gettext("Open the case in a private chat with me to answer."), show_alert=True
        )
        return
    view = await cases.view(presser, registration_id=registration_id)
    if view is None or view.registration.user_id is None:
        await callback.answer(t.gettext("There is no such case."), show_alert=True)
        return
    await callback.answer()
    await dialog_manager.start(
        StaffAnswerSG.write,
        data={"registration_id": registration_id, "who": view.registration.reference},
        mode=StartMode.RESET_STACK,
        show_mode=ShowMode.SEND,
    )


async def _refresh(
    callback: CallbackQuery,
    cases: CaseService,
    presser: int,
    t: Translator,
    offices: tuple[Office, ...],
) -> None:
    """Show the case as it is now where the button was pressed (no stale buttons left)."""
    message = callback.message
    if message is None or not isinstance(message, Message):
        return
    if message.chat.type != "private":
        await message.edit_reply_markup(reply_markup=None)
        return
    data = CaseAction.unpack(callback.data or "")
    view = await cases.view(presser, registration_id=data.id)
    if view is not None:
        await message.edit_text(
            case_details(view.registration, view.events, t, offices, view.checkins),
            reply_markup=case_keyboard(view.registration, t),
        )
