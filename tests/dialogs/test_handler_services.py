"""The application's services reach handlers, dialogs and error handlers, and nothing before
them (bot/telegram/entry/services.py): carried through every router and filter they would cost
a sixth of an update."""

from aiogram.types import TelegramObject

from bot.telegram.entry.services import HandlerServices

SERVICES = (
    "settings", "staff_chat", "registrations", "menu", "clock", "audit", "burst_ack",
    "erase_dialog_state",
)  # fmt: skip


def probe(seen: list[set[str]]):
    async def middleware(handler, event: TelegramObject, data: dict) -> object:
        seen.append(set(data))
        return await handler(event, data)

    return middleware


async def test_routers_and_filters_see_no_service_and_handlers_get_them(harness):
    outer: list[set[str]] = []
    harness.dp.callback_query.outer_middleware(probe(outer))  # what routers and filters get
    harness.dp.message.outer_middleware(probe(outer))
    person = harness.person(1301, "fr")
    await person.send("/start")
    await person.press("Français")  # the menu: its getter needs `menu` and `concerns`
    await person.press(harness.app.catalogs["fr"].gettext("📝 Register my interest"))
    assert harness.app.catalogs["fr"].gettext("Choose what you need:") not in person.last_text()
    assert len(outer) == 3
    for keys in outer:
        assert "is_staff" in keys  # what the staff filters read: the update's own sender
        assert not keys & set(SERVICES)


async def test_every_observer_hands_the_services_first(harness):
    for name, observer in harness.dp.observers.items():
        inner = list(observer.middleware)
        if name == "update":
            assert not any(isinstance(m, HandlerServices) for m in inner)
        else:
            assert isinstance(inner[0], HandlerServices), name
            assert set(SERVICES) <= set(inner[0].services)
    assert not set(harness.dp.workflow_data) & set(SERVICES)
