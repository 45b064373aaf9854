"""The application's long-lived objects, wired once. No aiogram here: the command-line tools
(migrate, reports) use this too, and importing aiogram costs seconds."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import ConfigError, Settings, data_key
from bot.content import TOPIC_IDS, ContentLibrary
from bot.domain.offices import Office, load_offices, missing_details
from bot.i18n import Catalogs
from bot.services.announcements import AnnouncementService
from bot.services.audit import AuditService
from bot.services.booking import BookingService
from bot.services.caseload import CaseloadService
from bot.services.cases import CaseService
from bot.services.checkins import CheckinService
from bot.services.clock import SystemClock
from bot.services.console_access import ConsoleAccess
from bot.services.conversations import ConversationService
from bot.services.menu import MenuService
from bot.services.notices import NoticeService
from bot.services.outbox import OutboxService
from bot.services.ports import Clock
from bot.services.protection import ConcernService, UrgentService
from bot.services.recordings import RecordingService
from bot.services.registration import RegistrationService
from bot.services.retention import RetentionService
from bot.services.staff_chat import StaffChat
from bot.services.stats import StatsService
from bot.services.users import UserService
from storage.crypto import DataCipher
from storage.db import WriteGate, create_engine, create_session_factory, is_sqlite
from storage.key_check import DataKeyError, check_data_key
from storage.loop_sqlite import LoopConnection
from storage.migrate import migrate
from storage.repositories.registrations import facts_on_loop
from storage.repositories.updates import ProcessedUpdates
from storage.uow import SqlUnitOfWorkFactory

logger = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    catalogs: Catalogs
    content: ContentLibrary
    offices: tuple[Office, ...]
    clock: Clock = field(default_factory=SystemClock)

    def __post_init__(self) -> None:
        self.session_factory: async_sessionmaker[AsyncSession] = create_session_factory(self.engine)
        self.read_session_factory = create_session_factory(self.engine, read_only=True)
        self.cipher = DataCipher(data_key(self.settings))
        self.write_gate = WriteGate(self.settings.DATABASE_URL)
        self.uow = SqlUnitOfWorkFactory(
            self.session_factory, self.read_session_factory, self.cipher, self.write_gate
        )
        self.updates = ProcessedUpdates(self.session_factory, self.read_session_factory)
        # One process on SQLite is the only writer: it may answer from memory what it wrote.
        self.single_process = is_sqlite(self.settings.DATABASE_URL)
        self.users = UserService(self.uow, self.clock, remember=self.single_process)
        self.uow.on_users_changed = self.users.forget
        self.audit = AuditService(self.uow, self.clock)
        self.registrations = RegistrationService(
            self.uow, self.clock, self.offices, self.settings.CHECKIN_MONTHS
        )
        self.cases = CaseService(self.uow, self.clock, self.settings.STAFF_USER_IDS)
        self.caseload = CaseloadService(self.uow, self.clock, self.settings.STAFF_USER_IDS)
        self.console_access = ConsoleAccess(self.uow, self.clock, self.settings.STAFF_USER_IDS)
        self.outbox = OutboxService(self.uow, self.clock, self._stop_checkins_of_unreachable)
        self.staff_chat = StaffChat(self.uow, self.clock, self.settings.STAFF_CHAT_ID)
        self.bookings = BookingService(
            self.uow,
            self.clock,
            self.offices,
            self.settings.STAFF_USER_IDS,
            timedelta(hours=self.settings.BOOKING_CUTOFF_HOURS),
        )
        self.checkins = CheckinService(
            self.uow,
            self.clock,
            self.offices,
            self.settings.CHECKIN_MONTHS,
            self.settings.STAFF_USER_IDS,
        )
        self.retention = RetentionService(self.uow, self.clock, self.settings.RETENTION_MONTHS)
        # One process on SQLite: the hot path's reads and dialog-state writes on the loop.
        self.loop_db = (
            LoopConnection(self.engine)
            if self.single_process and LoopConnection.able(self.engine)
            else None
        )
        self.menu = MenuService(
            self.uow,
            (lambda: self.uow.generation) if self.single_process else None,
            size=self.people_in_memory,
            read_on_loop=partial(facts_on_loop, self.loop_db) if self.loop_db else None,
        )
        self.stats = StatsService(self.uow, self.clock, self.settings.STAFF_USER_IDS)
        self.conversations = ConversationService(
            self.uow, self.clock, self.offices, self.settings.STAFF_USER_IDS
        )
        self.urgent = UrgentService(
            self.uow,
            self.clock,
            self.offices,
            self.settings.STAFF_USER_IDS,
            timedelta(minutes=self.settings.URGENT_REPEAT_MINUTES),
        )
        self.concerns = ConcernService(
            self.uow, self.clock, self.settings.CONCERNS_CHAT_ID, self.settings.CONCERNS_USER_IDS
        )
        self.notices = NoticeService(self.uow, self.concerns.reaches, self.cipher.decrypt_json)
        self.announcements = AnnouncementService(self.uow, self.clock, self.settings.STAFF_USER_IDS)
        self.recordings = RecordingService(
            self.uow,
            self.clock,
            self.settings.STAFF_USER_IDS,
            self.content.page_count,
            TOPIC_IDS,
            remember=self.single_process,
        )

    def people_in_memory(self) -> int:
        """How many people to keep in memory caches: those active lately, and at least 1,000."""
        return max(1_000, self.users.active())

    async def _stop_checkins_of_unreachable(self, uow: Any, user_id: int, now: Any) -> None:
        await self.checkins.unreachable(uow, user_id, now)

    def dependencies(self) -> dict[str, Any]:
        """What handlers and dialogs receive by name (aiogram `Dispatcher(**deps)`)."""
        return {
            "settings": self.settings,
            "catalogs": self.catalogs,
            "content": self.content,
            "offices": self.offices,
            "clock": self.clock,
            "user_service": self.users,
            "registrations": self.registrations,
            "cases": self.cases,
            "conversations": self.conversations,
            "bookings": self.bookings,
            "menu": self.menu,
            "checkins": self.checkins,
            "stats": self.stats,
            "urgent": self.urgent,
            "concerns": self.concerns,
            "recordings": self.recordings,
            "audit": self.audit,
            "outbox": self.outbox,
            "staff_chat": self.staff_chat,
            "announcements": self.announcements,
            "console_access": self.console_access,
        }

    async def close(self) -> None:
        if self.loop_db is not None:
            self.loop_db.close()
        await self.engine.dispose()


def freeze_start_up_objects() -> None:
    """Once the bot is built: what start-up made lives as long as the process, so the collector
    need not walk it again (without this, each full collection walks ~300k objects)."""
    gc.collect()
    gc.freeze()


async def create_app(
    settings: Settings, clock: Clock | None = None, *, run_migrations: bool = True
) -> App:
    key = data_key(settings)  # a missing DATA_KEY stops start-up before anything else happens
    engine = create_engine(settings.DATABASE_URL)
    if run_migrations:
        await migrate(engine)
    try:  # a different DATA_KEY stops it too, before anyone gets an apology
        await check_data_key(engine, key, (clock or SystemClock()).now())
    except DataKeyError as error:
        await engine.dispose()
        raise ConfigError(str(error)) from None
    offices = load_offices()
    warn_missing_office_details(offices)
    app = App(
        settings=settings,
        engine=engine,
        catalogs=Catalogs(),
        content=ContentLibrary.load(),
        offices=offices,
        clock=clock or SystemClock(),
    )
    if run_migrations:
        await app.staff_chat.load()  # a staff group upgraded to a supergroup earlier
    return app


def warn_missing_office_details(offices: tuple[Office, ...]) -> None:
    """Make an office file's gaps visible to staff at every start (no personal data here)."""
    for office in offices:
        missing = missing_details(office)
        if missing:
            consequence = (
                "interview confirmations cannot say where to come (/slots warns before publishing)"
                if "address" in missing
                else "people are not shown these details"
            )
            logger.warning(
                "Office %r has no %s in config/offices.toml: %s",
                office.id,
                ", ".join(missing),
                consequence,
            )
