"""A conversation crawler: explores the bot breadth-first as one person, through the real
dispatcher and database (the in-process Bot API), and checks every screen it reaches.

From each root (a command, or a message the bot sent on its own) it presses the buttons and
answers every text step with a valid sample and with bad inputs. To come back to a screen
without replaying the whole path, it restores the person's dialog state (the `fsm_records`
rows) and the screen's message as they were when the screen was first shown: the dialog then
continues exactly from there. What the crawl did to the programme's data (a registration
confirmed, a booking cancelled) stays done: the bot must cope with any order of presses, and
that is part of what is tested (a screen shown again is also an old screen).

The first language explores; the others replay. The first language's crawl is a bounded
breadth-first walk, and every action it made that led to a screen it went on to explore is a
`Step`, recorded in a form that holds in every language: a button by its callback data (without
the dialog's intent id, which is the person's own) or its place in a reply keyboard, a sample
answer, a bad input. Each other language makes those steps again, in the same order (so the
programme's data changes as it did), as a new person of the same persona, and checks every
screen they lead to. A step whose button is not on the screen, or that leads to another state,
is where that language diverged: the crawl explores from there as the first language did.

What keeps it bounded (every language and persona in about a minute):
- a screen's signature folds what depends on data (numbers, dates, references, the names the
  crawler typed), a screen seen before (by any persona, in this language) is not explored again,
  and each persona expands at most `PER_STATE` screens of one dialog state (and, of a sequence
  of screens of one state — questions, months — at most `SEQUENCE`, pressing what is new);
- of the buttons of one widget (calendar days, countries, slots) at most `PER_WIDGET` are
  pressed, those with different labels first (a free day and a full one);
- only the steps that led to an explored screen are replayed;
- the bad inputs (sticker, overlong text, strange Unicode, free text, an old button) rotate:
  the first language tries one on every screen it explores; each language also tries its own
  one once on each state, so that the five languages try all five.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiogram import Router
from aiogram_dialog import Dialog
from aiogram_dialog.utils import CB_SEP
from sqlalchemy import insert, select

from bot.i18n import LOCALES_DIR
from bot.locales import SUPPORTED_LOCALES
from bot.telegram.entry.local_api import BOT_USER
from storage.models import FsmRecordRow, UserRow

TRACE = int(os.environ.get("CRAWL_TRACE") or 0)  # 1: each press, 2: and the buttons shown
PER_STATE = 1  # screens expanded per persona and dialog state, in one language
SEQUENCE = 16  # screens of one state followed as steps of a sequence (questions, months)
# Presses that undo the persona's data (withdraw, delete, cancel, stop, remove): made once
# everything else is explored, so that they do not close the paths behind them.
# Dialogs whose next step depends on who the person is (a reference, a booking, a check-in),
# not only on what the screen shows: each persona explores them.
PERSONAL = ("ConcernSG:", "BookingSG:", "CheckinSG:", "MyRegistrationSG:")
LAST = re.compile(r"^(yes|stop|pause|remove_yes)$")
PER_WIDGET = 4  # buttons pressed among those of one widget on one screen
MESSAGE_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_LIMIT, BUTTON_LIMIT = 4096, 1024, 64, 100
OVERLONG = "help " * 900  # 4,500 characters: more than any field accepts
STRANGE = "\u202e\u200bA\u0301\U0001f600\ufeff زينب 𝔄𝔪𝔦𝔫𝔞𝔱𝔞 \u2028\u0600"
SAMPLES = {  # a valid answer for each step that reads typed text
    "RegistrationSG:name": "Aminata Diallo",
    "RegistrationSG:country": "guin",
    "RegistrationSG:city": "Oujda",
    "RegistrationSG:city_other": "Oujda",
    "RegistrationSG:phone": "0612345678",
    "RegistrationSG:companions": "2",
    "MyRegistrationSG:edit_name": "Aminata Diallo",
    "MyRegistrationSG:edit_phone": "0612345678",
    "SlotsSG:capacity": "3",
    "TalkSG:chat": "My friend is sick, I need help",
    "StaffAnswerSG:write": "Come to the office on Monday.",
    "ConcernSG:message": "Someone took my passport.",
}
BAD_INPUTS = ("sticker", "overlong", "strange", "free text", "old button")
# What the crawler types that the bot shows back: folded out of screen signatures.
TYPED = ("Aminata Diallo", "0612345678", "+212612345678", "Oujda")
PICKER = ("Choose your language", "Which language do you read best? The menus will be in it.")
# Screens that show other languages on purpose: the pickers; a recording's page, in the
# language of the recording (staff).
MULTILINGUAL = {"LanguageSG:pick", "LanguageSG:written", "RecordSG:waiting"}
APOLOGY = "Sorry, something went wrong on our side. Here is the menu."
# Words of English sentences that are no word of French, Spanish or Portuguese: on a screen in
# those languages (or Arabic), English left untranslated.
ENGLISH_WORD = re.compile(
    r"\b(?:the|your|you|with|and|this|please|which|what|have|will|when|here|there|can|for"
    r"|from|our|has|not|are|been|was|were|would|should|about|only|after|before)\b",
    re.IGNORECASE,
)
# Texts of the crawler's (and the test's made-up people's) own that the bot shows back, to
# staff or to the person: not the bot's words.
SHOWN_BACK = (
    *SAMPLES.values(),
    "my friend is sick, I need help",
    "I need help",
    "Test Person",
    OVERLONG,
)
# Latin words allowed on an Arabic screen: names and data, not sentences.
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
ALLOWED_LATIN = re.compile(
    r"https?://\S+|\S+@\S+|[A-Z]{2}-\d{4}-\d{6}|/[a-z_]+|#[A-Z0-9]{5}|\+?\d[\d ]{6,}"
    r"|\b[A-Z0-9]{3,6}\b"  # a concern's reference
)


def dialog_states(router: Router) -> set[str]:
    """Every state of every dialog registered on the dispatcher (not a hand-kept list)."""
    found = set()
    if isinstance(router, Dialog) and router.states_group_name() != "AiogramDialogStates":
        found |= {state.state for state in router.windows}  # (not the library's own dialog)
    for sub in router.sub_routers:
        found |= dialog_states(sub)
    return found


def fold(text: str, typed: tuple[str, ...] = ()) -> str:
    """Text without what depends on data: references, numbers and dates, what was typed."""
    for sample in typed:
        text = text.replace(sample, "…")
    text = re.sub(r"[A-Z]{2}-\d{4}-\d{6}", "REF", text)
    return re.sub(r"[\d٠-٩]+", "#", text)[:300]


def edge_key(button: dict[str, Any], index: int) -> str:
    """A button, the same in every language: its callback data without the dialog's intent id
    and numbers (a day, a slot, a case), or its place in a reply keyboard."""
    if "callback_data" not in button:
        return f"reply:{index}"
    return fold(button["callback_data"].split(CB_SEP)[-1])


def _tail(button: dict[str, Any]) -> str:
    """A button's callback data without the dialog's intent id (different for each person)."""
    return button.get("callback_data", "").split(CB_SEP)[-1]


def widget_of(key: str) -> str:
    """The widget a button belongs to: `country:GN` and `country:ML` are one widget."""
    return key.rsplit(":", 1)[0] if ":" in key else key


@dataclass
class Finding:
    kind: str  # dead_end, reply_keyboard_left, language, limit, error
    state: str | None
    locale: str
    detail: str
    path: tuple[str, ...]

    def key(self) -> tuple[str, str | None, str]:
        return (self.kind, self.state, self.detail[:80])

    def __str__(self) -> str:
        trail = " → ".join(self.path[-6:])
        return f"[{self.kind}] {self.locale} {self.state}: {self.detail}  (path: {trail})"


@dataclass
class Node:
    rows: list[dict[str, Any]]
    message: dict[str, Any] | None
    reply_keyboard: tuple[dict[str, Any], str | None] | None  # markup, state that showed it
    state: str | None
    locale: str
    path: tuple[str, ...]
    chain: int = 0  # how many screens before it, in a row, were of the same state
    begun: str = ""  # what its dialog was started with
    thorough: bool = True  # every button pressed, or (a step of a sequence) only the new ones
    before: frozenset[str] = frozenset()  # the buttons of the screen it came from
    kept: bool = False  # explored (a new screen), so replayed in the other languages


@dataclass
class Step:
    """One action of the exploring crawl, in the order it was made: from which screen (None: a
    root), what was done (the same in every language), and the screen it led to."""

    parent: Node | None
    how: tuple[Any, ...]  # ("root", i), ("press", key, nth), ("sample",), ("bad", kind)...
    child: Node


@dataclass
class Shared:
    """What every crawl shares: where each press led (persona, state, button → states), and
    the bad inputs tried on each state."""

    edges: dict[tuple[str, str, str | None, int, str], set[str | None]] = field(
        default_factory=dict
    )
    bad_inputs: set[tuple[str | None, str]] = field(default_factory=set)
    forged: set[str] = field(default_factory=set)
    foreign_dialog_data: str | None = None  # a dialog button from someone else's screen
    # The exploring crawl (the first language) of each persona: its steps, to replay.
    plans: dict[str, list[Step]] = field(default_factory=dict)


@dataclass
class InLanguage:
    """What the personas crawled in one language share: screens seen, states shown."""

    index: int
    screens: set[tuple[Any, ...]] = field(default_factory=set)
    shown: set[str | None] = field(default_factory=set)
    expanded: Counter[tuple[Any, ...]] = field(default_factory=Counter)
    tried_bad: set[str | None] = field(default_factory=set)  # states given this one's bad input


@dataclass
class Crawl:
    """The results of crawling as one persona in one language."""

    persona: str
    locale: str
    screens: set[tuple[Any, ...]] = field(default_factory=set)
    states: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    actions: int = 0
    replayed: int = 0  # steps of the first language's crawl made again in this one
    diverged: int = 0  # of them, those that led elsewhere (then explored from there)


class LanguageCheck:
    """Fragments of every other catalog that must not appear on a screen in a given locale."""

    def __init__(self, catalogs: dict[str, Any]) -> None:
        from babel.messages.pofile import read_po

        texts: dict[str, list[str]] = {}
        for locale in SUPPORTED_LOCALES:
            path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
            if locale == "en" and not path.exists():
                path = LOCALES_DIR / "messages.pot"  # English is the source: the msgids
            with path.open("rb") as handle:
                catalog = read_po(handle)
            strings = []
            for message in catalog:
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                found = message.string if isinstance(message.string, tuple) else (message.string,)
                strings += list(found) if locale != "en" else [*ids, *found]
            texts[locale] = [s for s in strings if s]
        own = {locale: "\n".join(texts[locale]) for locale in SUPPORTED_LOCALES}
        self.foreign: dict[str, list[tuple[str, str]]] = {}
        # Whole short strings (a button, a line) of another catalog that are none of this one.
        self.foreign_whole: dict[str, dict[str, str]] = {}
        self._known: dict[tuple[str, str], list[str]] = {}
        for locale in SUPPORTED_LOCALES:
            mine = {p.strip() for s in texts[locale] for p in s.split("\n")}
            self.foreign_whole[locale] = {
                part: other
                for other in SUPPORTED_LOCALES
                if other != locale
                for string in texts[other]
                for part in (p.strip() for p in string.split("\n"))
                if "{" not in part and re.search(r"[^\W\d_]{4}", part) and part not in mine
            }
            fragments = set()
            for other in SUPPORTED_LOCALES:
                if other == locale:
                    continue
                for string in texts[other]:
                    for piece in re.split(r"\{[^}]*\}|<[^>]+>|\n", string):
                        part = piece.strip()
                        if (
                            len(part) >= 14
                            and re.search(r"[^\W\d_]{4}", part)
                            and (part not in own[locale])
                        ):
                            fragments.add((part, other))
            self.foreign[locale] = sorted(fragments)

    def problems(self, locale: str, text: str, allowed: set[str]) -> list[str]:
        key = (locale, text)  # (the same texts come back often: buttons, menus)
        if key not in self._known:
            self._known[key] = self._problems(locale, text, allowed)
        return self._known[key]

    def _problems(self, locale: str, text: str, allowed: set[str]) -> list[str]:
        found = [f"{other} text {part!r}" for part, other in self.foreign[locale] if part in text]
        whole = self.foreign_whole[locale]
        found += [
            f"{whole[line.strip()]} text {line.strip()!r}"
            for line in text.split("\n")
            if line.strip() in whole and not any(line.strip() in part for part, _ in found)
        ]
        if locale != "en":  # English that is in no catalog (a string not passed to gettext)
            plain = re.sub(r"<[^>]+>", " ", text)
            for phrase in SHOWN_BACK:
                plain = plain.replace(phrase, " ")
            words = {w for w in ENGLISH_WORD.findall(plain)}
            if words:
                found.append(f"English words on a {locale} screen: {sorted(words)[:6]}")
        if locale == "ar":
            plain = ALLOWED_LATIN.sub(" ", re.sub(r"<[^>]+>", " ", text))
            words = {w for w in LATIN_WORD.findall(plain) if w not in allowed}
            if words:
                found.append(f"Latin words on an Arabic screen: {sorted(words)[:6]}")
        return found


class Crawler:
    def __init__(
        self,
        harness: Any,
        person: Any,
        persona: str,
        locale: str,
        language: LanguageCheck,
        allowed_latin: set[str],
        log_records: list[logging.LogRecord],
        declared_ends: set[str],
        shared: Shared,
        in_language: InLanguage,
    ) -> None:
        self.h, self.person, self.language = harness, person, language
        self.result = Crawl(persona, locale)
        self.allowed_latin = allowed_latin
        self.log_records = log_records
        self.declared_ends = declared_ends
        self.user_id = person.user["id"]
        self.chat_id = person.chat_id
        self.storage = harness.dp.fsm.storage
        self.shared, self.here = shared, in_language
        self.persona = persona
        self.queue: deque[Node] = deque()
        self.last: deque[tuple[Node, str, str, Any]] = deque()
        self.reply_keyboard: tuple[dict[str, Any], str | None] | None = None
        self.root_message: dict[str, Any] | None = None
        # The first language explores and records its steps; the others replay them.
        self.steps: list[Step] | None = None if persona in shared.plans else []
        self.roots: list[Node] = []
        self.current: tuple[list[dict[str, Any]], str | None] = ([{"unknown": True}], None)
        catalogs = harness.app.catalogs
        self.picker_texts = [
            catalogs[code].gettext(msgid) for code in SUPPORTED_LOCALES for msgid in PICKER
        ]

    # -- the person's dialog state --------------------------------------------------------
    async def _now(self) -> tuple[list[dict[str, Any]], str]:
        """The person's dialog state (their `fsm_records` rows) and language, as stored."""
        async with self.h.app.engine.connect() as connection:
            result = await connection.execute(
                select(FsmRecordRow.__table__).where(FsmRecordRow.user_id == self.user_id)
            )
            rows = [dict(row._mapping) for row in result]
            locale = await connection.scalar(
                select(UserRow.locale).where(UserRow.id == self.user_id)
            )
        self.current = (rows, locale if locale in SUPPORTED_LOCALES else self.result.locale)
        return self.current

    async def _restore(self, node: Node) -> None:
        rows, locale = self.current
        if node.rows != rows:  # (unchanged by the last action: nothing to put back)
            await self.storage.delete_user(self.user_id)
            if node.rows:
                async with self.h.app.engine.begin() as connection:
                    await connection.execute(insert(FsmRecordRow.__table__), node.rows)
        if node.message is not None:
            self.h.api.messages[self.chat_id][node.message["message_id"]] = node.message
        self.reply_keyboard = node.reply_keyboard
        if node.locale != locale:  # the language is the person's, not the dialog's
            await self.h.app.users.choose_locale(self.user_id, node.locale)

    def _state_of(self, rows: list[dict[str, Any]]) -> tuple[str | None, str]:
        decrypt = self.h.app.cipher.decrypt
        by_key = {row["key"]: row for row in rows}
        stack = next((r for k, r in by_key.items() if k.endswith(":aiogd:stack:")), None)
        if stack is None or not stack["data"]:
            return None, ""
        intents = json.loads(decrypt(stack["data"])).get("intents") or []
        if not intents:
            return None, ""
        context = next((r for k, r in by_key.items() if k.endswith(intents[-1])), None)
        if context is None or not context["data"]:
            return None, ""
        found = json.loads(decrypt(context["data"]))
        # What the dialog was started with tells screens apart that look alike (/stats and
        # /export's office question); numbers (ids) folded, so it holds in every language.
        begun = found.get("start_data")
        return found.get("state"), fold(json.dumps(begun, sort_keys=True)) if begun else ""

    # -- acting and looking -----------------------------------------------------------------
    async def act(
        self, node: Node | None, label: str, action: Any, how: tuple[Any, ...] | None = None
    ) -> Node:
        if node is not None:
            await self._restore(node)
        path = (*(node.path if node else ()), label)
        first_event, first_log = len(self.h.api.events), len(self.log_records)
        await action()
        self.result.actions += 1
        events = [e for e in self.h.api.events[first_event:] if e.chat_id == self.chat_id]
        rows, locale = await self._now()
        state, begun = self._state_of(rows)
        if state:
            self.result.states.add(state)
        self.here.shown.add(state)
        self._track_reply_keyboard(events, state)
        screen = self._screen(events, node)
        chain = node.chain + 1 if node is not None and node.state == state else 0
        child = Node(rows, screen, self.reply_keyboard, state, locale, path, chain, begun)
        if TRACE:
            print(self.persona, node.state if node else None, repr(label)[:40], "→", state,  # noqa: T201
                  [b["text"][:12] for b in self._buttons(child)] if TRACE > 1 else "")  # fmt: skip
        self._check(child, events, self.log_records[first_log:])
        if how is not None and self.steps is not None:
            self.steps.append(Step(node, how, child))
        return child

    def _track_reply_keyboard(self, events: list[Any], state: str | None) -> None:
        for event in events:
            markup = (event.message or {}).get("reply_markup") or {}
            if event.kind == "send" and "keyboard" in markup:
                self.reply_keyboard = (markup, state)
            elif event.kind == "send" and markup.get("remove_keyboard"):
                self.reply_keyboard = None

    def _screen(self, events: list[Any], before: Node | None) -> dict[str, Any] | None:
        """The message the person looks at: the last one this action sent or edited (an
        attached file such as an interview's calendar file belongs to the screen above it),
        else the screen the action started from, as it is now."""
        for event in reversed(events):
            message = event.message or {}
            if event.kind not in {"send", "edit"} or message.get("from", {}) != BOT_USER:
                continue
            if "document" in message and not message.get("reply_markup"):
                continue
            return self.h.api.messages[self.chat_id].get(message["message_id"], message)
        if before is not None and before.message is not None:
            current = self.h.api.messages[self.chat_id].get(before.message["message_id"])
            return current or before.message
        mine = [m for m in self.h.api.chat(self.chat_id) if m.get("from") == BOT_USER]
        return mine[-1] if mine else None  # a root the bot sent on its own (an invitation)

    def _buttons(self, node: Node) -> list[dict[str, Any]]:
        markup = (node.message or {}).get("reply_markup") or {}
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        if node.reply_keyboard is not None and node.reply_keyboard[1] == node.state:
            buttons += [b for row in node.reply_keyboard[0]["keyboard"] for b in row]
        return buttons

    def _find(self, node: Node, kind: str, detail: str) -> None:
        self.result.findings.append(Finding(kind, node.state, node.locale, detail, node.path))

    def _check(self, node: Node, events: list[Any], records: list[logging.LogRecord]) -> None:
        for record in (r for r in records if r.levelno >= logging.ERROR):
            self._find(node, "error", f"logged: {record.getMessage()[:160]}")
        texts: list[str] = []
        for event in events:
            message = event.message or {}
            if event.kind == "answer":
                texts.append(event.text or "")
                if len(event.text or "") > 200:
                    self._find(node, "limit", "callback answer over 200 characters")
                continue
            if event.kind in {"send", "edit"}:
                texts += self._check_limits(node, message)
        for text in texts:
            if any(
                self.h.app.catalogs[code].gettext(APOLOGY) in text for code in SUPPORTED_LOCALES
            ):
                self._find(node, "error", "the apology was sent")
            if node.state in MULTILINGUAL or any(p in text for p in self.picker_texts):
                continue  # the language picker is written in every language on purpose
            for problem in self.language.problems(node.locale, text, self.allowed_latin):
                self._find(node, "language", problem)
        if self.reply_keyboard is not None and self.reply_keyboard[1] != node.state:
            self._find(
                node,
                "reply_keyboard_left",
                f"reply keyboard of {self.reply_keyboard[1]} still shown",
            )
        if not self._buttons(node):
            text = (node.message or {}).get("text") or ""
            if not any(end in text for end in self.declared_ends):
                self._find(node, "dead_end", f"no button under {text[:120]!r}")

    def _check_limits(self, node: Node, message: dict[str, Any]) -> list[str]:
        """Telegram's limits on one message; returns its texts (body and buttons)."""
        body = message.get("text")
        if body is not None and not 0 < len(body) <= MESSAGE_LIMIT:
            self._find(node, "limit", f"message of {len(body)} characters")
        caption = message.get("caption")
        if caption is not None and len(caption) > CAPTION_LIMIT:
            self._find(node, "limit", f"caption of {len(caption)} characters")
        texts = [body or caption or ""]
        rows = ((message.get("reply_markup") or {}).get("inline_keyboard")) or []
        if sum(len(r) for r in rows) > BUTTON_LIMIT:
            self._find(node, "limit", "more than 100 buttons")
        for button in (b for r in rows for b in r):
            texts.append(button["text"])
            data = button.get("callback_data", "")
            # An empty calendar cell is a space; Telegram refuses only an empty text.
            if not button["text"] or len(data.encode()) > CALLBACK_DATA_LIMIT:
                self._find(node, "limit", f"bad button {button['text']!r} {data!r}")
        return texts

    def _signature(self, node: Node) -> tuple[Any, ...]:
        message = node.message or {}
        text = fold(message.get("text") or message.get("caption") or "", TYPED)
        buttons = tuple(fold(b["text"], TYPED) for b in self._buttons(node))
        return (node.begun, node.state, node.locale, text, buttons)

    # -- the walk -----------------------------------------------------------------------------
    def enqueue(self, node: Node) -> None:
        signature = self._signature(node)
        self.result.screens.add(signature)
        seen = (self.persona, *signature) if (node.state or "").startswith(PERSONAL) else signature
        if seen in self.here.screens:
            return  # the same screen, seen by another persona in this language
        self.here.screens.add(seen)
        # Outside a dialog (a notice, an answer to a command) the buttons tell screens apart.
        buttons = signature[4] if node.state is None else ()
        family = (self.persona, node.begun, node.state, buttons)
        texts = (*family, signature[3])
        if self.here.expanded[family] >= PER_STATE:
            # A step of a sequence (the next question, a day chosen): a new text of the
            # state it came from; only the buttons that appeared on it are pressed.
            if not node.chain or self.here.expanded[texts] or node.chain > SEQUENCE:
                return
            node.thorough = False
        self.here.expanded[family] += 1
        self.here.expanded[texts] += 1
        node.kept = True
        self.queue.append(node)

    async def root(self, label: str, action: Any) -> Node:
        node = await self.act(None, label, action, ("root", len(self.roots)))
        self.roots.append(node)
        if self.root_message is None:
            self.root_message = node.message
        # A persona's roots are always explored: its data (a booking, a check-in) is its own.
        self.result.screens.add(self._signature(node))
        self.here.screens.add(self._signature(node))
        node.kept = True
        if self.steps is not None:
            self.queue.append(node)
        return node

    async def run(self, budget: int) -> Crawl:
        if self.steps is None:
            await self.replay(self.shared.plans[self.persona])
        while (self.queue or self.last) and self.result.actions < budget:
            if self.queue:
                node = self.queue.popleft()
                children = await self._expand(node)
            else:
                node, key, label, action, how = self.last.popleft()
                children = [c for c in [await self.edge(node, key, label, action, how)] if c]
            for child in children:
                self.enqueue(child)
        if self.steps is not None:
            self.shared.plans[self.persona] = self.steps
        return self.result

    async def edge(
        self, node: Node, key: str, label: str, action: Any, how: tuple[Any, ...]
    ) -> Node | None:
        """Press (or type) unless this press is known, in an earlier language, to lead only to
        states already shown in this one."""
        edge = (self.persona, node.begun, node.state, node.chain, key)
        led_to = self.shared.edges.get(edge)
        if led_to is not None and led_to <= self.here.shown:
            return None
        child = await self.act(node, label, action, how)
        self.shared.edges.setdefault(edge, set()).add(child.state)
        return child

    # -- the other languages: the first language's steps again --------------------------------
    async def replay(self, plan: list[Step]) -> None:
        """Make again, in this language and in the same order, every step of the first
        language's crawl that led to a screen it explored: the same buttons (by their callback
        data, or their place in a reply keyboard), the same samples and bad inputs. Every screen
        is checked as it comes. Where a step cannot be made or leads to another state, the
        crawl explores from there as the first language did."""
        here: dict[int, Node] = {}
        for step in plan:
            if not step.child.kept:
                continue  # a screen seen before: nothing new to check on it
            if step.how[0] == "root":
                mine = self.roots[step.how[1]] if step.how[1] < len(self.roots) else None
                if mine is not None:
                    here[id(step.child)] = mine
                    await self._bad_input_once(mine)
                continue
            parent = here.get(id(step.parent))
            if parent is None:
                continue  # its screen was not reached here: explored from where it diverged
            label, action = self._action(parent, step.how)
            self.result.replayed += 1
            if action is None:
                self._diverged(parent)
                continue
            child = await self.act(parent, label, action)
            here[id(step.child)] = child
            signature = self._signature(child)
            self.result.screens.add(signature)
            self.here.screens.add(signature)
            child.before = step.child.before
            child.chain = step.child.chain
            if child.state != step.child.state:
                self._diverged(child)
            else:
                await self._bad_input_once(child)

    def _diverged(self, node: Node) -> None:
        self.result.diverged += 1
        node.thorough = True
        self.queue.append(node)

    async def _bad_input_once(self, node: Node) -> None:
        """This language's bad input, once on each state (the first language's are replayed)."""
        if node.state not in self.here.tried_bad:
            self.here.tried_bad.add(node.state)
            await self._bad_input(node)

    def _action(self, node: Node, how: tuple[Any, ...]) -> tuple[str, Any]:
        """The action `how` on this screen and what to call it in a path, or None if the
        screen has no such button."""
        person = self.person
        if how[0] == "press":
            _, key, nth, data = how
            buttons = list(enumerate(self._buttons(node)))
            # The same button: the one with its data (a mirrored calendar puts a day elsewhere),
            # else its key and place among the buttons with that key.
            same = [b for _, b in buttons if data and _tail(b) == data]
            found = (
                same if len(same) == 1 else [b for i, b in buttons if edge_key(b, i) == key][nth:]
            )
            return (found[0]["text"], self._press(node, found[0])) if found else ("", None)
        if how[0] == "sample":
            sample = SAMPLES.get(node.state or "")
            return f"type {sample!r}", None if sample is None else (lambda: person.send(sample))
        if how[0] == "voice":
            return "voice", person.send_voice
        if how[0] == "bad":
            return f":{how[1]}", self._bad_action(node, how[1])[1]
        return "", None

    def _press(self, node: Node, button: dict[str, Any]) -> Any:
        person = self.person
        if "callback_data" in button:
            data, message = button["callback_data"], node.message
            return lambda: person.press_data(data, message)
        if button.get("request_contact"):
            return lambda: person.send_contact("+212612345678")
        return lambda: person.send(button["text"])

    def _chosen_buttons(self, node: Node) -> list[tuple[str, dict[str, Any], int]]:
        """At most PER_WIDGET buttons of each widget: one of each kind of label, the most
        frequent kinds first (a calendar's free days before its header); in a list of
        different labels (countries, languages), the first, the last and some between. Each
        with its key and which of the buttons with that key it is (days fold to one key)."""
        by_widget: dict[str, list[tuple[str, dict[str, Any], int]]] = {}
        nth: Counter[str] = Counter()
        for index, button in enumerate(self._buttons(node)):
            key = edge_key(button, index)
            nth[key] += 1
            if "url" in button:
                continue
            by_widget.setdefault(widget_of(key), []).append((key, button, nth[key] - 1))
        chosen = []
        for buttons in by_widget.values():
            if len(buttons) <= PER_WIDGET:
                chosen += buttons
                continue
            kinds: dict[str, list[tuple[str, dict[str, Any], int]]] = {}
            for found in buttons:
                kinds.setdefault(fold(found[1]["text"]), []).append(found)
            if len(kinds) < len(buttons):
                # a number (a free day) first, then the most frequent kinds
                ordered = sorted(kinds.items(), key=lambda k: (k[0] != "#", -len(k[1])))
                chosen += [kind[0] for _, kind in ordered[:PER_WIDGET]]
            else:
                last = len(buttons) - 1
                spread = sorted({round(i * last / (PER_WIDGET - 1)) for i in range(PER_WIDGET)})
                chosen += [buttons[i] for i in spread]
        return chosen

    async def _expand(self, node: Node) -> list[Node]:
        children: list[Node | None] = []
        person = self.person
        chosen = self._chosen_buttons(node)
        if not node.thorough:  # a step of a sequence: what appeared on it, else the first
            new = [
                found
                for found in chosen
                if found[0] not in node.before
                or f"label:{fold(found[1]['text'])}" not in node.before
            ]
            chosen = (new or chosen)[:2]
        for key, button, nth in chosen:
            label = button["text"]
            data = button.get("callback_data", "")
            if CB_SEP in data and self.shared.foreign_dialog_data is None:
                self.shared.foreign_dialog_data = data
            how = ("press", key, nth, _tail(button))
            press = self._press(node, button)
            if data and LAST.match(key.split(":")[0]):
                self.last.append((node, key, label, press, how))
                continue
            children.append(await self.edge(node, key, label, press, how))
        sample = SAMPLES.get(node.state or "")
        if sample is not None:
            children.append(
                await self.edge(
                    node, "sample", f"type {sample!r}", lambda: person.send(sample), ("sample",)
                )
            )
        if node.state == "RecordSG:waiting":
            children.append(await self.edge(node, "sample", "voice", person.send_voice, ("voice",)))
        if node.thorough:
            children.append(await self._bad_input(node))
        found = [c for c in children if c is not None]
        shown = list(enumerate(self._buttons(node)))
        parent_keys = frozenset(
            [edge_key(b, i) for i, b in shown] + [f"label:{fold(b['text'])}" for _, b in shown]
        )
        for child in found:
            child.before = parent_keys
        return found

    async def _bad_input(self, node: Node) -> Node | None:
        """One bad input on this state in this language; the five languages try all five."""
        if node.state is None:
            return None
        turn = (self.here.index + sum(map(ord, node.state))) % len(BAD_INPUTS)
        kind, action = self._bad_action(node, BAD_INPUTS[turn])
        self.shared.bad_inputs.add((node.state, kind))
        return await self.act(node, f":{kind}", action, ("bad", kind))

    def _bad_action(self, node: Node, kind: str) -> tuple[str, Any]:
        person = self.person
        if kind == "old button":
            old = self.root_message
            first = next(
                (b for r in (old or {}).get("reply_markup", {}).get("inline_keyboard", [])
                 for b in r if "callback_data" in b),
                None,
            )  # fmt: skip
            if old is None or old is node.message or first is None:
                kind = "sticker"
            else:
                return kind, lambda: person.press_data(first["callback_data"], old)
        if kind == "sticker":
            return kind, person.send_sticker
        if kind == "overlong":
            return kind, lambda: person.send(OVERLONG)
        if kind == "strange":
            return kind, lambda: person.send(STRANGE)
        return kind, lambda: person.send("my friend is sick, I need help")

    async def forged(self, node: Node, label: str, data: str) -> None:
        """A press nobody should be able to make (another person's case, check-in or dialog):
        answered, nothing shown that belongs to someone else, the screen stays usable."""
        self.shared.forged.add(label)
        await self.act(node, f":forged {label}", lambda: self.person.press_data(data, node.message))

    async def command(self, node: Node, text: str) -> None:
        """A staff command sent by someone who is not staff."""
        self.shared.forged.add(text.split(maxsplit=1)[0])
        await self.act(node, f":not staff {text}", lambda: self.person.send(text))
