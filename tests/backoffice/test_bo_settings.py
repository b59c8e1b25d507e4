"""Settings read from an environment mapping."""
import logging

import pytest
from cryptography.fernet import Fernet

from backoffice.crypto import FieldCipher, normalise_phone
from backoffice.settings import DEV_TOKEN, Settings, SettingsError, derive_dev_key


def test_defaults_warn_and_derive_a_stable_key(caplog):
    with caplog.at_level(logging.WARNING, logger="backoffice.settings"):
        settings = Settings.from_env({})
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.database_url == "sqlite:///var/backoffice.db"
    assert settings.token == DEV_TOKEN and settings.staff_token == "dev-staff-token"
    assert settings.notify_url is None
    assert settings.encryption_key == Settings.from_env({}).encryption_key
    assert settings.encryption_key == derive_dev_key(DEV_TOKEN)
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "BACKOFFICE_TOKEN" in warned and "BACKOFFICE_ENCRYPTION_KEY" in warned
    assert set(settings.dev_defaults) == {
        "BACKOFFICE_TOKEN", "BACKOFFICE_STAFF_TOKEN", "BACKOFFICE_ENCRYPTION_KEY"}


def test_explicit_settings_do_not_warn(caplog):
    key = Fernet.generate_key().decode()
    env = {"BACKOFFICE_HOST": "0.0.0.0", "BACKOFFICE_PORT": "8123", "DATABASE_URL": "sqlite://",
           "BACKOFFICE_TOKEN": "a", "BACKOFFICE_STAFF_TOKEN": "b", "BACKOFFICE_ENCRYPTION_KEY": key,
           "BACKOFFICE_NOTIFY_URL": "http://127.0.0.1:9/notify"}
    with caplog.at_level(logging.WARNING, logger="backoffice.settings"):
        settings = Settings.from_env(env)
    assert settings.port == 8123 and settings.encryption_key == key
    assert settings.notify_url == "http://127.0.0.1:9/notify"
    assert caplog.records == [] and settings.dev_defaults == ()


@pytest.mark.parametrize("env, message", [
    ({"BACKOFFICE_PORT": "eighty"}, "BACKOFFICE_PORT"),
    ({"BACKOFFICE_PORT": "70000"}, "BACKOFFICE_PORT"),
    ({"BACKOFFICE_ENCRYPTION_KEY": "not-a-key"}, "BACKOFFICE_ENCRYPTION_KEY"),
    ({"BACKOFFICE_TOKEN": "same", "BACKOFFICE_STAFF_TOKEN": "same"}, "must differ"),
    ({"BACKOFFICE_LOG_LEVEL": "loud"}, "BACKOFFICE_LOG_LEVEL"),
    ({"BACKOFFICE_NOTIFY_TIMEOUT": "-1"}, "BACKOFFICE_NOTIFY_TIMEOUT"),
])
def test_bad_settings_are_refused_with_the_setting_named(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_invalid_key_is_not_echoed():
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"BACKOFFICE_ENCRYPTION_KEY": "secret-but-invalid"})
    assert "secret-but-invalid" not in str(info.value)


def test_phone_hash_is_keyed_and_normalised():
    one, other = FieldCipher(Fernet.generate_key().decode()), FieldCipher(Fernet.generate_key().decode())
    assert one.phone_hash("138 1234 5678") == one.phone_hash("+86 138-1234-5678")
    assert one.phone_hash("13812345678") != other.phone_hash("13812345678")
    assert one.phone_hash("无") is None
    assert normalise_phone("0086 13812345678") == "13812345678"
    assert one.decrypt_json(one.encrypt_json({"a": "张三"})) == {"a": "张三"}
