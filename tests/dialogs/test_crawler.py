"""The conversation crawler: every kind of person, in every language, every button and every
text step, through the real dispatcher and database. No screen may be a dead end.

Personas: a new person, a registered person, a person with a booked interview, a returnee with
a check-in due, and a staff member (with a case and an open conversation to look at). Each is
crawled in all five languages from its roots (/start, /mydata, /delete, the staff commands, the
check-in invitation): English explores, the other languages replay its steps and explore where
they lead elsewhere (see crawler.py). Part of `make test`; `make crawl` runs it alone, printing
as it goes. The figures (screens per persona and language, states, time) are printed at the end.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import time
from datetime import timedelta
from typing import Any

import pytest

from bot.app import create_app
from bot.content import TOPIC_IDS
from bot.domain.conversations import Kind
from bot.i18n import native_language_name
from bot.locales import SUPPORTED_LOCALES
from bot.telegram.outbox.checkins import OpenCheckin
from bot.telegram.outbox.conversations import ConversationAction
from bot.telegram.outbox.protection import UrgentAction
from bot.telegram.staff.case_view import CaseAction
from dialogs.widgets import STAFF_CLOSED
from tests.conftest import CRAWL_FIGURES, database_copy
from tests.dialogs.booking_steps import TOMORROW, draft, publish
from tests.dialogs.crawler import (
    BAD_INPUTS,
    Crawl,
    Crawler,
    Finding,
    InLanguage,
    LanguageCheck,
    Shared,
    dialog_states,
)
from tests.support import STAFF_ID, FakeClock, make_settings, start_harness

pytestmark = pytest.mark.crawl

PERSONAS = ("new", "registered", "booked", "returnee", "staff")
# To work on the crawler: CRAWL_ONLY="new,staff" CRAWL_LOCALES="ar" CRAWL_VERBOSE=1
_ONLY_PERSONAS = tuple(p for p in os.environ.get("CRAWL_ONLY", "").split(",") if p)
_ONLY_LOCALES = tuple(p for p in os.environ.get("CRAWL_LOCALES", "").split(",") if p)
BUDGET = int(os.environ.get("CRAWL_BUDGET", "2000"))  # actions per persona and language
STAFF_IDS = {locale: STAFF_ID + i for i, locale in enumerate(SUPPORTED_LOCALES)}
# Screens that may end without a button because they say what happens next (staff answers to
# a command, in a private chat): msgids, matched in the person's language.
DECLARED_ENDS = (
    "Open one with /case and its reference.",
    STAFF_CLOSED,
    "Conversation closed. /inbox shows the ones still open.",
    "Your data has been deleted. If you write again, the bot starts from the beginning.",
)
# Sent by people who are not staff, two per persona and language, all of them in each run.
STAFF_COMMANDS = (
    "/cases",
    "/case {ref}",
    "/inbox",
    "/slots",
    "/stats",
    "/export",
    "/returned {ref}",
)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _setup(harness: Any, persona: str, locale: str, uid: int) -> tuple[Any, list[Any]]:
    """The person and the roots the crawl starts from: (label, action) pairs."""
    app = harness.app
    if persona == "staff":
        uid = STAFF_IDS[locale]
        person_id = uid + 50  # their case and conversation
        registration, _ = await app.registrations.register(person_id, draft(locale))
        await app.users.choose_locale(person_id, locale)
        await app.conversations.open(person_id, locale)
        await app.conversations.from_person(person_id, Kind.TEXT, "I need help", None)
        await app.users.choose_locale(uid, locale)
        staff = harness.person(uid, locale)
        await _pick_language(staff, locale)
        roots = [
            (cmd, lambda c=cmd: staff.send(c))
            for cmd in (
                "/start",
                "/cases",
                f"/case {registration.reference}",
                "/inbox",
                "/slots",
                "/stats",
                "/export",
                "/record about 1 fr",
            )
        ]
        return staff, roots
    person = harness.person(uid, locale)
    if persona == "new":  # and the commands of the menu (/) that open their own screens
        return person, [(c, lambda c=c: person.send(c)) for c in ("/start", "/mydata", "/delete")]
    await _pick_language(person, locale)
    clock = app.clock
    if persona == "returnee":
        clock.advance(days=-60)  # registered two months ago, back home 40 days ago
    registration, _ = await app.registrations.register(uid, draft(locale))
    await app.users.choose_locale(uid, locale)
    if persona == "returnee":
        clock.advance(days=60)
        returned_on = (clock.now() - timedelta(days=40)).date()
        await app.checkins.mark_returned(
            STAFF_ID, registration_id=registration.id, returned_on=returned_on
        )
        await harness.worker().run_once()  # the check-in invitation arrives
        return person, [
            ("invitation", None),
            ("/start", lambda: person.send("/start")),
        ]
    if persona == "booked":
        slot = next(s for s in await app.bookings.free_times("rabat", TOMORROW))
        await app.bookings.book(uid, slot.id)
        return person, [("/start", lambda: person.send("/start"))]
    # A registered person who pressed "Stop announcements": the menu offers to undo it.
    await app.announcements.stop(uid)
    return person, [("/start", lambda: person.send("/start"))]


async def _pick_language(person: Any, locale: str) -> None:
    """A person who has used the bot before: their language is chosen."""
    await person.send("/start")
    await person.press(SUPPORTED_LOCALES.index(locale) + 1)


async def _victim(app: Any, harness: Any) -> dict[str, str]:
    """Someone else, whose case, conversation and check-in the personas try to reach with
    forged buttons: the callback data of each."""
    uid = 19_999
    clock = app.clock
    clock.advance(days=-60)
    registration, _ = await app.registrations.register(uid, draft("en"))
    clock.advance(days=60)
    conversation = await app.conversations.open(uid, "en")
    await app.conversations.from_person(uid, Kind.TEXT, "I need help", None)
    await app.checkins.mark_returned(
        STAFF_ID,
        registration_id=registration.id,
        returned_on=(clock.now() - timedelta(days=40)).date(),
    )
    await harness.worker().run_once()
    async with app.uow(read_only=True) as uow:
        checkin = (await uow.checkins.history(registration.id))[0]
    rid = registration.id
    return {
        "open a case": CaseAction(action="open", id=rid).pack(),
        "change a case": CaseAction(action="set", id=rid, expected="new", to="closed").pack(),
        "answer a case": CaseAction(action="answer", id=rid).pack(),
        "read a conversation": ConversationAction(action="open", id=conversation.id).pack(),
        "close a conversation": ConversationAction(action="close", id=conversation.id).pack(),
        "take an alert": UrgentAction(action="take", id=1).pack(),
        "another's check-in": OpenCheckin(id=checkin.id).pack(),
        "reference": registration.reference,
    }


async def _crawl_all(database: str) -> tuple[list[Crawl], float, set[str], Shared]:
    settings = make_settings(
        database,
        STAFF_USER_IDS=",".join(str(i) for i in STAFF_IDS.values()),
        CONCERNS_CHAT_ID="-1009000002",  # "Report a concern" is offered only with a receiver
    )
    app = await create_app(settings, clock=FakeClock())
    harness = await start_harness(app)
    records = _Records()
    logging.getLogger().addHandler(records)
    started = time.perf_counter()
    states = dialog_states(harness.dp)
    shared = Shared()
    try:
        await publish(app, end="13:00", capacity=10)
        forged = await _victim(app, harness)
        await _record_listening_language(app)
        reference = forged.pop("reference")
        language = LanguageCheck(app.catalogs)
        allowed = {
            w for o in app.offices for w in re.findall(r"\w+", f"{o.city} {o.address or ''}")
        }
        # What the crawler itself typed, shown back (a name, a message relayed to staff).
        allowed |= {"Aminata", "Diallo", "Oujda", "Test", "Person", "Come", "the", "office"}
        allowed |= {"friend", "sick", "need", "help", "Monday", "guin", "Português"}
        allowed |= {"Someone", "took", "passport"}
        allowed |= {native_language_name(code) for code in SUPPORTED_LOCALES}  # names of languages
        crawls = []
        uid = 20_000
        turn = 0
        for index, locale in enumerate(_ONLY_LOCALES or SUPPORTED_LOCALES):
            here = InLanguage(index)
            for persona in _ONLY_PERSONAS or PERSONAS:
                uid += 1
                person, roots = await _setup(harness, persona, locale, uid)
                crawler = Crawler(
                    harness, person, persona, locale, language, allowed, records.records,
                    {app.catalogs[locale].gettext(m) for m in DECLARED_ENDS}, shared, here,
                )  # fmt: skip
                first = None
                for label, action in roots:
                    node = await crawler.root(label, action or _nothing)
                    first = first or node
                if persona != "staff":  # two forged presses and two staff commands each
                    names = sorted(forged)
                    for k in range(2):
                        name = names[(turn + k) % len(names)]
                        await crawler.forged(first, name, forged[name])
                        command = STAFF_COMMANDS[(turn + k) % len(STAFF_COMMANDS)]
                        await crawler.command(first, command.format(ref=reference))
                    if shared.foreign_dialog_data is not None:
                        await crawler.forged(
                            first, "another person's dialog button", shared.foreign_dialog_data
                        )
                    turn += 2
                crawls.append(await crawler.run(BUDGET))
                if os.environ.get("CRAWL_VERBOSE", "0") not in {"", "0"}:
                    done = crawls[-1]
                    print(  # noqa: T201
                        persona, locale, len(done.screens), done.actions,
                        f"{time.perf_counter() - started:.1f}s", len(done.findings),
                        f"replayed {done.replayed} diverged {done.diverged}",
                        file=sys.stderr, flush=True,
                    )  # fmt: skip
    finally:
        logging.getLogger().removeHandler(records)
        await harness.bot.session.close()
        await app.close()
    return crawls, time.perf_counter() - started, states, shared


async def _record_listening_language(app: Any) -> None:
    """Every page recorded in Wolof: the language screen offers a listening language."""
    for topic in TOPIC_IDS:
        for page in range(1, app.content.page_count(topic) + 1):
            await app.recordings.record(STAFF_ID, topic, page, "wo", f"{topic}-{page}")


async def _nothing() -> None:
    """A root the bot already sent (the check-in invitation): look at it as it is."""


@pytest.fixture(scope="module")
def crawl(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    migrated_template: str,
) -> tuple[list[Crawl], float, set[str], Shared]:
    """One crawl for the module's tests, on a copy of the migrated database (on PostgreSQL
    under `make test-pg`)."""

    async def run() -> tuple[list[Crawl], float, set[str], Shared]:
        path = tmp_path_factory.mktemp("crawl") / "crawl.db"
        async with database_copy(path, migrated_template) as url:
            return await _crawl_all(url)

    crawls, seconds, states, shared = asyncio.run(run())
    actions = sum(c.actions for c in crawls)
    lines = [
        f"crawler: {seconds:.0f} s, {actions} actions; distinct screens per persona and language"
    ]
    locales = _ONLY_LOCALES or SUPPORTED_LOCALES
    lines.append(f"  {'':<10} " + " ".join(f"{code:>5}" for code in locales))
    for persona in _ONLY_PERSONAS or PERSONAS:
        counts = {c.locale: len(c.screens) for c in crawls if c.persona == persona}
        lines.append(f"  {persona:<10} " + " ".join(f"{counts[code]:>5}" for code in locales))
    shown = {
        code: len(set().union(*(c.states for c in crawls if c.locale == code)) & states)
        for code in locales
    }
    lines.append(f"  {'states':<10} " + " ".join(f"{shown[code]:>5}" for code in locales))
    lines.append(f"  (of the {len(states)} states of the registered dialogs)")
    replayed = sum(c.replayed for c in crawls)
    diverged = sum(c.diverged for c in crawls)
    lines.append(f"  steps replayed in the other languages: {replayed}, led elsewhere: {diverged}")
    # Printed at the end of the run (tests/conftest.py), whether output is captured or not.
    request.config.stash.setdefault(CRAWL_FIGURES, []).extend(lines)
    return crawls, seconds, states, shared


def _findings(crawls: list[Crawl]) -> list[Finding]:
    unique: dict[tuple[Any, ...], Finding] = {}
    for c in crawls:
        for finding in c.findings:
            unique.setdefault((c.persona, *finding.key()), finding)
    return list(unique.values())


def test_no_screen_is_a_dead_end_or_wrong(crawl):
    crawls = crawl[0]
    assert sum(c.actions for c in crawls) > 0
    bad = _findings(crawls)
    report = "\n".join(str(f) for f in bad[:60])
    assert not bad, f"{len(bad)} problems found by the crawler:\n{report}"


@pytest.mark.skipif(bool(_ONLY_PERSONAS), reason="some personas only: not every state is theirs")
def test_every_dialog_state_is_reached(crawl):
    crawls, _, states, _ = crawl
    assert len(states) > 50  # read from the registered dialogs
    reached = set().union(*(c.states for c in crawls))
    missing = sorted(states - reached)
    assert not missing, f"dialog states the crawler could not reach: {missing}"


@pytest.mark.skipif(bool(_ONLY_LOCALES or _ONLY_PERSONAS), reason="a narrowed crawl")
def test_every_state_is_shown_in_every_language(crawl):
    crawls, _, states, _ = crawl
    for locale in SUPPORTED_LOCALES:
        reached = set().union(*(c.states for c in crawls if c.locale == locale))
        missing = sorted(states - reached)
        assert not missing, f"{locale}: states never shown in this language: {missing}"


@pytest.mark.skipif(bool(_ONLY_LOCALES or _ONLY_PERSONAS), reason="a narrowed crawl")
def test_bad_inputs_forged_presses_and_staff_commands_are_tried(crawl):
    _, _, _, shared = crawl
    kinds = {kind for _, kind in shared.bad_inputs}
    assert kinds == set(BAD_INPUTS)
    assert len(shared.bad_inputs) >= 2 * len(crawl[2])  # several kinds on every state
    assert {c.split()[0] for c in STAFF_COMMANDS} <= shared.forged
    assert "another person's dialog button" in shared.forged
    assert {"open a case", "change a case", "another's check-in"} <= shared.forged


def test_every_persona_is_crawled_in_every_language(crawl):
    crawls = crawl[0]
    for c in crawls:
        assert len(c.screens) >= 3, (c.persona, c.locale, len(c.screens))
        assert c.actions < BUDGET, f"{c.persona}/{c.locale} hit the bound: raise it or dedupe"
