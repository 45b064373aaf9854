"""Encryption at rest: AES-256-GCM values (`v2:`), Fernet values of older rows still open, a
wrong key or a changed byte refused, and `rotate-key` brings old values into the new form."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.app import create_app
from bot.config import ConfigError
from storage.crypto import SEALED, WRONG_KEY, DataCipher, reseal
from storage.db import create_engine
from storage.key_check import rotate_data_key
from tests.dialogs.booking_steps import draft
from tests.support import TEST_DATA_KEY, make_settings

OTHER_KEY = Fernet.generate_key().decode()


def test_a_value_is_sealed_with_gcm_and_opens_again():
    cipher = DataCipher(TEST_DATA_KEY)
    token = cipher.seal("Awa Diallo, +222 22 00 00 00 ⵣ")
    assert token.startswith(SEALED)
    assert "Awa" not in token
    assert cipher.open(token) == "Awa Diallo, +222 22 00 00 00 ⵣ"
    assert cipher.seal("same") != cipher.seal("same")  # a new nonce each time
    assert cipher.encrypt(None) is None and cipher.decrypt(None) is None
    assert cipher.decrypt_json(cipher.encrypt_json(["medical", "legal"])) == ["medical", "legal"]


def test_a_value_from_before_v2_still_opens():
    legacy = Fernet(TEST_DATA_KEY.encode()).encrypt(b"Awa Diallo").decode()
    assert DataCipher(TEST_DATA_KEY).open(legacy) == "Awa Diallo"


@pytest.mark.parametrize("form", ["v2", "fernet"])
def test_another_key_or_a_changed_byte_is_refused(form):
    mine, other = DataCipher(TEST_DATA_KEY), DataCipher(OTHER_KEY)
    if form == "v2":
        token = mine.seal("Awa Diallo")
    else:
        token = Fernet(TEST_DATA_KEY.encode()).encrypt(b"Awa Diallo").decode()
    with pytest.raises(ValueError, match=WRONG_KEY):
        other.open(token)
    assert not other.opens(token) and mine.opens(token)
    middle = len(token) // 2
    changed = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    with pytest.raises(ValueError, match=WRONG_KEY):
        mine.open(changed)
    for broken in (SEALED, SEALED + "not base64!", "v2:" + "A" * 8, "é"):
        assert not mine.opens(broken)


def test_reseal_takes_either_key_and_either_form_to_the_new_key():
    old, new = DataCipher(TEST_DATA_KEY), DataCipher(OTHER_KEY)
    legacy = Fernet(TEST_DATA_KEY.encode()).encrypt(b"Awa").decode()
    for token in (legacy, old.seal("Awa"), new.seal("Awa")):
        again = reseal(token, new, old)
        assert again.startswith(SEALED) and new.open(again) == "Awa"
        assert not old.opens(again)
    with pytest.raises(ValueError):
        reseal(DataCipher(Fernet.generate_key().decode()).seal("Awa"), new, old)


async def test_a_database_written_before_v2_starts_and_rotates_into_v2(database):
    """Every value and the key check as the previous release wrote them (Fernet tokens)."""
    app = await create_app(make_settings(database))
    try:
        registration, _ = await app.registrations.register(8102, draft("fr"))
    finally:
        await app.close()
    fernet = Fernet(TEST_DATA_KEY.encode())
    engine = create_engine(database)
    async with engine.begin() as connection:
        await connection.execute(
            text("update registrations set name_enc = :name, phone_enc = null where id = :id"),
            {"name": fernet.encrypt(b"Awa Diallo").decode(), "id": registration.id},
        )
        await connection.execute(
            text("update data_key_check set check_value = :check"),
            {"check": fernet.encrypt(b"avrr data key check v1").decode()},
        )

    app = await create_app(make_settings(database))  # the old key check still opens
    try:
        async with app.uow(read_only=True) as uow:
            assert (await uow.registrations.get(registration.id)).draft.name == "Awa Diallo"
    finally:
        await app.close()
    with pytest.raises(ConfigError, match="not the key"):
        await create_app(make_settings(database, DATA_KEY=OTHER_KEY))

    await rotate_data_key(engine, TEST_DATA_KEY, OTHER_KEY)
    async with engine.connect() as connection:
        name = (await connection.execute(text("select name_enc from registrations"))).scalar()
        check = (await connection.execute(text("select check_value from data_key_check"))).scalar()
    await engine.dispose()
    assert name.startswith(SEALED) and check.startswith(SEALED)
    assert DataCipher(OTHER_KEY).open(name) == "Awa Diallo"
