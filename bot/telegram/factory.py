"""Build the dispatcher and the bot. Tests build a fresh pair per test from the same code."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    GetUpdates,
    Response,
    SendDocument,
    SendMessage,
    SetMyCommands,
)
from aiogram_dialog import setup_dialogs

from bot.app import App
from bot.telegram.booking_view import BookStart
from bot.telegram.checkin_view import OpenCheckin
from bot.telegram.commands import create_commands_router
from bot.telegram.errors import register_error_handlers
from bot.telegram.fallback import ForeignCallbackGuard, create_fallback_router
from bot.telegram.middlewares import DialogStateBatch, PersonContextMiddleware
from bot.telegram.notifier import Renderer
from bot.telegram.relay import create_relay_router
from bot.telegram.relay_view import ConversationAction
from bot.telegram.staff import create_staff_router
from bot.telegram.staff_view import CaseAction
from bot.telegram.worker import OutboxWorker
from dialogs import create_dialogs
from storage.fsm import SqlStorage
from storage.locks import SenderLease

# pydantic caches `Response[T]` weakly: without a strong reference, aiogram's session rebuilds
# the type on every call (about 2 ms). Keep the ones every update uses alive.
_PINNED_RESPONSE_TYPES = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        SendMessage, EditMessageText, EditMessageReplyMarkup, AnswerCallbackQuery,
        DeleteMessage, SendDocument, GetUpdates, GetMe, SetMyCommands,
    )
)  # fmt: skip

FSM_KEYS_PER_PERSON = 4
# A syntactically valid token for the in-process Bot API (it never leaves the process).
LOCAL_TOKEN = "4242424242:LOCAL-terminal-chat-token-not-secret"


def build_dispatcher(app: App, events_isolation: BaseEventIsolation | None = None) -> Dispatcher:
    storage = SqlStorage(
        app.session_factory,
        app.read_session_factory,
        cipher=app.cipher,
        gate=app.write_gate,
        cache=app.single_process,  # one process is the only writer
        # Each person mid-dialog has 2 to 4 keys (aiogram's, the stack, a context or two).
        cache_size=lambda: FSM_KEYS_PER_PERSON * app.people_in_memory(),
        engine=app.engine,
    )
    dp = Dispatcher(
        storage=storage,
        # One update at a time per person: dialog state is read, changed and written back.
        events_isolation=events_isolation or SimpleEventIsolation(),
        erase_dialog_state=storage.delete_user,
        **app.dependencies(),
    )
    dp.update.outer_middleware(PersonContextMiddleware(app.settings, app.catalogs, app.users))
    dp.update.outer_middleware(DialogStateBatch(storage.batch))
    dp.callback_query.outer_middleware(
        ForeignCallbackGuard(
            own_prefixes=(
                CaseAction.__prefix__,
                ConversationAction.__prefix__,
                BookStart.__prefix__,
                OpenCheckin.__prefix__,
            )
        )
    )
    dp.include_router(create_commands_router())
    dp.include_router(create_staff_router())
    dp.include_router(create_relay_router())
    dp.include_routers(*create_dialogs())
    dp.include_router(create_fallback_router())
    register_error_handlers(dp)
    setup_dialogs(dp)
    return dp


def create_worker(app: App, bot: Bot) -> OutboxWorker:
    lease = SenderLease(app.engine)
    return OutboxWorker(
        app.outbox,
        Renderer(app),
        bot,
        before_round=app.checkins.dispatch,
        is_sender=lease.held,
        on_stop=lease.release,
    )


def create_bot(token: str, session: BaseSession) -> Bot:
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_telegram_session(api_url: str) -> AiohttpSession:
    return AiohttpSession(api=TelegramAPIServer.from_base(api_url))
